"""Monthly cost forecast: per workload line, per category, totals and unit costs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

import numpy as np

from budget.months import (
    DAYS_PER_AVERAGE_MONTH,
    WEEKS_PER_MONTH,
    calendar_factors,
    fiscal_period,
    month_labels,
)
from budget.scenario_model import (
    ExperimentationWorkload,
    InferenceWorkload,
    PlatformLine,
    Scenario,
    Segment,
    TrainingWorkload,
)
from budget.unit_costs import (
    MONTHS_PER_QUARTER,
    TOKENS_PER_PRICE_UNIT,
    InputValues,
    billed_gpu_hours_per_run,
    experimentation_gpu_hours_per_month,
    gpu_seconds_per_hour,
    inference_gpu_hours_per_request,
    inference_growth_rate,
    input_values,
    list_usd_per_gpu_hour,
    output_tokens_per_request,
    requests_first_month,
    runs_per_quarter,
    spot_factor,
    usd_per_gpu_hour,
    usd_per_request,
    usd_per_run,
)

if TYPE_CHECKING:  # pandas is imported where a frame is made: `budget forecast` needs none
    import pandas as pd

Workload = InferenceWorkload | TrainingWorkload | ExperimentationWorkload | PlatformLine

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


def category_label(category: str) -> str:
    """Return a category's display name; a line a dated change moves reads "A → B"."""
    return " → ".join(CATEGORY_LABELS[part] for part in category.split(" → "))


INFERENCE_CATEGORIES = ("batch_inference", "realtime_inference")  # the one list of them
# GPU work that can stop and resume (spot, reserved leftovers): the one list of them
CHECKPOINTABLE_CATEGORIES = ("training", "experimentation")

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


# Label columns of `lines`, each a text per workload per month
LINE_LABELS = ("category", "team", "model", "environment", "serving", "cloud", "gpu", "pricing")
LINE_VALUES = ("requests", "input_tokens", "output_tokens", "gpu_hours", "cost_usd")


@dataclass(frozen=True)
class LineArrays:
    """Every workload's lines as arrays: a row per workload (file order), a column per month.

    `labels` are object arrays of (workloads,), or of (workloads, months) when a dated change
    gives some workload a label per month; `values` are float arrays of (workloads, months).
    """

    names: np.ndarray
    labels: dict[str, np.ndarray]
    values: dict[str, np.ndarray]


