"""Burn rate: daily spend and its 7-day run rate against the plan and the budget, month to date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from budget.dimensions import NO_TAG
from budget.errors import BudgetInputError
from budget.forecast import INFERENCE_CATEGORIES, Forecast, forecast
from budget.scenario_model import Scenario

VARIANCE_DIMENSIONS = ("model", "endpoint", "team", "environment")


@dataclass(frozen=True)
class Burn:
    """Where the month stands on its last actual day: spent, run rate, projected, plan, budget."""

    as_of: date  # the last day with actuals
    month: str  # YYYY-MM of as_of
    days_elapsed: int
    days_in_month: int
    mtd_usd: float
    run_rate_usd_per_day: float  # mean of the last 7 days
    projected_month_end_usd: float  # month to date + run rate × days left
    plan_month: str | None  # the plan's month compared with (None without a plan)
    plan_month_usd: float | None
    budget_month_usd: float | None
    daily: pd.DataFrame  # day, cost_usd, run_rate_usd_per_day, plan_usd_per_day, budget_…

    @property
    def plan_in_horizon(self) -> bool:
        """Return True when the plan covers the actuals' month itself."""
        return self.plan_month == self.month

    @property
    def plan_mtd_usd(self) -> float | None:
        """Return the plan's spend for the elapsed days (the month's plan pro rata)."""
        if self.plan_month_usd is None:
            return None
        return self.plan_month_usd * self.days_elapsed / self.days_in_month

    @property
    def plan_usd_per_day(self) -> float | None:
        """Return the plan's month spread evenly over its days (USD per day)."""
        if self.plan_month_usd is None:
            return None
        return self.plan_month_usd / self.days_in_month

    @property
    def budget_mtd_usd(self) -> float | None:
        """Return the budget for the elapsed days (pro rata)."""
        if self.budget_month_usd is None:
            return None
        return self.budget_month_usd * self.days_elapsed / self.days_in_month


def plan_month(result: Forecast, month: str) -> str:
    """Return `month` when the plan covers it, else the plan's nearest month."""
    if month in result.months:
        return month
    return result.months[0] if month < result.months[0] else result.months[-1]


def usd_rows(billing: pd.DataFrame) -> pd.DataFrame:
    """Return the USD rows; refuse when there are none."""
    rows: pd.DataFrame = billing[billing["currency"] == "USD"]
    if rows.empty:
        currencies = ", ".join(sorted(billing["currency"].astype(str).unique())) or "none"
        raise BudgetInputError("actuals", f"no USD rows (currencies present: {currencies})",
                               fix="the plan is in USD: export USD billing, or convert")
    return rows


def burn_rate(billing: pd.DataFrame, scenario: Scenario | None = None,
              measure: str = "effective_cost") -> Burn:
    """Return the month to date, the 7-day run rate and the projected month-end of USD spend.

    Days without rows count as zero. The plan's month is spread evenly over its days.
    """
    rows = usd_rows(billing)
    daily = rows.groupby("day")[measure].sum()
    daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max()), fill_value=0.0)
    last = pd.Timestamp(daily.index.max())
    period = last.to_period("M")
    month = str(period)
    in_month = daily[pd.DatetimeIndex(daily.index).to_period("M") == period]
    run_rate = float(daily.iloc[-7:].mean())
    days_in_month = int(period.days_in_month)
    mtd = float(in_month.sum())
    plan_label, plan_usd = None, None
    if scenario is not None:
        result = forecast(scenario)
        plan_label = plan_month(result, month)
        plan_usd = float(result.total_usd[plan_label])
    budget_usd = scenario.budget_monthly if scenario is not None else None
    frame = pd.DataFrame({"day": daily.index, "cost_usd": daily.to_numpy(),
                          "run_rate_usd_per_day": daily.rolling(7, min_periods=1).mean()
                          .to_numpy()})
    days = frame["day"].dt.days_in_month
    frame["plan_usd_per_day"] = (plan_usd / days) if plan_usd is not None else float("nan")
    frame["budget_usd_per_day"] = (budget_usd / days) if budget_usd is not None else float("nan")
    return Burn(as_of=last.date(), month=month, days_elapsed=int(last.day),
                days_in_month=days_in_month, mtd_usd=mtd, run_rate_usd_per_day=run_rate,
                projected_month_end_usd=mtd + run_rate * (days_in_month - last.day),
                plan_month=plan_label, plan_month_usd=plan_usd, budget_month_usd=budget_usd,
                daily=frame)


