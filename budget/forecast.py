"""Monthly cost forecast: per workload line, per category, totals and unit costs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from budget.months import month_labels
from budget.scenario import Scenario

CATEGORIES: tuple[str, ...] = (
    "training",
    "batch_inference",
    "realtime_inference",
    "experimentation",
    "platform",
)
CATEGORY_LABELS: dict[str, str] = {
    "training": "Training",
    "batch_inference": "Batch inference",
    "realtime_inference": "Real-time inference",
    "experimentation": "Experimentation",
    "platform": "Platform",
}
INFERENCE_CATEGORIES = ("batch_inference", "realtime_inference")
SECONDS_PER_HOUR = 3600.0
WEEKS_PER_MONTH = 52.0 / 12.0
MONTHS_PER_QUARTER = 3.0

LINE_COLUMNS = (
    "month", "month_index", "workload", "category", "team", "model", "environment",
    "serving", "cloud", "gpu", "pricing", "requests", "input_tokens", "output_tokens",
    "gpu_hours", "cost_usd",
)


@dataclass(frozen=True)
class UnitCosts:
    """Inference cost per unit over the horizon; None where there is no volume."""

    usd_per_1k_requests: float | None
    usd_per_1m_tokens: float | None


def _ratio(numerator: float, denominator: float, scale: float) -> float | None:
    return numerator / denominator * scale if denominator > 0 else None


@dataclass(frozen=True)
class Forecast:
    """The forecast of one scenario: one row per workload per month in `lines`."""

    scenario: Scenario
    months: tuple[str, ...]
    lines: pd.DataFrame

    @cached_property
    def by_category(self) -> pd.DataFrame:
        """Return USD per month (rows) and category (columns, all five, zero-filled)."""
        return self._wide("category", "cost_usd", list(CATEGORIES))

    @cached_property
    def by_workload(self) -> pd.DataFrame:
        """Return USD per month (rows) and workload (columns, in file order)."""
        return self._wide("workload", "cost_usd", list(dict.fromkeys(self.lines["workload"])))

    def _wide(self, column: str, value: str, order: list[str], lines: pd.DataFrame | None = None,
              ) -> pd.DataFrame:
        """Return sum of `value` per month (rows, horizon order) and `column` (given order)."""
        source = self.lines if lines is None else lines
        table = source.groupby(["month", column], sort=False)[value].sum().unstack(fill_value=0)
        table = table.reindex(index=list(self.months), columns=order, fill_value=0.0)
        table.columns.name = column
        return table

    @cached_property
    def total_usd(self) -> pd.Series:
        """Return total USD per month."""
        return self.by_category.sum(axis=1)

    @property
    def total_cost_usd(self) -> float:
        """Return the horizon total in USD."""
        return float(self.lines["cost_usd"].sum())

    def run_rate_usd(self, month_index: int) -> float:
        """Return the total USD of one month (0-based; -1 for the last)."""
        return float(self.total_usd.iloc[month_index])

    def _inference(self) -> pd.DataFrame:
        return self.lines[self.lines["category"].isin(INFERENCE_CATEGORIES)]

    @cached_property
    def unit_costs(self) -> UnitCosts:
        """Return horizon inference USD per 1K requests and per 1M (input + output) tokens."""
        inf = self._inference()
        cost = float(inf["cost_usd"].sum())
        tokens = float(inf["input_tokens"].sum() + inf["output_tokens"].sum())
        return UnitCosts(
            usd_per_1k_requests=_ratio(cost, float(inf["requests"].sum()), 1_000.0),
            usd_per_1m_tokens=_ratio(cost, tokens, 1_000_000.0),
        )

    def workload_table(self) -> pd.DataFrame:
        """Return one row per workload: owner, category, horizon USD, GPU-hours and unit costs."""
        keys = ["workload", "category", "team", "model", "environment", "serving", "cloud", "gpu",
                "pricing"]
        grouped = (
            self.lines.groupby("workload", sort=False, dropna=False)
            .agg(
                **{k: (k, "first") for k in keys[1:]},
                cost_usd=("cost_usd", "sum"),
                first_month_usd=("cost_usd", "first"),
                last_month_usd=("cost_usd", "last"),
                gpu_hours=("gpu_hours", "sum"),
                requests=("requests", "sum"),
                input_tokens=("input_tokens", "sum"),
                output_tokens=("output_tokens", "sum"),
            )
            .reset_index()
        )
        is_inference = grouped["category"].isin(INFERENCE_CATEGORIES)
        requests = grouped["requests"].where(is_inference & (grouped["requests"] > 0))
        tokens = (grouped["input_tokens"] + grouped["output_tokens"]).where(
            is_inference & (grouped["input_tokens"] + grouped["output_tokens"] > 0)
        )
        grouped["usd_per_1k_requests"] = grouped["cost_usd"] / requests * 1_000.0
        grouped["usd_per_1m_tokens"] = grouped["cost_usd"] / tokens * 1_000_000.0
        total = self.total_cost_usd
        grouped["share_of_total"] = grouped["cost_usd"] / total if total > 0 else 0.0
        return grouped.drop(columns=["input_tokens", "output_tokens"])

    def gpu_hours_by_pool(self) -> pd.DataFrame:
        """Return GPU-hours per month (rows) and 'cloud/gpu' pool (columns)."""
        gpu = self.lines[self.lines["gpu_hours"] > 0]
        if gpu.empty:
            return pd.DataFrame(index=list(self.months))
        pools = gpu.assign(pool=gpu["cloud"] + "/" + gpu["gpu"])
        return self._wide("pool", "gpu_hours", sorted(set(pools["pool"])), pools)

    def training_projects(self) -> pd.DataFrame:
        """Return per training workload: GPU-hours and USD per run, runs and USD per quarter."""
        s = self.scenario
        rows = []
        for job in s.training:
            price = _gpu_price(s, job.cloud, job.gpu, job.pricing)
            runs = job.refreshes_per_quarter * s.drivers.refresh_frequency
            per_run = job.gpu_hours_per_run * price
            rows.append({
                "workload": job.name, "team": job.team, "model": job.model,
                "cloud": job.cloud, "gpu": job.gpu, "pricing": job.pricing,
                "gpu_hours_per_run": job.gpu_hours_per_run, "usd_per_run": per_run,
                "runs_per_quarter": runs, "usd_per_quarter": per_run * runs,
                "usd_horizon": per_run * runs / MONTHS_PER_QUARTER * s.months,
            })
        return pd.DataFrame(rows)


def _gpu_price(scenario: Scenario, cloud: str, gpu: str, pricing: str) -> float:
    """Return USD per GPU-hour with the gpu_price driver applied."""
    hourly = scenario.price(cloud, gpu).usd_per_gpu_hour(pricing)
    if hourly is None:  # validation guarantees a price; keep mypy and readers honest
        raise KeyError((cloud, gpu, pricing))
    return hourly * scenario.drivers.gpu_price


def forecast(scenario: Scenario) -> Forecast:
    """Compute every workload's monthly USD, GPU-hours, requests and tokens for the horizon."""
    months = month_labels(scenario.start, scenario.months)
    index = np.arange(scenario.months, dtype=float)
    d = scenario.drivers
    frames: list[dict[str, object]] = []
    zeros = np.zeros(scenario.months)

    def add(name: str, category: str, team: str, cost: np.ndarray, **extra: object) -> None:
        row: dict[str, object] = {
            "workload": name, "category": category, "team": team, "model": "",
            "environment": "", "serving": "", "cloud": "", "gpu": "", "pricing": "",
            "requests": zeros, "input_tokens": zeros, "output_tokens": zeros,
            "gpu_hours": zeros, "cost_usd": cost,
        }
        row.update(extra)
        frames.append(row)

    for w in scenario.inference:
        requests = w.requests_per_month * d.inference_volume * (1.0 + w.monthly_growth) ** index
        output_per_request = w.output_tokens * d.output_tokens
        input_tokens = requests * w.input_tokens
        output_tokens = requests * output_per_request
        extra: dict[str, object] = {
            "model": w.model, "environment": w.environment, "serving": w.serving,
            "requests": requests, "input_tokens": input_tokens, "output_tokens": output_tokens,
        }
        if w.serving == "api":
            price_in = (w.price_per_1m_input or 0.0) * d.token_price
            price_out = (w.price_per_1m_output or 0.0) * d.token_price
            cost = (input_tokens * price_in + output_tokens * price_out) / 1_000_000.0
        else:
            assert w.cloud and w.gpu and w.output_tokens_per_gpu_second and w.utilization
            gpu_hours = output_tokens / (
                w.output_tokens_per_gpu_second * SECONDS_PER_HOUR * w.utilization
            )
            if w.input_tokens_per_gpu_second:
                gpu_hours = gpu_hours + input_tokens / (
                    w.input_tokens_per_gpu_second * SECONDS_PER_HOUR * w.utilization
                )
            cost = gpu_hours * _gpu_price(scenario, w.cloud, w.gpu, w.pricing)
            extra.update(cloud=w.cloud, gpu=w.gpu, pricing=w.pricing, gpu_hours=gpu_hours)
        add(w.name, f"{w.kind}_inference", w.team, cost, **extra)

    for t in scenario.training:
        runs_per_month = t.refreshes_per_quarter * d.refresh_frequency / MONTHS_PER_QUARTER
        gpu_hours = np.full(scenario.months, runs_per_month * t.gpu_hours_per_run)
        cost = gpu_hours * _gpu_price(scenario, t.cloud, t.gpu, t.pricing)
        add(t.name, "training", t.team, cost, model=t.model, cloud=t.cloud, gpu=t.gpu,
            pricing=t.pricing, gpu_hours=gpu_hours)

    for e in scenario.experimentation:
        gpu_hours = np.full(scenario.months, e.gpu_hours_per_week * WEEKS_PER_MONTH)
        cost = gpu_hours * _gpu_price(scenario, e.cloud, e.gpu, e.pricing)
        add(e.name, "experimentation", e.team, cost, cloud=e.cloud, gpu=e.gpu,
            pricing=e.pricing, gpu_hours=gpu_hours)

    for p in scenario.platform:
        cost = p.monthly_cost * (1.0 + p.monthly_growth) ** index
        add(p.name, "platform", p.team, cost, model=p.category)

    lines = _explode(frames, months)
    return Forecast(scenario=scenario, months=tuple(months), lines=lines)


def _explode(frames: list[dict[str, object]], months: list[str]) -> pd.DataFrame:
    """Turn per-workload arrays into one long table: a row per workload per month."""
    n = len(months)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in LINE_COLUMNS})
    columns: dict[str, object] = {
        "month": np.tile(np.array(months, dtype=object), len(frames)),
        "month_index": np.tile(np.arange(n), len(frames)),
    }
    for col in LINE_COLUMNS[2:]:
        values = [f[col] for f in frames]
        if isinstance(values[0], np.ndarray) or col in ("requests", "input_tokens",
                                                        "output_tokens", "gpu_hours", "cost_usd"):
            columns[col] = np.concatenate([np.asarray(v, dtype=float) for v in values])
        else:
            columns[col] = np.repeat(np.array(values, dtype=object), n)
    lines = pd.DataFrame(columns, columns=list(LINE_COLUMNS))
    if not np.isfinite(lines["cost_usd"].to_numpy()).all():
        raise ValueError("forecast produced a non-finite cost")  # guarded by validation
    return lines
