"""How good the forecasts have been: rolling-origin backtests over the exports' full months."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget.actuals import ActualsSummary
from budget.burn import usd_rows
from budget.errors import BudgetInputError
from budget.forecast import CATEGORIES, forecast
from budget.periods import full_months

METHODS = ("calibrate", "reforecast")
MIN_HISTORY_MONTHS = 3  # full months before the first origin's forecast (8 weeks and more)
CALIBRATION_WEEKS = 8  # as `python -m budget calibrate` by default
INTERVAL = 0.8  # P10–P90, as the app shows
PLATFORM = "platform"  # a bill line of no plan category (shared, untagged) is platform cost


@dataclass(frozen=True)
class Point:
    """One forecast month against what it turned out to be."""

    origin: str  # YYYY-MM: the last full month the forecast knew
    months_ahead: int
    month: str  # YYYY-MM forecast
    forecast_usd: float
    low_usd: float  # P10
    high_usd: float  # P90
    actual_usd: float
    naive_usd: float  # the origin month's actual, carried forward
    category_forecast_usd: dict[str, float]  # calibrate only; empty for the reforecast
    category_actual_usd: dict[str, float]


@dataclass(frozen=True)
class HorizonScore:
    """The accuracy of forecasts made `months_ahead` months before the month they forecast."""

    months_ahead: int
    origins: int
    mape: float  # mean |forecast − actual| / actual
    bias: float  # mean (forecast − actual) / actual: below 0, the forecasts ran low
    naive_mape: float  # the same for the last full month carried forward
    interval_coverage: float  # share of actual months inside P10–P90 (ideal ≈ 0.8)


@dataclass(frozen=True)
class Backtest:
    """Every compared month and their scores by horizon (and by category for calibrate)."""

    method: str
    points: tuple[Point, ...]
    horizons: tuple[HorizonScore, ...]
    by_category: dict[str, dict[str, float]]  # category → {"1": MAPE, …}


def billed_months(billing: pd.DataFrame) -> pd.DataFrame:
    """Return the USD rows with their month (YYYY-MM) and plan category.

    A bill line's workload_class names its category; any other (shared, untagged) is platform.
    """
    usd = usd_rows(billing)
    return usd.assign(month=usd["day"].dt.to_period("M").astype(str),
                      category=usd["workload_class"].where(
                          usd["workload_class"].isin(CATEGORIES), PLATFORM))


def month_actuals(billing: pd.DataFrame) -> pd.DataFrame:
    """Return USD effective cost per full month (rows YYYY-MM) and plan category (columns)."""
    rows = billed_months(billing)
    table = (rows.pivot_table(index="month", columns="category", values="effective_cost",
                              aggfunc="sum", fill_value=0.0)
             .reindex(columns=list(CATEGORIES), fill_value=0.0))
    return table.loc[[m for m in full_months(rows["day"]) if m in table.index]]


def _calibrated(billing: pd.DataFrame, telemetry: pd.DataFrame, months: int,
                calendar: str | None = None,
                ) -> tuple[list[dict[str, float]], list[tuple[float, float]]]:
    """Return each month's category forecast and P10–P90 of the plan calibrated from the rows."""
    from budget.calibrate import calibrate, calibrated_scenario
    from budget.sensitivity import monte_carlo

    data = calibrate(billing, telemetry, CALIBRATION_WEEKS, months=months)
    if calendar is not None:
        data["scenario"]["calendar"] = calendar
    scenario = calibrated_scenario(data, "backtest")
    result = forecast(scenario)
    by_category = result.by_category
    mc = monte_carlo(scenario)
    return ([{c: float(by_category[c].iloc[m]) for c in CATEGORIES} for m in range(months)],
            [(float(mc.monthly_p10[m]), float(mc.monthly_p90[m])) for m in range(months)])


def _reforecast(billing: pd.DataFrame, months: int,
                ) -> tuple[list[dict[str, float]], list[tuple[float, float]]]:
    """Return each month's total forecast (under "total") and P10–P90 of the ETS reforecast."""
    from budget.reforecast import month_forecasts

    periods = month_forecasts(billing, months, interval=INTERVAL)
    return ([{"total": p.forecast_usd} for p in periods],
            [(p.low_usd, p.high_usd) for p in periods])