def month_to_date(burn: Burn) -> pd.DataFrame:
    """Return the month's cumulative spend per day, then the projection to month-end.

    Columns: day, cumulative_usd, kind ("actual" or "projected"), plan_cumulative_usd,
    budget_cumulative_usd.
    """
    start = pd.Timestamp(burn.as_of).to_period("M").start_time
    end = pd.Timestamp(burn.as_of).to_period("M").end_time.normalize()
    actual = burn.daily[burn.daily["day"] >= start][["day", "cost_usd"]].copy()
    actual["cumulative_usd"] = actual["cost_usd"].cumsum()
    actual["kind"] = "actual"
    ahead = pd.date_range(pd.Timestamp(burn.as_of), end)
    projected = pd.DataFrame({
        "day": ahead, "kind": "projected",
        "cumulative_usd": [burn.mtd_usd + burn.run_rate_usd_per_day * i
                           for i in range(len(ahead))]})
    table = pd.concat([actual.drop(columns="cost_usd"), projected], ignore_index=True)
    elapsed = table["day"].dt.day
    for name, month_usd in (("plan", burn.plan_month_usd), ("budget", burn.budget_month_usd)):
        table[f"{name}_cumulative_usd"] = (month_usd * elapsed / burn.days_in_month
                                           if month_usd is not None else float("nan"))
    return table


def plan_lines_as_tagged(result: Forecast, month: str) -> pd.DataFrame:
    """Return one plan month's lines with the dimensions the exports tag.

    Lines the plan leaves without an environment count as the exports tag them: experimentation
    as dev, training and platform as production. Only inference lines carry an endpoint (their
    workload name); platform lines carry no model.
    """
    lines = result.lines[result.lines["month"] == month].copy()
    category = lines["category"]
    lines["endpoint"] = lines["workload"].where(category.isin(INFERENCE_CATEGORIES),
                                                NO_TAG["endpoint"])
    lines["model"] = lines["model"].where((category != "platform") & (lines["model"] != ""),
                                          NO_TAG["model"])
    default_env = category.map(lambda c: "dev" if c == "experimentation" else "production")
    lines["environment"] = lines["environment"].where(lines["environment"] != "", default_env)
    return lines


def variance_by(billing: pd.DataFrame, burn: Burn, scenario: Scenario, dimension: str,
                measure: str = "effective_cost") -> pd.DataFrame:
    """Return month-to-date actual vs plan per value of `dimension`, largest variance first.

    The plan is its month's lines pro rata to the days elapsed. Columns: the dimension,
    actual_usd, plan_usd, variance_usd (actual − plan), variance_pct (None without a plan).
    """
    if dimension not in VARIANCE_DIMENSIONS:
        raise BudgetInputError("dimension", f'"{dimension}" cannot be compared with the plan',
                               fix="use one of " + ", ".join(VARIANCE_DIMENSIONS))
    rows = usd_rows(billing)
    month_rows = rows[rows["day"].dt.to_period("M") == pd.Period(burn.month)]
    actual = month_rows.groupby(dimension)[measure].sum().rename("actual_usd")
    result = forecast(scenario)
    lines = plan_lines_as_tagged(result, burn.plan_month or plan_month(result, burn.month))
    share = burn.days_elapsed / burn.days_in_month
    plan = (lines.groupby(dimension)["cost_usd"].sum() * share).rename("plan_usd")
    table = pd.concat([actual, plan], axis=1).fillna(0.0).rename_axis(dimension).reset_index()
    table["variance_usd"] = table["actual_usd"] - table["plan_usd"]
    table["variance_pct"] = (table["variance_usd"] / table["plan_usd"].where(
        table["plan_usd"] > 0))
    order = table["variance_usd"].abs().sort_values(ascending=False, kind="stable").index
    ranked: pd.DataFrame = table.loc[order].reset_index(drop=True)
    return ranked
