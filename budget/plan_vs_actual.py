"""Plan against actuals, month by month: each variance split into volume and unit cost."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from budget.backtest import PLATFORM, billed_months, month_actuals
from budget.dimensions import NO_TAG
from budget.fmt import signed_usd
from budget.forecast import INFERENCE_CATEGORIES, Forecast, category_label

DIMENSIONS = ("category", "team", "model")  # what a variance can be read by
GPU_CATEGORIES = ("training", "experimentation")  # their volume is GPU-hours
COLUMNS = ("plan_usd", "plan_quantity", "actual_usd", "actual_quantity", "volume_unit",
           "variance_usd", "volume_effect_usd", "unit_cost_effect_usd")
VOLUME_UNITS = {**dict.fromkeys(INFERENCE_CATEGORIES, "requests"),
                **dict.fromkeys(GPU_CATEGORIES, "GPU-hours"), PLATFORM: ""}


def variance_split(frame: pd.DataFrame) -> pd.DataFrame:
    """Add variance, volume and unit-cost effects to rows of plan/actual cost and quantity.

    With Qp, Qa the planned and actual quantities and Cp, Ca the costs: the volume effect is
    (Qa − Qp) × Cp / Qp (the plan's unit cost on the extra volume), the unit-cost effect is
    (Ca / Qa − Cp / Qp) × Qa (the change of unit cost on the actual volume); they add up to
    Ca − Cp. A line without a volume measure (platform), or whose plan has no volume, puts
    its whole variance in one effect: volume when nothing was planned or nothing happened,
    unit cost (rate) otherwise.
    """
    plan_q, actual_q = frame["plan_quantity"], frame["actual_quantity"]
    plan_c, actual_c = frame["plan_usd"], frame["actual_usd"]
    variance = actual_c - plan_c
    measured = (plan_q > 0) & (actual_q > 0)
    plan_unit = np.where(measured, plan_c / plan_q.where(measured, 1.0), 0.0)
    volume = np.where(measured, (actual_q - plan_q) * plan_unit, 0.0)
    started_or_stopped = ~measured & ((plan_c == 0) | (actual_c == 0))
    volume = np.where(started_or_stopped, variance, volume)
    return frame.assign(variance_usd=variance, volume_effect_usd=volume,
                        unit_cost_effect_usd=variance - volume)


def _plan(result: Forecast, by: str, months: list[str]) -> pd.DataFrame:
    """Return the plan's cost and volume per month, category and `by`."""
    lines = result.lines[result.lines["month"].isin(months)]
    quantity = np.where(lines["category"].isin(INFERENCE_CATEGORIES), lines["requests"],
                        np.where(lines["category"].isin(GPU_CATEGORIES), lines["gpu_hours"],
                                 0.0))
    keys = ["month", "category"] + ([by] if by != "category" else [])
    if by != "category":  # a line without a team (model) is what the bill calls untagged
        lines = lines.assign(**{by: lines[by].where(lines[by] != "", NO_TAG[by])})
    return (lines.assign(plan_quantity=quantity)
            .groupby(keys, as_index=False)[["cost_usd", "plan_quantity"]].sum()
            .rename(columns={"cost_usd": "plan_usd"}))


def _actual(billing: pd.DataFrame, telemetry: pd.DataFrame, by: str,
            months: list[str]) -> pd.DataFrame:
    """Return actual USD cost and volume per month, category and `by`."""
    usd = billed_months(billing)
    usd = usd[usd["month"].isin(months)]
    keys = ["month", "category"] + ([by] if by != "category" else [])
    cost = usd.groupby(keys, as_index=False).agg(
        actual_usd=("effective_cost", "sum"), gpu_hours=("gpu_hours", "sum"))
    cost["actual_quantity"] = np.where(cost["category"].isin(GPU_CATEGORIES),
                                       cost["gpu_hours"], 0.0)
    cost = cost.drop(columns="gpu_hours")
    if telemetry.empty:
        return cost
    # requests belong to the inference category their endpoint is billed under (most cost)
    served = usd[usd["category"].isin(INFERENCE_CATEGORIES)]
    if served.empty:
        return cost
    endpoint_class = (served.groupby(["endpoint", "category"])["effective_cost"].sum()
                      .reset_index().sort_values("effective_cost")
                      .drop_duplicates("endpoint", keep="last")
                      .set_index("endpoint")["category"])
    tele = telemetry.assign(month=telemetry["day"].dt.to_period("M").astype(str),
                            category=telemetry["endpoint"].map(endpoint_class))
    tele = tele[tele["month"].isin(months) & tele["category"].notna()]
    requests = tele.groupby(keys, as_index=False)["requests"].sum()
    merged = cost.merge(requests, on=keys, how="outer")
    merged["actual_usd"] = merged["actual_usd"].fillna(0.0)
    inference = merged["category"].isin(INFERENCE_CATEGORIES)
    merged["actual_quantity"] = np.where(inference, merged["requests"].fillna(0.0),
                                         merged["actual_quantity"].fillna(0.0))
    return merged.drop(columns="requests")


def plan_vs_actual(result: Forecast, billing: pd.DataFrame, telemetry: pd.DataFrame,
                   by: str = "category") -> pd.DataFrame:
    """Return plan and actual per full month the plan covers, by category and `by`, split.

    Rows: month, category, [by], plan_usd, actual_usd, plan_quantity, actual_quantity,
    volume_unit, variance_usd, volume_effect_usd, unit_cost_effect_usd; largest |variance|
    first within each month. No months in common gives no rows.
    """
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")  # pages offer DIMENSIONS only
    months = [m for m in month_actuals(billing).index if m in result.months]
    keys = ["month", "category"] + ([by] if by != "category" else [])
    if not months:
        return pd.DataFrame(columns=[*keys, *COLUMNS])
    both = _plan(result, by, months).merge(_actual(billing, telemetry, by, months), on=keys,
                                           how="outer")
    for column in ("plan_usd", "plan_quantity", "actual_usd", "actual_quantity"):
        both[column] = both[column].fillna(0.0)
    both["volume_unit"] = both["category"].map(VOLUME_UNITS).fillna("")
    split = variance_split(both)
    order = split.assign(size=split["variance_usd"].abs()).sort_values(
        ["month", "size"], ascending=[True, False])
    return order.drop(columns="size").reset_index(drop=True)


EFFECT_LABELS = {"volume_effect_usd": "Volume", "unit_cost_effect_usd": "Unit cost"}


def monthly_effects(rows: pd.DataFrame) -> pd.DataFrame:
    """Return month, effect (Volume / Unit cost), usd: each month's variance in its two parts."""
    sums = rows.groupby("month", as_index=False)[list(EFFECT_LABELS)].sum()
    long = sums.melt(id_vars="month", var_name="effect", value_name="usd")
    return long.assign(effect=long["effect"].map(EFFECT_LABELS))


def totals(rows: pd.DataFrame) -> dict[str, float]:
    """Return plan, actual, variance and the two effects summed over the rows (exact sums)."""
    return {column: math.fsum(rows[column].tolist()) for column in (
        "plan_usd", "actual_usd", "variance_usd", *EFFECT_LABELS)}


def commentary(rows: pd.DataFrame, by: str = "category", count: int = 3) -> list[str]:
    """Return a sentence for each of the `count` largest variances, split in its two effects."""
    largest = rows.assign(size=rows["variance_usd"].abs()).nlargest(count, "size")
    out = []
    for row in largest.to_dict("records"):
        kind = category_label(row["category"])
        where = kind if by == "category" else f"{row[by]} ({kind})"
        side = "over" if row["variance_usd"] > 0 else "under"
        text = (f"{row['month']}, {where}: {signed_usd(row['variance_usd'])} {side} plan "
                f"({_share(row['variance_usd'], row['plan_usd'])})")
        planned, actual = row["plan_quantity"], row["actual_quantity"]
        if row["volume_unit"] and planned > 0 and actual > 0:
            text += (f"; volume {signed_usd(row['volume_effect_usd'])} ({row['volume_unit']} "
                     f"{_share(actual - planned, planned)}), unit cost "
                     f"{signed_usd(row['unit_cost_effect_usd'])}")
        out.append(text + ".")
    return out


def _share(change: float, base: float) -> str:
    """Return a change as a signed percent of its base, or 'unplanned' without one."""
    return f"{change / base:+.0%}" if base and math.isfinite(change / base) else "unplanned"
