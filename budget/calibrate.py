"""Derive a scenario from actuals: volumes, growth, tokens, effective GPU prices, cadences."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from budget.dimensions import NO_TAG
from budget.errors import BudgetInputError
from budget.forecast import CHECKPOINTABLE_CATEGORIES, INFERENCE_CATEGORIES, forecast
from budget.months import DAYS_PER_AVERAGE_MONTH, DAYS_PER_AVERAGE_YEAR
from budget.scenario import parse_scenario
from budget.scenario_model import Scenario
from budget.unit_costs import SECONDS_PER_HOUR, TOKENS_PER_PRICE_UNIT

OUTPUT_TO_INPUT_PRICE = 4.0  # API output tokens cost about 4× input tokens (list prices, 2026)
GROWTH_LIMITS = (-0.2, 0.3)  # a fitted monthly growth outside this is clipped
CLOUD_IDS = {"aws": "aws", "amazon web services": "aws", "google cloud": "gcp", "gcp": "gcp",
             "google": "gcp", "microsoft": "azure", "azure": "azure", "oracle": "oci",
             "oci": "oci"}
TRAINING_HISTORY_WEEKS = 26  # training runs are episodic: look further back for their cadence


def cloud_id(provider: str) -> str:
    """Return the scenario's cloud id for a FOCUS provider name (AWS → aws, Microsoft → azure)."""
    key = provider.strip().lower()
    return CLOUD_IDS.get(key, re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "unknown")


def fitted_monthly_growth(days: pd.Series, values: pd.Series) -> float:
    """Return compound monthly growth from a log-linear fit of weekly sums (0 when too short)."""
    frame = pd.DataFrame({"day": pd.to_datetime(days), "value": values.astype(float)})
    weekly = frame.set_index("day")["value"].resample("7D").sum()
    weekly = weekly[weekly > 0]
    if len(weekly) < 3:
        return 0.0
    x = (weekly.index - weekly.index[0]).days.to_numpy(dtype=float)
    slope = float(np.polyfit(x, np.log(weekly.to_numpy()), 1)[0])
    growth = math.exp(slope * DAYS_PER_AVERAGE_MONTH) - 1
    return round(min(max(growth, GROWTH_LIMITS[0]), GROWTH_LIMITS[1]), 4)


def _dominant(rows: pd.DataFrame, keys: list[str],
              measure: str = "effective_cost") -> tuple[str, ...]:
    """Return the values of `keys` that carry the most cost."""
    top = rows.groupby(keys)[measure].sum().idxmax()
    return tuple(str(k) for k in (top if isinstance(top, tuple) else (top,)))


def calibrate(billing: pd.DataFrame, telemetry: pd.DataFrame, weeks: int = 8,
              name: str | None = None, months: int = 12) -> dict[str, Any]:
    """Return scenario TOML data derived from the last `weeks` weeks of the rollups."""
    currencies = set(billing["currency"].unique())
    if currencies != {"USD"}:
        raise BudgetInputError("calibrate", "needs USD billing only, found "
                               + ", ".join(sorted(currencies)),
                               fix="calibrate from exports in one currency (USD)")
    last_day: date = billing["day"].max().date()
    first_day = last_day - timedelta(days=7 * weeks - 1)
    span_days = 7 * weeks
    window = billing[billing["day"].dt.date >= first_day]
    tele = telemetry[telemetry["day"].dt.date >= first_day] if not telemetry.empty else telemetry
    if tele.empty:
        raise BudgetInputError("calibrate", "needs serving telemetry for the inference workloads",
                               fix="pass the telemetry export too (docs/exports.md)")
    start = (pd.Timestamp(last_day) + pd.offsets.MonthBegin(1)).date()
    # months from the middle of the last four weeks to the middle of the first forecast month
    month = DAYS_PER_AVERAGE_MONTH
    ahead = ((start - last_day).days + 14 + month / 2) / month
    as_of = f"{last_day:%Y-%m}"
    source = f"calibrated from FOCUS billing {first_day} to {last_day}: effective cost / GPU-hours"

    usage = window[window["charge_category"] == "usage"]
    gpu_rows = usage[(usage["gpu_hours"] > 0) & (usage["commitment_status"] != "unused")]
    prices = _gpu_prices(gpu_rows, source, as_of)

    inference, used_keys = _inference(usage, tele, ahead)
    training = _training(billing[billing["day"].dt.date
                                 >= last_day - timedelta(days=7 * TRAINING_HISTORY_WEEKS - 1)])
    experimentation = _experimentation(usage, span_days)

    covered = (window["workload_class"].isin(CHECKPOINTABLE_CATEGORIES)
               | window.set_index(["endpoint", "environment"]).index.isin(used_keys))
    covered &= window["commitment_status"] != "unused"
    rest = window[~covered]
    platform = _platform(rest, span_days)
    data: dict[str, Any] = {
        "scenario": {"name": name or f"Calibrated from actuals to {last_day}",
                     "start": f"{start:%Y-%m}", "months": months, "currency": "USD",
                     "calendar": "days"},  # its rates are per day × 30.4375: see months.py
        "gpu_prices": prices, "inference": inference, "training": training,
        "experimentation": experimentation, "platform": platform,
    }
    return {k: v for k, v in data.items() if v != []}


