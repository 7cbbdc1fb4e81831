"""Actual spend from the rollups: filters, spend by dimension, daily trend and unit costs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from budget.dimensions import NO_TAG
from budget.forecast import INFERENCE_CATEGORIES

COST_MEASURES = ("effective_cost", "billed_cost")


@dataclass(frozen=True)
class ActualsSummary:
    """What the actuals say, for the narrative's last section."""

    last_month: str
    last_month_usd: float
    last_30_days_usd: float
    track_record: str | None = None  # budget.backtest.track_record's sentence, when measured


@dataclass(frozen=True)
class ActualsFilter:
    """Which rows of the rollups to look at: one currency, a date range, dimension values."""

    currency: str
    start: date
    end: date
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # empty tuple: every value

    def apply(self, rollup: pd.DataFrame) -> pd.DataFrame:
        """Return the rows inside the filter (every dimension value kept when none chosen)."""
        day = rollup["day"].dt.date
        mask = (rollup["currency"] == self.currency) & (day >= self.start) & (day <= self.end)
        for dimension, chosen in self.values:
            if chosen and dimension in rollup.columns:
                mask &= rollup[dimension].isin(chosen)
        selected: pd.DataFrame = rollup[mask]
        return selected


def spend_by(rows: pd.DataFrame, dimension: str, measure: str = "effective_cost",
             top: int | None = None) -> pd.DataFrame:
    """Return spend per value of `dimension`, largest first, with share; '(no … tag)' kept.

    With `top`, values beyond the first `top` are folded into one 'other' row so the parts
    still add up to the filtered total.
    """
    table = (rows.groupby(dimension, dropna=False)[measure].sum().sort_values(ascending=False)
             .rename("cost").reset_index())
    if top is not None and len(table) > top:
        head, tail = table.iloc[:top], table.iloc[top:]
        other = pd.DataFrame({dimension: [f"other ({len(tail)})"], "cost": [tail["cost"].sum()]})
        table = pd.concat([head, other], ignore_index=True)
    total = table["cost"].sum()
    table["share"] = table["cost"] / total if total else 0.0
    return table


def daily_trend(rows: pd.DataFrame, telemetry: pd.DataFrame, measure: str = "effective_cost",
                ) -> pd.DataFrame:
    """Return per day: total cost, inference cost, requests and inference USD per 1K requests."""
    days = rows.groupby("day")[measure].sum().rename("cost")
    inference = (rows[rows["workload_class"].isin(INFERENCE_CATEGORIES)]
                 .groupby("day")[measure].sum().rename("inference_cost"))
    requests = (telemetry.groupby("day")["requests"].sum().rename("requests")
                if not telemetry.empty else pd.Series(dtype=float, name="requests"))
    table = pd.concat([days, inference, requests], axis=1).fillna(0.0)
    table = table.loc[table.index.isin(days.index)]
    table["usd_per_1k_requests"] = np.where(
        table["requests"] > 0, table["inference_cost"] / table["requests"].where(
            table["requests"] > 0) * 1000, np.nan)
    return table.rename_axis("day").reset_index()


def endpoint_unit_costs(rows: pd.DataFrame, telemetry: pd.DataFrame,
                        measure: str = "effective_cost") -> pd.DataFrame:
    """Return per day, endpoint and environment: cost, requests, tokens, USD per 1K and per 1M."""
    keys = ["day", "endpoint", "environment"]
    cost = (rows[rows["endpoint"] != NO_TAG["endpoint"]].groupby(keys)[measure].sum()
            .rename("cost"))
    if telemetry.empty:
        return cost.reset_index()
    usage = telemetry.groupby(keys)[["requests", "input_tokens", "output_tokens"]].sum()
    table = pd.concat([cost, usage], axis=1, join="inner").reset_index()
    tokens = table["input_tokens"] + table["output_tokens"]
    table["usd_per_1k_requests"] = table["cost"] / table["requests"].where(
        table["requests"] > 0) * 1000
    table["usd_per_1m_tokens"] = table["cost"] / tokens.where(tokens > 0) * 1_000_000
    return table


@dataclass(frozen=True)
class ActualsKpis:
    """The Actuals page's headline numbers over the filtered rows, in the rows' currency."""

    total: float
    run_rate_7d: float  # average cost per day over the last seven days with charges
    unallocated: float  # cost with no team tag
    unallocated_share: float | None  # of the total; None when the total is zero
    inference_per_1k_requests: float | None  # None without telemetry requests


def actuals_kpis(rows: pd.DataFrame, trend: pd.DataFrame, measure: str) -> ActualsKpis:
    """Return total, 7-day run rate, unallocated (no team tag) and inference per 1K requests."""
    total = float(rows[measure].sum())
    unallocated = float(rows.loc[~rows["allocated"].astype(bool), measure].sum())
    requests = float(trend["requests"].sum())
    return ActualsKpis(
        total=total, run_rate_7d=float(trend["cost"].tail(7).mean()), unallocated=unallocated,
        unallocated_share=unallocated / total if total else None,
        inference_per_1k_requests=(float(trend["inference_cost"].sum()) / requests * 1000
                                   if requests else None))


def dimension_values(rollup: pd.DataFrame, dimensions: Sequence[str]) -> Mapping[str, list[str]]:
    """Return the sorted distinct values of each dimension, for filter widgets."""
    return {d: sorted(rollup[d].dropna().astype(str).unique()) for d in dimensions}


def recent_unit_costs(units: pd.DataFrame, last_days: int = 7) -> pd.DataFrame:
    """Return per endpoint and environment the unit costs over its last `last_days` days."""
    latest = units.sort_values("day").groupby(["endpoint", "environment"]).tail(last_days)
    summary = (latest.groupby(["endpoint", "environment"])[
        ["cost", "requests", "input_tokens", "output_tokens"]].sum().reset_index())
    tokens = summary["input_tokens"] + summary["output_tokens"]
    summary["usd_per_1k_requests"] = summary["cost"] / summary["requests"].where(
        summary["requests"] > 0) * 1000
    summary["usd_per_1m_tokens"] = summary["cost"] / tokens.where(tokens > 0) * 1_000_000
    return summary.sort_values("cost", ascending=False, kind="stable").reset_index(drop=True)


def actuals_summary(rollup: pd.DataFrame, measure: str = "effective_cost") -> ActualsSummary:
    """Return the last full month's and the last 30 days' spend (USD rows only)."""
    usd = rollup[rollup["currency"] == "USD"]
    last = usd["day"].max()
    month_end = last if (last + pd.Timedelta(days=1)).day == 1 else (
        last - pd.offsets.MonthBegin(1) - pd.Timedelta(days=1))
    month = usd[usd["day"].dt.to_period("M") == month_end.to_period("M")]
    recent = usd[usd["day"] > last - pd.Timedelta(days=30)]
    return ActualsSummary(f"{month_end:%Y-%m}", float(month[measure].sum()),
                          float(recent[measure].sum()))