def backtest(billing: pd.DataFrame, telemetry: pd.DataFrame, horizons: tuple[int, ...] = (1, 2, 3),
             method: str = "calibrate",
             progress: Callable[[int, int], None] | None = None,
             calendar: str | None = None) -> Backtest:
    """Forecast from each full month with enough history, as the app does; score by horizon.

    For each origin month M (after MIN_HISTORY_MONTHS full months), only the rows up to M's
    last day are used: `calibrate` derives a plan from them (8 weeks, as the CLI does) and
    forecasts it, with the Monte Carlo P10–P90 per month; `reforecast` fits the Monitoring
    page's ETS model. Forecasts of M+1 … M+h are compared with those months' actual totals.
    `progress(done, of)` is told after each origin. `calendar` overrides the calibrated
    plan's [scenario] calendar ("average" measures what calendar days are worth).
    """
    if method not in METHODS:
        raise BudgetInputError("--method", f'unknown method "{method}"',
                               fix="use " + " or ".join(METHODS))
    if not horizons or min(horizons) < 1 or max(horizons) > 24:
        raise BudgetInputError("--horizons", f"{','.join(map(str, horizons))} is not a list of "
                               "months ahead from 1 to 24", fix="e.g. --horizons 1,2,3")
    actual = month_actuals(billing)
    months = list(actual.index)
    origins = [i for i in range(MIN_HISTORY_MONTHS - 1, len(months) - min(horizons))]
    if not origins:
        raise BudgetInputError(
            "backtest", f"{len(months)} full months of billing ({', '.join(months) or 'none'}); "
            f"a backtest needs {MIN_HISTORY_MONTHS} of history and one more to compare",
            fix=f"load at least {MIN_HISTORY_MONTHS + min(horizons)} full months of exports")
    points: list[Point] = []
    ahead = max(horizons)
    for done, i in enumerate(origins, start=1):
        end = pd.Period(months[i], "M").end_time.normalize()
        known = billing[billing["day"] <= end]
        if method == "calibrate":
            seen = telemetry[telemetry["day"] <= end] if not telemetry.empty else telemetry
            forecasts, bands = _calibrated(known, seen, ahead, calendar)
        else:
            forecasts, bands = _reforecast(known, ahead)
        for h in horizons:
            if i + h >= len(months):
                continue
            month = months[i + h]
            parts = forecasts[h - 1]
            by_category = {c: parts[c] for c in CATEGORIES} if method == "calibrate" else {}
            points.append(Point(
                months[i], h, month, math.fsum(parts.values()), bands[h - 1][0],
                bands[h - 1][1], float(actual.loc[month].sum()), float(actual.iloc[i].sum()),
                by_category, {c: float(actual.loc[month, c]) for c in CATEGORIES}))
        if progress is not None:
            progress(done, len(origins))
    return Backtest(method, tuple(points), tuple(_score(points, h) for h in horizons
                                                 if any(p.months_ahead == h for p in points)),
                    _category_scores(points, horizons))


def _score(points: list[Point], months_ahead: int) -> HorizonScore:
    """Return the scores of the points `months_ahead` months ahead."""
    chosen = [p for p in points if p.months_ahead == months_ahead]
    actual = np.array([p.actual_usd for p in chosen])
    errors = (np.array([p.forecast_usd for p in chosen]) - actual) / actual
    naive = (np.array([p.naive_usd for p in chosen]) - actual) / actual
    inside = [p.low_usd <= p.actual_usd <= p.high_usd for p in chosen]
    return HorizonScore(months_ahead, len(chosen), float(np.mean(np.abs(errors))),
                        float(np.mean(errors)), float(np.mean(np.abs(naive))),
                        sum(inside) / len(inside))


def _category_scores(points: list[Point], horizons: tuple[int, ...]) -> dict[str, dict[str, float]]:
    """Return each category's MAPE by horizon, over the months where it had actual spend."""
    out: dict[str, dict[str, float]] = {}
    for category in CATEGORIES:
        for h in horizons:
            pairs = [(p.category_forecast_usd[category], p.category_actual_usd[category])
                     for p in points if p.months_ahead == h and p.category_forecast_usd
                     and p.category_actual_usd[category] > 0]
            if pairs:
                out.setdefault(category, {})[str(h)] = float(np.mean(
                    [abs(f - a) / a for f, a in pairs]))
    return out


def score_rows(result: Backtest) -> pd.DataFrame:
    """Return a row per horizon: months ahead, origins, MAPE, bias, naive MAPE, coverage."""
    return pd.DataFrame([dataclasses.asdict(s) for s in result.horizons],
                        columns=[f.name for f in dataclasses.fields(HorizonScore)])


def backtest_json(result: Backtest) -> dict[str, object]:
    """Return the backtest as the CLI's JSON contract."""
    return {"method": result.method,
            "horizons": [{"months_ahead": s.months_ahead, "origins": s.origins,
                          "mape": s.mape, "bias": s.bias, "naive_mape": s.naive_mape,
                          "interval_coverage": s.interval_coverage} for s in result.horizons],
            "by_category": result.by_category}


def track_record(result: Backtest, months_ahead: int = 1) -> str:
    """Return the measured accuracy as one sentence for the screen, the PDF and the deck."""
    score = next((s for s in result.horizons if s.months_ahead == months_ahead), None)
    what = ("plans calibrated from these actuals" if result.method == "calibrate"
            else "reforecasts of these actuals")
    if score is None:
        return f"No track record yet: too few full months to score {what}."
    inside = round(score.interval_coverage * score.origins)
    runs = "low" if score.bias < 0 else "high"
    return (f"Track record: over the last {score.origins} months, {months_ahead}-month "
            f"forecasts by {what} were off by {score.mape:.1%} on average ({runs} by "
            f"{abs(score.bias):.1%}; the last month carried forward was off by "
            f"{score.naive_mape:.1%}); {inside} of {score.origins} actual months fell inside "
            "the P10–P90 range.")


def with_track_record(summary: ActualsSummary, scored: Callable[[], Backtest]) -> ActualsSummary:
    """Return the actuals summary with the 1-month track record of `scored()` in it.

    History too short to score is said as such, never an error: the actuals still show.
    """
    try:
        sentence = track_record(scored())
    except BudgetInputError as exc:
        sentence = f"No track record: {exc}."
    return dataclasses.replace(summary, track_record=sentence)