def _gpu_prices(rows: pd.DataFrame, source: str, as_of: str) -> list[dict[str, Any]]:
    table = rows.assign(cloud=rows["provider"].map(cloud_id)).groupby(
        ["cloud", "gpu", "procurement"])[["effective_cost", "gpu_hours"]].sum()
    hourly = (table["effective_cost"] / table["gpu_hours"]).round(4)
    pools: dict[tuple[str, str], dict[str, float]] = {}
    for (cloud, gpu, mode), value in zip(hourly.index.tolist(), hourly.tolist(), strict=True):
        pools.setdefault((str(cloud), str(gpu)), {})[str(mode)] = float(value)
    out = []
    for (cloud, gpu), by_mode in sorted(pools.items()):
        row: dict[str, Any] = {"cloud": cloud, "gpu": gpu}
        if "on_demand" in by_mode:
            row["on_demand"] = by_mode["on_demand"]
            row_source = source
        else:  # on_demand is required: estimate it from the usual discounts, and say so
            estimates = [by_mode[m] / f for m, f in (("spot", 0.4), ("reserved", 0.63))
                         if m in by_mode]
            row["on_demand"] = round(max(estimates), 4)
            row_source = source + "; on-demand estimated from spot at 60% / reserved at 37% off"
        if "spot" in by_mode:
            row["spot"] = by_mode["spot"]
        if "reserved" in by_mode:
            row["reserved"] = by_mode["reserved"]
        row["source"] = row_source
        row["as_of"] = as_of
        out.append(row)
    return out


def _inference(usage: pd.DataFrame, tele: pd.DataFrame,
               ahead: float) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    out = []
    used: list[tuple[str, str]] = []
    last = tele["day"].max()
    for (endpoint, env), t in tele.groupby(["endpoint", "environment"], sort=True):
        bill = usage[(usage["endpoint"] == endpoint) & (usage["environment"] == env)]
        if endpoint == NO_TAG["endpoint"] or bill.empty or t["requests"].sum() <= 0:
            continue
        recent = t[t["day"] > last - pd.Timedelta(days=28)]
        growth = fitted_monthly_growth(t["day"], t["requests"])
        rate_now = recent["requests"].sum() * DAYS_PER_AVERAGE_MONTH / 28
        requests = t["requests"].sum()
        input_tokens = t["input_tokens"].sum() / requests
        output_tokens = t["output_tokens"].sum() / requests
        classes = bill[bill["workload_class"].isin(INFERENCE_CATEGORIES)]
        kind = ("batch" if not classes.empty and _dominant(classes, ["workload_class"])[0]
                == "batch_inference" else "realtime")
        row: dict[str, Any] = {
            "name": endpoint if env == "production" else f"{endpoint}-{env}",
            "team": str(t["team"].mode().iloc[0]), "model": str(t["model"].mode().iloc[0]),
            "environment": env, "kind": kind,
            "requests_per_month": round(rate_now * (1 + growth) ** ahead),
            "monthly_growth": growth, "input_tokens": round(input_tokens, 1),
            "output_tokens": round(output_tokens, 1),
        }
        cost = float(bill["effective_cost"].sum())
        gpu = bill[bill["gpu_hours"] > 0]
        if gpu.empty:
            price_in = cost * TOKENS_PER_PRICE_UNIT / (
                t["input_tokens"].sum() + OUTPUT_TO_INPUT_PRICE * t["output_tokens"].sum())
            row.update(serving="api", price_per_1m_input=round(price_in, 4),
                       price_per_1m_output=round(price_in * OUTPUT_TO_INPUT_PRICE, 4))
        else:
            provider, gpu_type, mode = _dominant(gpu, ["provider", "gpu", "procurement"])
            throughput = t["output_tokens"].sum() / (gpu["gpu_hours"].sum() * SECONDS_PER_HOUR)
            row.update(serving="self_hosted", cloud=cloud_id(provider), gpu=gpu_type,
                       output_tokens_per_gpu_second=round(throughput, 2), utilization=1.0,
                       pricing=mode if mode in ("on_demand", "spot", "reserved")
                       else "on_demand")
        out.append(row)
        used.append((str(endpoint), str(env)))
    return out, used