@dataclass(frozen=True)
class Forecast:
    """The forecast of one scenario: per-workload arrays, and `lines` made from them on demand.

    The planner reruns on every slider move: its figures (totals, categories, the workload
    table, unit costs) come straight from the (workloads, months) arrays; the long table
    `lines` is built only for what needs a row per workload per month.
    """

    scenario: Scenario
    months: tuple[str, ...]
    arrays: LineArrays

    @cached_property
    def lines(self) -> pd.DataFrame:
        """Return one row per workload per month (workload-major, file order): LINE_COLUMNS."""
        return _explode(self.arrays, self.months)

    def nbytes(self) -> int:
        """Return the bytes of the arrays this forecast holds, its long table once built."""
        arrays = [*self.arrays.values.values(), *self.arrays.labels.values(), self.arrays.names]
        held = sum(a.nbytes for a in arrays)
        if "lines" in self.__dict__:  # texts are shared objects: a pointer a row each
            held += int(self.lines.memory_usage(index=True, deep=False).sum())
        return held

    @cached_property
    def _unique(self) -> bool:
        """Return whether there are workloads and their names are unique (validation's rule)."""
        names = self.arrays.names
        return len(names) > 0 and len(set(names.tolist())) == len(names)

    def _frame(self, table: np.ndarray, column: str, order: list[str]) -> pd.DataFrame:
        """Return (months, len(order)) values as a frame indexed by month, columns `column`."""
        import pandas as pd

        return pd.DataFrame(table, index=pd.Index(list(self.months), name="month"),
                            columns=pd.Index(order, name=column))

    @cached_property
    def by_category(self) -> pd.DataFrame:
        """Return USD per month (rows) and category (columns, all five, zero-filled)."""
        return self._frame(self.category_usd, "category", list(CATEGORIES))

    @cached_property
    def category_usd(self) -> np.ndarray:
        """Return USD as a (months, CATEGORIES) array: by_category without a frame."""
        if not self._unique:
            frame = self._wide("category", "cost_usd", list(CATEGORIES))
            by_lines: np.ndarray = frame.to_numpy(dtype=float)
            return by_lines
        cost = self.arrays.values["cost_usd"].T  # (months, workloads)
        categories = self.arrays.labels["category"]
        table = np.zeros((len(self.months), len(CATEGORIES)))
        for j, category in enumerate(CATEGORIES):
            mask = categories == category
            if mask.ndim == 1 and mask.any():  # sums along contiguous rows: numpy's pairwise
                table[:, j] = np.ascontiguousarray(cost[:, mask]).sum(axis=1)
            elif mask.ndim == 2 and mask.any():  # a dated change moves some workload
                table[:, j] = np.ascontiguousarray(np.where(mask.T, cost, 0.0)).sum(axis=1)
        return table

    @cached_property
    def by_workload(self) -> pd.DataFrame:
        """Return USD per month (rows) and workload (columns, in file order)."""
        if not self._unique:
            return self._wide("workload", "cost_usd",
                              list(dict.fromkeys(self.lines["workload"])))
        return self._frame(self.arrays.values["cost_usd"].T.copy(), "workload",
                           self.arrays.names.tolist())

    def by_period(self, period: str = "quarter") -> pd.DataFrame:
        """Return USD per fiscal quarter or year (rows, in order) and category, with the count
        of forecast months in each and their total; each cell the exact sum of its months.

        Quarters and years follow [scenario] fiscal_year_start_month; a horizon that starts or
        ends inside one shows it with fewer months.
        """
        import pandas as pd

        start = self.scenario.fiscal_year_start_month
        which = 0 if period == "quarter" else 1
        groups: dict[str, list[int]] = {}
        for i, month in enumerate(self.months):
            groups.setdefault(fiscal_period(month, start)[which], []).append(i)
        rows = []
        for label, months in groups.items():
            cells = self.category_usd[months]
            rows.append({period: label, "months": len(months),
                         **{c: math.fsum(cells[:, j]) for j, c in enumerate(CATEGORIES)},
                         "total_usd": math.fsum(self.month_total_usd[months])})
        return pd.DataFrame(rows, columns=[period, "months", *CATEGORIES, "total_usd"])

    def gpu_cost_usd(self) -> float:
        """Return the USD of the line-months that use GPU-hours: the plan's own GPU spend.

        Each workload's GPU-hours at its written pricing (reserved, spot with its overhead, on
        demand): as if reserved capacity were bought by the hour, none of it idle.
        """
        values = self.arrays.values
        return exact_sum(np.where(values["gpu_hours"] > 0, values["cost_usd"], 0.0))

    def workload_months_usd(self) -> dict[str, list[float]]:
        """Return each workload's USD per month (file order): by_workload without a frame."""
        if not self._unique:
            frame = self.by_workload
            return {str(w): frame[w].astype(float).tolist() for w in frame.columns}
        return dict(zip(self.arrays.names.tolist(), self.arrays.values["cost_usd"].tolist(),
                        strict=True))

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
        import pandas as pd

        return pd.Series(self.month_total_usd, index=self.by_category.index)

    @cached_property
    def month_total_usd(self) -> np.ndarray:
        """Return total USD per month as an array (the categories of each month summed)."""
        total: np.ndarray = self.category_usd.sum(axis=1)
        return total

    @cached_property
    def total_cost_usd(self) -> float:
        """Return the horizon total in USD (an exactly rounded sum of every line-month)."""
        return exact_sum(self.arrays.values["cost_usd"])

    def run_rate_usd(self, month_index: int) -> float:
        """Return the total USD of one month (0-based; -1 for the last)."""
        return float(self.month_total_usd[month_index])

    def _inference_sum(self, value: str) -> float:
        """Return the sum of `value` over the inference line-months, in `lines` order."""
        categories = self.arrays.labels["category"]
        mask = np.isin(categories, INFERENCE_CATEGORIES)
        return float(self.arrays.values[value][mask].ravel().sum())

    @cached_property
    def unit_costs(self) -> UnitCosts:
        """Return horizon inference USD per 1K requests and per 1M (input + output) tokens."""
        cost = self._inference_sum("cost_usd")
        tokens = self._inference_sum("input_tokens") + self._inference_sum("output_tokens")
        return UnitCosts(
            usd_per_1k_requests=_ratio(cost, self._inference_sum("requests"), 1_000.0),
            usd_per_1m_tokens=_ratio(cost, tokens, 1_000_000.0),
        )

    def workload_cost_usd(self) -> np.ndarray:
        """Return each workload's horizon USD (file order), as workload_table's cost_usd."""
        cost: np.ndarray = self.arrays.values["cost_usd"].sum(axis=1)
        return cost

    def workload_table(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """Return one row per workload: owner, category, horizon USD, GPU-hours and unit costs.

        With `rows` (positions in file order), only those workloads, in that order.
        """
        import pandas as pd

        # Straight from the (workloads, months) arrays, made a frame once: this runs on every
        # slider move.
        arrays = self.arrays
        if len(set(arrays.names.tolist())) != len(arrays.names):
            raise ValueError("forecast lines are not one block of months per workload")
        if rows is not None:
            arrays = LineArrays(arrays.names[rows], {k: v[rows] for k, v in arrays.labels.items()},
                                {k: v[rows] for k, v in arrays.values.items()})
        count = len(arrays.names)
        columns: dict[str, np.ndarray] = {"workload": arrays.names}
        for label in LINE_LABELS:
            values = arrays.labels[label]
            if values.ndim == 2 and self.scenario.changes:  # moved by a change: "old → new"
                columns[label] = np.array([" → ".join(dict.fromkeys(str(v) for v in row if v))
                                           for row in values], dtype=object)  # "" is none
            else:
                columns[label] = values if values.ndim == 1 else values[:, 0]
        cost_months = arrays.values["cost_usd"]
        cost = cost_months.sum(axis=1)
        requests = arrays.values["requests"].sum(axis=1)
        tokens = (arrays.values["input_tokens"] + arrays.values["output_tokens"]).sum(axis=1)
        is_inference = np.isin(columns["category"], INFERENCE_CATEGORIES)
        total = self.total_cost_usd
        with np.errstate(divide="ignore", invalid="ignore"):
            columns.update(
                cost_usd=cost,
                first_month_usd=cost_months[:, 0],
                last_month_usd=cost_months[:, -1],
                gpu_hours=arrays.values["gpu_hours"].sum(axis=1),
                requests=requests,
                usd_per_1k_requests=np.where(is_inference & (requests > 0),
                                             cost / requests * 1_000.0, np.nan),
                usd_per_1m_tokens=np.where(is_inference & (tokens > 0),
                                           cost / tokens * 1_000_000.0, np.nan),
                share_of_total=cost / total if total > 0 else np.zeros(count),
            )
        return pd.DataFrame(columns)

    def gpu_hours_by_pool(self) -> pd.DataFrame:
        """Return GPU-hours per month (rows) and 'cloud/gpu' pool (columns)."""
        import pandas as pd

        gpu = self.lines[self.lines["gpu_hours"] > 0]
        if gpu.empty:
            return pd.DataFrame(index=list(self.months))
        pools = gpu.assign(pool=gpu["cloud"] + "/" + gpu["gpu"])
        return self._wide("pool", "gpu_hours", sorted(set(pools["pool"])), pools)

    def training_projects(self) -> pd.DataFrame:
        """Return per training workload: GPU-hours and USD per run, runs and USD per quarter.

        USD over the horizon is the sum of the workload's own forecast lines. A dated change
        that alters a project's run adds a row from its month (`from`), whose USD are those
        months' lines: the rows of a project sum to its horizon USD.
        """
        import pandas as pd

        s = self.scenario
        values = input_values(s)
        lines = self.lines[self.lines["category"] == "training"]
        # each workload's training line-months found once, not by filtering per project
        positions = lines.groupby("workload", sort=False).indices
        month_index = lines["month_index"].to_numpy()
        cost_usd = lines["cost_usd"].to_numpy()
        rows: list[dict[str, object]] = []
        latest: dict[str, int] = {}  # workload → its row in `rows`
        for segment in s.segments():
            for job in segment.scenario.training:
                first, last = s.active_months(job.starts, job.ends)
                if max(first, segment.first) > min(last, segment.last) and job.name in latest:
                    continue
                runs = float(runs_per_quarter(job, values))
                per_run = float(usd_per_run(segment.scenario, job, values))
                own = positions.get(job.name, np.empty(0, dtype=np.intp))
                months = month_index[own]
                in_segment = own[(months >= segment.first) & (months <= segment.last)]
                usd_months = math.fsum(cost_usd[in_segment].tolist())
                row = {"workload": job.name, "from": self.months[max(first, segment.first)
                                                                  if first <= last else 0],
                       "team": job.team, "model": job.model, "cloud": job.cloud,
                       "gpu": job.gpu, "pricing": job.pricing,
                       "gpu_hours_per_run": job.gpu_hours_per_run, "usd_per_run": per_run,
                       "runs_per_quarter": runs, "usd_per_quarter": per_run * runs,
                       "usd_horizon": usd_months}
                keep = ("team", "model", "cloud", "gpu", "pricing", "gpu_hours_per_run",
                        "usd_per_run", "runs_per_quarter")
                earlier = rows[latest[job.name]] if job.name in latest else None
                if earlier is not None and all(earlier[k] == row[k] for k in keep):
                    earlier["usd_horizon"] = float(earlier["usd_horizon"]) + usd_months  # type: ignore[arg-type]
                    continue
                latest[job.name] = len(rows)
                rows.append(row)
        return pd.DataFrame(rows)


# A label of a workload line: one text, or one per month (an object array) when a dated change
# moves the workload to another model, GPU, team or kind part-way through the horizon
Label = str | np.ndarray


@dataclass(frozen=True)
class CostLine:
    """One workload's monthly cost and volumes: arrays of (months,) or (draws, months)."""

    name: str
    category: Label
    labels: dict[str, Label]
    cost_usd: np.ndarray
    requests: np.ndarray | float = 0.0
    input_tokens: np.ndarray | float = 0.0
    output_tokens: np.ndarray | float = 0.0
    gpu_hours: np.ndarray | float = 0.0


def cost_lines(scenario: Scenario, values: InputValues) -> list[CostLine]:
    """Compute every workload's monthly arrays for input values (floats, or (draws, 1) arrays).

    The per-workload formulas: the tornado and the forecast of a plan with dated changes call
    it (without changes, the forecast multiplies the same numbers as whole arrays,
    _plain_arrays; tests/budget/test_forecast_lines.py holds the two bit for bit). Simulations
    (Monte Carlo, Sobol, procurement draws) use cost_terms, the same formulas as terms summed
    across workloads; tests hold the two to 1e-12. Drivers not in `values` are an error (pass every
    input). Unit costs (per request, run, GPU-hour) are budget.unit_costs'. With [[changes]],
    each month is costed by the plan as it stands that month (Scenario.segments): a workload's
    line is its lines under each version, each kept for its own months.
    """
    segments = scenario.segments()
    if len(segments) == 1:  # no change, or every change from the first month
        lines = _plain_cost_lines(segments[0].scenario, values)
    else:
        masks = []
        for segment in segments:
            mask = np.zeros(scenario.months)
            mask[segment.first:segment.last + 1] = 1.0
            masks.append(mask)
        versions = [_plain_cost_lines(segment.scenario, values) for segment in segments]
        lines = [_merged(parts, masks, segments) for parts in zip(*versions, strict=True)]
    weights = calendar_weights(scenario)
    return lines if weights is None else [_on_calendar(line, weights) for line in lines]


WEEKLY_CATEGORIES = frozenset({"experimentation"})  # written per week: a month is 52/12 weeks


def calendar_weights(scenario: Scenario) -> dict[str, np.ndarray] | None:
    """Return each category's month weights under `calendar = "days"`; None for average months.

    A month weighs its days / 30.4375 (an average month), or its days / (7 × 52/12) for a
    figure written per week (experimentation): volumes, GPU-hours and cost accrue per day.
    """
    if scenario.calendar != "days":
        return None
    labels = month_labels(scenario.start, scenario.months)
    average = np.array(calendar_factors(labels, DAYS_PER_AVERAGE_MONTH))
    weekly = np.array(calendar_factors(labels, 7 * WEEKS_PER_MONTH))
    return {c: weekly if c in WEEKLY_CATEGORIES else average for c in CATEGORIES}


def _month_weights(category: Label | np.ndarray, weights: dict[str, np.ndarray],
                   rows: bool = False) -> np.ndarray:
    """Return the month weights of a line whose category is `category` (a name, or one per
    month after a dated change), or with `rows` of a (workloads,) column of names."""
    if isinstance(category, str):
        return weights[category]
    categories = np.asarray(category, dtype=object)
    weekly = np.isin(categories[:, None] if rows else categories, list(WEEKLY_CATEGORIES))
    return np.where(weekly, weights[next(iter(WEEKLY_CATEGORIES))], weights["training"])


def _on_calendar(line: CostLine, weights: dict[str, np.ndarray]) -> CostLine:
    """Return a line with every month's amounts × its month weight (volumes of 0.0 stay)."""
    w = _month_weights(line.category, weights)

    def weighed(value: np.ndarray | float) -> np.ndarray | float:
        return value * w if isinstance(value, np.ndarray) or value else value

    return CostLine(line.name, line.category, line.labels, line.cost_usd * w,
                    weighed(line.requests), weighed(line.input_tokens),
                    weighed(line.output_tokens), weighed(line.gpu_hours))


def _merged(parts: tuple[CostLine, ...], masks: list[np.ndarray],
            segments: tuple[Segment, ...]) -> CostLine:
    """Return one workload's line from its lines under each version, each kept for its months."""

    def summed(attr: str) -> np.ndarray:
        return sum((getattr(p, attr) * m for p, m in zip(parts, masks, strict=True)),
                   start=np.zeros_like(masks[0]))

    def label(values: list[Label]) -> Label:
        if all(isinstance(v, str) and v == values[0] for v in values):
            return values[0]
        out = np.empty(len(masks[0]), dtype=object)
        for value, segment in zip(values, segments, strict=True):
            out[segment.first:segment.last + 1] = value
        return out

    first = parts[0]
    return CostLine(first.name, label([p.category for p in parts]),
                    {k: label([p.labels[k] for p in parts]) for k in first.labels},
                    summed("cost_usd"), summed("requests"), summed("input_tokens"),
                    summed("output_tokens"), summed("gpu_hours"))


def _plain_cost_lines(scenario: Scenario, values: InputValues) -> list[CostLine]:
    """Return cost_lines of a plan without dated changes."""
    months = scenario.months
    out = [_inference_line(scenario, w, values) for w in scenario.inference]
    for t in scenario.training:
        flat = active_profile(1.0, months, scenario.active_months(t.starts, t.ends))
        runs_per_month = runs_per_quarter(t, values) / MONTHS_PER_QUARTER
        out.append(CostLine(t.name, "training", _gpu_labels(t.team, t.model, t),
                          runs_per_month * usd_per_run(scenario, t, values) * flat,
                          gpu_hours=runs_per_month * billed_gpu_hours_per_run(t, values) * flat))
    for e in scenario.experimentation:
        flat = active_profile(1.0, months, scenario.active_months(e.starts, e.ends))
        hours_per_month = experimentation_gpu_hours_per_month(e, values)
        usd_per_month = hours_per_month * usd_per_gpu_hour(scenario, e.cloud, e.gpu, e.pricing,
                                                           values)
        out.append(CostLine(e.name, "experimentation", _gpu_labels(e.team, "", e),
                          usd_per_month * flat, gpu_hours=hours_per_month * flat))
    for p in scenario.platform:
        labels: dict[str, Label] = {"team": p.team, "model": p.category, "environment": "",
                                    "serving": "", "cloud": "", "gpu": "", "pricing": ""}
        out.append(CostLine(p.name, "platform", labels,
                          p.monthly_cost * active_profile(
                              1.0 + p.monthly_growth, months,
                              scenario.active_months(p.starts, p.ends))))
    return out


def _inference_line(scenario: Scenario, w: InferenceWorkload, v: InputValues) -> CostLine:
    """Return one inference workload's monthly requests, tokens, GPU-hours and USD."""
    growth_profile = active_profile(inference_growth_rate(w, v), scenario.months,
                                    scenario.active_months(w.starts, w.ends))
    first_month = requests_first_month(w, v)
    requests = first_month * growth_profile
    labels: dict[str, Label] = {"team": w.team, "model": w.model,
                                "environment": w.environment, "serving": w.serving,
                                "cloud": "", "gpu": "", "pricing": ""}
    gpu_hours: np.ndarray | float = 0.0
    if w.serving != "api":
        assert w.cloud and w.gpu  # validation guarantees them
        labels.update(cloud=w.cloud, gpu=w.gpu, pricing=w.pricing)
        gpu_hours = requests * inference_gpu_hours_per_request(w, v)
    cost = (first_month * usd_per_request(scenario, w, v)) * growth_profile
    return CostLine(w.name, f"{w.kind}_inference", labels, cost, requests,
                  requests * w.input_tokens, requests * output_tokens_per_request(w, v),
                  gpu_hours)


# A simulated cost is a sum of terms: a workload constant (its weight) times a coefficient of the
# uncertain inputs (a float, or one value per draw) times a months profile. Workloads whose terms
# share a coefficient and a profile are summed before anything is multiplied by the draws, so a
# simulation costs one (draws × months) pass per profile, whatever the number of workloads.
# Profile: (kind, growth, origin, first, last): zero outside the months first..last (0-based,
# inclusive), growth counted from `origin` (the workload's own first month, Scenario.active_months;
# `first` is later only inside a dated change's segment). Kinds: "inference", growing by
# monthly_growth + inference_growth; "flat" (growth 0.0), the same every month; "fixed", growing
# by monthly_growth, which no input moves (platform).
ProfileKey = tuple[str, float, int, int, int]
# Coefficient: (name, self-hosted utilisation, spot priced); see _coefficient.
CoefficientKey = tuple[str, float, bool]
# Terms are summed per (category, pool, profile); the pool ('cloud/gpu') only for GPU-hours.
TermGroup = tuple[str, str, ProfileKey]


def cost_terms(scenario: Scenario, gpu_hours: bool = False,
               ) -> dict[TermGroup, dict[CoefficientKey, float]]:
    """Return the weights of every cost term, summed per (category, pool, profile) and coefficient.

    The same costs as cost_lines (tests hold the two to 1e-12): API inference is
    requests × (input tokens × input price + output tokens × output price) / 1e6; self-hosted,
    requests × tokens / (tokens per GPU-second × 3,600 × utilisation) × the hourly price for
    output and input tokens; training runs per month × GPU-hours per run × the hourly price;
    experimentation GPU-hours per week × 52/12 × the hourly price; platform its monthly cost.
    With `gpu_hours`, the GPU-hours of the GPU work instead (no price), per pool. With
    [[changes]], each segment's plan gives the terms of its months.
    """
    out: dict[TermGroup, dict[CoefficientKey, list[float]]] = {}
    for segment in scenario.segments():
        _segment_terms(out, segment, gpu_hours)
    return {group: {key: math.fsum(weights) for key, weights in terms.items()}
            for group, terms in out.items()}


def _segment_terms(out: dict[TermGroup, dict[CoefficientKey, list[float]]], segment: Segment,
                   gpu_hours: bool) -> None:
    """Add the terms of one segment's plan over its months to `out`."""
    scenario = segment.scenario

    def add(category: str, profile: ProfileKey, coefficient: CoefficientKey, weight: float,
            cloud: str = "", gpu: str = "") -> None:
        pool = f"{cloud}/{gpu}" if gpu_hours and cloud else ""
        out.setdefault((category, pool, profile), {}).setdefault(coefficient, []).append(weight)

    def hourly(cloud: str, gpu: str, pricing: str) -> float:
        return 1.0 if gpu_hours else list_usd_per_gpu_hour(scenario, cloud, gpu, pricing)

    def window(kind: str, growth: float, row: Workload) -> ProfileKey:
        origin, last = scenario.active_months(row.starts, row.ends)
        return (kind, growth, origin, max(origin, segment.first), min(last, segment.last))

    for w in scenario.inference:
        category = f"{w.kind}_inference"
        growth = window("inference", w.monthly_growth, w)
        if w.serving == "api":
            if not gpu_hours:
                add(category, growth, ("api_input", 0.0, False), w.requests_per_month * (
                    w.input_tokens * (w.price_per_1m_input or 0.0)) / TOKENS_PER_PRICE_UNIT)
                add(category, growth, ("api_output", 0.0, False), w.requests_per_month * (
                    w.output_tokens * (w.price_per_1m_output or 0.0)) / TOKENS_PER_PRICE_UNIT)
            continue
        assert w.cloud and w.gpu and w.output_tokens_per_gpu_second and w.utilization
        price, spot = hourly(w.cloud, w.gpu, w.pricing), w.pricing == "spot"
        add(category, growth, ("gpu_output", w.utilization, spot),
            w.requests_per_month * w.output_tokens / w.output_tokens_per_gpu_second * price,
            w.cloud, w.gpu)
        if w.input_tokens_per_gpu_second:
            add(category, growth, ("gpu_input", w.utilization, spot),
                w.requests_per_month * w.input_tokens / w.input_tokens_per_gpu_second * price,
                w.cloud, w.gpu)
    for t in scenario.training:
        add("training", window("flat", 0.0, t), ("training", 0.0, t.pricing == "spot"),
            t.refreshes_per_quarter / MONTHS_PER_QUARTER * t.gpu_hours_per_run
            * hourly(t.cloud, t.gpu, t.pricing), t.cloud, t.gpu)
    for e in scenario.experimentation:
        add("experimentation", window("flat", 0.0, e), ("gpu", 0.0, e.pricing == "spot"),
            e.gpu_hours_per_week * WEEKS_PER_MONTH * hourly(e.cloud, e.gpu, e.pricing),
            e.cloud, e.gpu)
    if not gpu_hours:
        for p in scenario.platform:
            add("platform", window("fixed", p.monthly_growth, p), ("fixed", 0.0, False),
                p.monthly_cost)


def _coefficient(key: CoefficientKey, v: InputValues, gpu_hours: bool = False,
                 ) -> float | np.ndarray:
    """Return what multiplies a term's weight at input values (floats, or (draws, 1) arrays)."""
    name, utilization, spot = key
    if name == "fixed":
        return 1.0
    if name == "api_input":
        return v["inference_volume"] * v["token_price"]
    if name == "api_output":
        return v["inference_volume"] * v["output_tokens"] * v["token_price"]
    interruption = spot_factor(spot, v)
    factor = interruption if gpu_hours else v["gpu_price"] * interruption
    if name == "training":
        return factor * v["refresh_frequency"]
    if name == "gpu":
        return factor
    seconds = gpu_seconds_per_hour(utilization, v)
    per_second = v["inference_volume"] * factor / seconds
    return per_second * v["output_tokens"] if name == "gpu_output" else per_second


def simulate_terms(scenario: Scenario, values: Mapping[str, np.ndarray], gpu_hours: bool = False,
                   horizon: bool = False) -> dict[tuple[str, str], np.ndarray]:
    """Return USD (GPU-hours with `gpu_hours`) per (category, pool) and draw, per month.

    `values` are (draws, 1) arrays; with `horizon` one horizon-total column. Memory is a few
    (draws × months) arrays and the work one pass per distinct profile (growth rate), whatever
    the number of workloads: terms are summed before the draws multiply them.
    """
    weights = calendar_weights(scenario)
    if weights is not None:  # a month's weight differs by month: sum the months themselves
        monthly = _simulate_average_months(scenario, values, gpu_hours, horizon=False)
        for (category, _), usd in monthly.items():
            usd *= weights[category]
        return monthly if not horizon else {
            key: usd.sum(axis=1, keepdims=True) for key, usd in monthly.items()}
    return _simulate_average_months(scenario, values, gpu_hours, horizon)


def _simulate_average_months(scenario: Scenario, values: Mapping[str, np.ndarray],
                             gpu_hours: bool, horizon: bool,
                             ) -> dict[tuple[str, str], np.ndarray]:
    """Return simulate_terms with every month an average month."""
    draws = next(iter(values.values())).shape[0]
    months = scenario.months
    sums: dict[tuple[str, str], np.ndarray] = {}
    for (category, pool, (kind, growth, origin, first, last)), terms in cost_terms(
            scenario, gpu_hours).items():
        factor: float | np.ndarray = 0.0
        for key, weight in terms.items():
            factor = factor + _coefficient(key, values, gpu_hours) * weight
        if (category, pool) not in sums:  # column-major: each month's draws are contiguous
            sums[category, pool] = np.zeros((draws, 1 if horizon else months), order="F")
        active = last - first + 1  # months the profile is not zero
        if active <= 0:
            continue
        total = sums[category, pool]
        if not horizon:  # a view of the active months' columns (still column-major)
            total = total[:, first:last + 1]
        if kind == "inference":
            rate = np.maximum(1.0 + growth + values["inference_growth"], 0.0)
            if first > origin:  # a segment after a dated change: growth since the origin
                factor = factor * rate ** (first - origin)
            if horizon:
                total += factor * geometric_sum(rate, active)
            else:
                _add_growing(total, factor, rate)
        elif kind == "flat":
            total += factor * active if horizon else factor
        else:
            fixed = geometric_sum(1.0 + growth, active) if horizon else monthly_growth(
                1.0 + growth, active)
            total += factor * fixed * (1.0 + growth) ** (first - origin)
    return sums


def _add_growing(total: np.ndarray, first: float | np.ndarray, rate: np.ndarray) -> None:
    """Add first × rate**month to each month's column of `total` (draws × months, column-major).

    One month at a time on one column of draws, which stays in cache: a whole (draws × months)
    profile would be fresh memory for every growth rate, and fresh memory is slow to touch.
    """
    draws, months = total.shape
    month = np.array(np.broadcast_to(first, (draws, 1)), dtype=float).ravel()  # a copy
    step = np.broadcast_to(rate, (draws, 1)).ravel()
    for m in range(months):
        total[:, m] += month
        if m + 1 < months:
            month *= step


def simulated_costs(scenario: Scenario, values: Mapping[str, np.ndarray], horizon: bool = False,
                    ) -> dict[str, np.ndarray]:
    """Return USD per category and draw, per month (with `horizon`, one horizon-total column).

    `values` are (draws, 1) arrays; a category with no workload is zeros.
    """
    draws = next(iter(values.values())).shape[0]
    shape = (draws, 1 if horizon else scenario.months)
    sums = {c: np.zeros(shape, order="F") for c in CATEGORIES}
    for (category, _), usd in simulate_terms(scenario, values, horizon=horizon).items():
        sums[category] = usd  # costs have one pool, '': one array per category
    return sums


def monthly_growth(growth: float | np.ndarray, months: int) -> np.ndarray:
    """Return growth**month for months 0..months-1 (growth a float or a (draws, 1) array)."""
    growth = np.asarray(growth, dtype=float)
    if growth.ndim == 0:
        powers: np.ndarray = growth ** np.arange(months, dtype=float)
        return powers
    # Per draw, a month per row: each step is one contiguous pass over the draws, several
    # times faster than raising ten thousand bases to each power.
    rows = np.empty((months, growth.size))
    rows[0] = 1.0
    for month in range(1, months):
        np.multiply(rows[month - 1], growth.ravel(), out=rows[month])
    return rows.T.reshape((*growth.shape[:-1], months))


def active_profile(growth: float | np.ndarray, months: int, window: tuple[int, int],
                   ) -> np.ndarray:
    """Return monthly_growth counted from the window's first month, zero outside first..last.

    The one month profile of a workload line: `window` is Scenario.active_months (0-based,
    inclusive); the whole horizon is monthly_growth(growth, months) itself.
    """
    first, last = window
    if (first, last) == (0, months - 1):
        return monthly_growth(growth, months)
    shape = np.shape(growth)
    out = np.zeros((*shape[:-1], months))  # (months,) or (draws, months), as monthly_growth
    if last >= first:
        out[..., first:last + 1] = monthly_growth(growth, last - first + 1)
    return out


def geometric_sum(growth: float | np.ndarray, months: int) -> np.ndarray:
    """Return the sum of growth**month over months 0..months-1, shape (1,) or (draws, 1)."""
    growth = np.asarray(growth, dtype=float)
    total = np.ones_like(growth)
    for _ in range(months - 1):  # Horner: exact at growth == 1, where the closed form is 0/0
        total = total * growth + 1.0
    return total.reshape(growth.shape or (1,))


def _gpu_labels(team: str, model: str, row: TrainingWorkload | ExperimentationWorkload,
                ) -> dict[str, Label]:
    return {"team": team, "model": model, "environment": "", "serving": "", "cloud": row.cloud,
            "gpu": row.gpu, "pricing": row.pricing}


def exact_sum(values: np.ndarray) -> float:
    """Return math.fsum(values), the exactly rounded sum, without a Python float per value.

    Rump, Ogita and Oishi's error-free extraction ("Accurate floating-point summation", 2008):
    with σ a power of two at least 2^M × every |x| (2^M ≥ count + 2), q = (σ + x) − σ and
    x − q split each x exactly, and the q, multiples of σ × 2^-53 below σ together, add up
    exactly in any order. The remainders, each under σ × 2^-53, go round again; fsum of the
    few exact partial sums and of whatever is left is then the exactly rounded total.
    """
    every = np.asarray(values, dtype=float).ravel()
    if not np.isfinite(every).all():
        return math.fsum(every.tolist())  # inf, nan: as fsum has them
    partials: list[float] = []
    for start in range(0, every.size, EXACT_SUM_CHUNK):  # chunks stay in cache
        partials.extend(_exact_parts(every[start:start + EXACT_SUM_CHUNK]))
    total = math.fsum(partials)
    return total if total != 0.0 else math.fsum(every.tolist())  # the sign of a zero, as fsum


EXACT_SUM_CHUNK = 32_768  # values per chunk of exact_sum (256 KB)


def _exact_parts(x: np.ndarray) -> list[float]:
    """Return floats whose exact sum is the exact sum of x (finite): a few per 53 − M bits."""
    spare = math.ceil(math.log2(x.size + 2))  # M
    parts: list[float] = []
    for _ in range(64):  # each round takes 53 − M bits off the remainders
        if parts:
            x = x[x != 0.0]
        if not x.size:
            return parts
        exponent = math.frexp(float(np.abs(x).max()))[1] + spare  # σ = 2^exponent
        if exponent > 1023 or exponent - 53 < -1021:  # σ would overflow, or its grain underflow
            break
        sigma = math.ldexp(1.0, exponent)
        q = (sigma + x) - sigma
        parts.append(float(q.sum()))
        x = x - q
    rest: list[float] = x[x != 0.0].tolist()
    return parts + rest


def horizon_total_usd(scenario: Scenario) -> float:
    """Return the horizon total, bit-for-bit the same as forecast(scenario).total_cost_usd.

    The same arrays the forecast builds (whole-array without dated changes) and the same exact
    sum: the tornado calls this 28 times.
    """
    values = input_values(scenario)
    arrays = (_plain_arrays(scenario, values) if not scenario.changes
              else line_arrays(cost_lines(scenario, values), scenario.months))
    return exact_sum(arrays.values["cost_usd"])


def forecast(scenario: Scenario) -> Forecast:
    """Compute every workload's monthly USD, GPU-hours, requests and tokens for the horizon."""
    months = month_labels(scenario.start, scenario.months)
    values = input_values(scenario)
    arrays = (_plain_arrays(scenario, values) if not scenario.changes
              else line_arrays(cost_lines(scenario, values), len(months)))
    if not np.isfinite(arrays.values["cost_usd"]).all():
        raise ValueError("forecast produced a non-finite cost")  # guarded by validation
    return Forecast(scenario=scenario, months=tuple(months), arrays=arrays)


def line_arrays(series: list[CostLine], months: int) -> LineArrays:
    """Stack per-workload lines ((months,) arrays or floats) into (workloads, months) arrays."""
    shape = (months,)

    def matrix(values: list[np.ndarray | float]) -> np.ndarray:
        if (set(map(type, values)) == {np.ndarray}
                and set(map(attrgetter("shape"), values)) == {shape}):
            return np.concatenate(values).astype(float, copy=False).reshape(-1, months)
        out = np.empty((len(values), months))  # floats (and any other shape) broadcast per row
        for row, value in zip(out, values, strict=True):
            row[...] = np.broadcast_to(np.asarray(value, dtype=float), shape)
        return out

    def mixed(values: list[np.ndarray | float]) -> np.ndarray:
        """Return matrix(values), the floats (a line without volumes: 0.0) set in one step."""
        floats = [i for i, v in enumerate(values) if type(v) is float]
        if not floats or len(floats) == len(values):
            return matrix(values) if not floats else np.repeat(
                np.array(values, dtype=float)[:, None], months, axis=1)
        rest = [i for i, v in enumerate(values) if type(v) is not float]
        out = np.empty((len(values), months))
        out[floats] = np.array([values[i] for i in floats])[:, None]
        out[rest] = matrix([values[i] for i in rest])
        return out

    def texts(values: list[Label]) -> np.ndarray:
        if set(map(type, values)) <= {str}:
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out
        block = np.empty((len(values), months), dtype=object)
        for row, value in zip(block, values, strict=True):
            row[...] = value
        return block

    labels = list(map(attrgetter("labels"), series))
    return LineArrays(
        names=texts(list(map(attrgetter("name"), series))),
        labels={"category": texts(list(map(attrgetter("category"), series))),
                **{k: texts(list(map(itemgetter(k), labels))) for k in LINE_LABELS[1:]}},
        values={k: mixed(list(map(attrgetter(k), series))) for k in LINE_VALUES},
    )


@dataclass(frozen=True)
class _PlainLayout:
    """What a plain plan's arrays take from its tables alone, whatever the drivers."""

    tables: tuple[object, ...]  # held so the ids that key the memo stay theirs
    names: np.ndarray
    labels: dict[str, np.ndarray]
    windows: tuple[tuple[int, int], ...]  # every row's active months, in row order
    hosted: list[int]  # inference rows that are not served by an API


# Layouts by the identity of a plan's tables: a slider move makes a new Scenario that shares
# them, so the 5,000 names, labels and windows are made once per loaded plan, not per move.
_LAYOUTS: dict[tuple[int, ...], _PlainLayout] = {}
_LAYOUTS_KEPT = 16


def _plain_layout(scenario: Scenario) -> _PlainLayout:
    """Return the names, labels and windows of a plain plan's rows (memoised by its tables)."""
    tables = (scenario.inference, scenario.training, scenario.experimentation,
              scenario.platform, scenario.start, scenario.months)
    key = tuple(map(id, tables))
    kept = _LAYOUTS.get(key)
    if kept is not None and all(a is b for a, b in zip(kept.tables, tables, strict=True)):
        return kept
    names: list[str] = []
    categories: list[str] = []
    labels: list[dict[str, Label]] = []
    windows: list[tuple[int, int]] = []
    for w in scenario.inference:
        names.append(w.name)
        categories.append(f"{w.kind}_inference")
        labels.append({"team": w.team, "model": w.model, "environment": w.environment,
                       "serving": w.serving, **({"cloud": "", "gpu": "", "pricing": ""}
                       if w.serving == "api" else {"cloud": w.cloud or "",
                                                   "gpu": w.gpu or "",
                                                   "pricing": w.pricing})})
        windows.append(scenario.active_months(w.starts, w.ends))
    for t in scenario.training:
        names.append(t.name)
        categories.append("training")
        labels.append(_gpu_labels(t.team, t.model, t))
        windows.append(scenario.active_months(t.starts, t.ends))
    for e in scenario.experimentation:
        names.append(e.name)
        categories.append("experimentation")
        labels.append(_gpu_labels(e.team, "", e))
        windows.append(scenario.active_months(e.starts, e.ends))
    for p in scenario.platform:
        names.append(p.name)
        categories.append("platform")
        labels.append({"team": p.team, "model": p.category, "environment": "",
                       "serving": "", "cloud": "", "gpu": "", "pricing": ""})
        windows.append(scenario.active_months(p.starts, p.ends))

    def texts(values: list[str]) -> np.ndarray:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        out.flags.writeable = False  # shared by every forecast of this plan
        return out

    layout = _PlainLayout(
        tables=tables, names=texts(names),
        labels={"category": texts(categories),
                **{k: texts(list(map(itemgetter(k), labels))) for k in LINE_LABELS[1:]}},
        windows=tuple(windows),
        hosted=[i for i, w in enumerate(scenario.inference) if w.serving != "api"])
    if len(_LAYOUTS) >= _LAYOUTS_KEPT:
        _LAYOUTS.pop(next(iter(_LAYOUTS)))  # the oldest
    _LAYOUTS[key] = layout
    return layout


def _plain_arrays(scenario: Scenario, values: InputValues) -> LineArrays:
    """Return line_arrays(cost_lines(...)) of a plan without dated changes, bit for bit.

    For the forecast (float input values), built as whole (workloads, months) arrays: each
    workload's numbers are those _plain_cost_lines takes from budget.unit_costs, in the same
    order, times its month profile (active_profile, computed once per distinct profile), with
    the same products in the same order; tests hold the two equal.
    """
    months = scenario.months
    layout = _plain_layout(scenario)
    windows = layout.windows
    profiles: dict[tuple[str, int, int], np.ndarray] = {}

    def profile(growth: float | np.ndarray, window: tuple[int, int]) -> np.ndarray:
        key = (float(growth).hex(), *window)  # hex: -0.0 and 0.0 are different profiles
        if key not in profiles:
            profiles[key] = active_profile(growth, months, window)
        return profiles[key]

    def column(numbers: list[float | np.ndarray]) -> np.ndarray:
        return np.array(numbers, dtype=float).reshape(-1, 1)

    # Written in place into the outputs: fresh memory is slow to touch, so no block is made
    # twice (a 5,000 × 120 array is 4.8 MB), and the zeros (volumes of lines without any) are
    # left as allocated, never written.
    inference, platform = scenario.inference, scenario.platform
    count = (len(inference) + len(scenario.training) + len(scenario.experimentation)
             + len(platform))
    out = {k: np.zeros((count, months)) for k in LINE_VALUES}
    rows = slice(0, len(inference))
    if inference:
        shape = np.stack([profile(inference_growth_rate(w, values), window)
                          for w, window in zip(inference, windows, strict=False)])
        first = column([requests_first_month(w, values) for w in inference])
        requests = np.multiply(first, shape, out=out["requests"][rows])
        np.multiply(requests, column([w.input_tokens for w in inference]),
                    out=out["input_tokens"][rows])
        np.multiply(requests, column([output_tokens_per_request(w, values) for w in inference]),
                    out=out["output_tokens"][rows])
        hosted = layout.hosted
        if hosted:  # API lines have none
            gpu_hours = out["gpu_hours"][hosted]
            np.multiply(requests[hosted], column(
                [inference_gpu_hours_per_request(inference[i], values) for i in hosted]),
                out=gpu_hours)
            out["gpu_hours"][hosted] = gpu_hours
        per_request = column([usd_per_request(scenario, w, values) for w in inference])
        np.multiply(first * per_request, shape, out=out["cost_usd"][rows])
    flat_usd: list[float | np.ndarray] = []
    flat_hours: list[float | np.ndarray] = []
    flat: list[np.ndarray] = []
    row = len(inference)
    for t in scenario.training:
        flat.append(profile(1.0, windows[row]))
        row += 1
        runs_per_month = runs_per_quarter(t, values) / MONTHS_PER_QUARTER
        flat_usd.append(runs_per_month * usd_per_run(scenario, t, values))
        flat_hours.append(runs_per_month * billed_gpu_hours_per_run(t, values))
    for e in scenario.experimentation:
        flat.append(profile(1.0, windows[row]))
        row += 1
        hours_per_month = experimentation_gpu_hours_per_month(e, values)
        flat_usd.append(hours_per_month * usd_per_gpu_hour(scenario, e.cloud, e.gpu, e.pricing,
                                                           values))
        flat_hours.append(hours_per_month)
    rows = slice(rows.stop, rows.stop + len(flat))
    if flat:
        shape = np.stack(flat)
        np.multiply(column(flat_hours), shape, out=out["gpu_hours"][rows])
        np.multiply(column(flat_usd), shape, out=out["cost_usd"][rows])
    rows = slice(rows.stop, count)
    if platform:
        shape = np.stack([profile(1.0 + p.monthly_growth, window)
                          for p, window in zip(platform, windows[rows], strict=True)])
        np.multiply(column([p.monthly_cost for p in platform]), shape, out=out["cost_usd"][rows])
    weights = calendar_weights(scenario)
    if weights is not None:  # the same products as cost_lines' _on_calendar, in place
        month_weights = _month_weights(layout.labels["category"], weights, rows=True)
        for value in out.values():
            value *= month_weights
    return LineArrays(names=layout.names, labels=dict(layout.labels), values=out)


def _explode(arrays: LineArrays, months: tuple[str, ...]) -> pd.DataFrame:
    """Turn per-workload arrays into one long table: a row per workload per month."""
    import pandas as pd

    count, n = len(arrays.names), len(months)
    if not count:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in LINE_COLUMNS})

    def texts(values: np.ndarray) -> pd.Series:
        """Return a text column: each distinct text made once, then taken per row."""
        codes, uniques = pd.factorize(values.ravel())
        if values.ndim == 1:
            codes = np.repeat(codes, n)
        return pd.Series(uniques).take(codes).reset_index(drop=True)

    month_index = np.tile(np.arange(n), count)
    month = np.empty(n, dtype=object)
    month[:] = months
    return pd.DataFrame({
        "month": pd.Series(month).take(month_index).reset_index(drop=True),
        "month_index": month_index,
        "workload": texts(arrays.names),
        **{k: texts(arrays.labels[k]) for k in LINE_LABELS},
        **{k: arrays.values[k].ravel() for k in LINE_VALUES},
    }, columns=list(LINE_COLUMNS))