def _training(rows: pd.DataFrame) -> list[dict[str, Any]]:
    usage = rows[(rows["workload_class"] == "training") & (rows["gpu_hours"] > 0)]
    if usage.empty:
        return []
    span = (rows["day"].max() - rows["day"].min()).days + 1
    usage = usage.assign(job=usage["experiment"].str.replace(r"-run-\d+$", "", regex=True))
    out = []
    for job, group in usage.groupby("job", sort=True):
        runs = group["experiment"].nunique()
        provider, gpu_type, mode = _dominant(group, ["provider", "gpu", "procurement"])
        name = job if job != NO_TAG["experiment"] else f"{group['team'].iloc[0]}-training"
        out.append({
            "name": str(name), "team": str(group["team"].mode().iloc[0]),
            "model": str(group["model"].mode().iloc[0]), "cloud": cloud_id(provider),
            "gpu": gpu_type, "gpu_hours_per_run": round(group["gpu_hours"].sum() / runs, 1),
            "refreshes_per_quarter": round(runs / span * DAYS_PER_AVERAGE_YEAR / 4, 3),
            "pricing": mode if mode in ("on_demand", "spot", "reserved") else "on_demand",
        })
    return out


def _experimentation(usage: pd.DataFrame, span_days: int) -> list[dict[str, Any]]:
    rows = usage[(usage["workload_class"] == "experimentation") & (usage["gpu_hours"] > 0)]
    out = []
    for team, group in rows.groupby("team", sort=True):
        provider, gpu_type, mode = _dominant(group, ["provider", "gpu", "procurement"])
        out.append({
            "name": f"{team}-experimentation", "team": str(team), "cloud": cloud_id(provider),
            "gpu": gpu_type, "gpu_hours_per_week": round(group["gpu_hours"].sum()
                                                         / span_days * 7, 1),
            "pricing": mode if mode in ("on_demand", "spot", "reserved") else "on_demand",
        })
    return out


PLATFORM_CATEGORIES = {"Storage": "storage", "Networking": "networking", "Databases": "vector_db",
                       "Management and Governance": "observability", "Security": "security",
                       "Identity": "security"}


def _platform(rest: pd.DataFrame, span_days: int) -> list[dict[str, Any]]:
    idle = rest[rest["commitment_status"] == "unused"]
    rest = rest[rest["commitment_status"] != "unused"]
    lines: dict[str, float] = {}
    for category, group in rest.groupby("service_category", sort=True):
        key = PLATFORM_CATEGORIES.get(str(category), "other")
        lines[key] = lines.get(key, 0.0) + float(group["effective_cost"].sum())
    if not idle.empty:
        lines["idle_reserved"] = float(idle["effective_cost"].sum())
    out = []
    negative = sum(v for v in lines.values() if v < 0)  # credits beyond a category's spend
    for key, cost in sorted(lines.items()):
        if cost <= 0:
            continue
        if negative < 0 and key == "other":
            cost, negative = max(cost + negative, 0.0), 0.0
        out.append({"name": f"actual-{key.replace('_', '-')}",
                    "category": "other" if key == "idle_reserved" else key,
                    "monthly_cost": round(cost / span_days * DAYS_PER_AVERAGE_MONTH, 2),
                    "monthly_growth": 0.0})
    return out


def calibrated_scenario(data: dict[str, Any], label: str = "calibrated") -> Scenario:
    """Validate calibrated data exactly as a file would be validated; return the Scenario."""
    return parse_scenario(data, label)


@dataclass(frozen=True)
class Calibration:
    """A scenario calibrated from actuals: its file text, the Scenario and its first month."""

    toml: str
    scenario: Scenario
    first_month: str  # YYYY-MM, the forecast's first month
    first_month_usd: float  # the forecast's total USD in that month

    @property
    def line_counts(self) -> str:
        """Return '3 inference, 1 training, 2 experimentation and 4 platform lines'."""
        s = self.scenario
        return (f"{len(s.inference)} inference, {len(s.training)} training, "
                f"{len(s.experimentation)} experimentation and {len(s.platform)} platform lines")


def calibration(billing: pd.DataFrame, telemetry: pd.DataFrame, weeks: int = 8,
                name: str | None = None, label: str = "calibrated") -> Calibration:
    """Calibrate the rollups, validate the result as a file (LABEL in messages), forecast it."""
    data = calibrate(billing, telemetry, weeks, name)
    scenario = calibrated_scenario(data, label)
    result = forecast(scenario)
    return Calibration(to_toml(data), scenario, result.months[0], result.run_rate_usd(0))


def to_toml(data: dict[str, Any]) -> str:
    """Return the calibrated data as TOML text with a header comment."""
    import tomli_w

    header = ("# Calibrated from actuals by `python -m budget calibrate`. Self-hosted throughput\n"
              "# is the effective rate (utilisation already in it, so utilization = 1.0); API\n"
              f"# prices assume output tokens cost {OUTPUT_TO_INPUT_PRICE:g}× input tokens.\n\n")
    return header + tomli_w.dumps(data)
