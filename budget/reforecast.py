"""Reforecast from actuals: month-, quarter- and horizon-end spend with intervals, and the
leading indicators that move spend before the bill does."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from budget.actuals import COST_MEASURES
from budget.deltas import percent_change
from budget.dimensions import NO_TAG
from budget.errors import BudgetInputError

MIN_HISTORY_DAYS = 14
SEASON_DAYS = 7  # weekly seasonality…
MIN_SEASONAL_DAYS = 4 * SEASON_DAYS  # …fitted only with at least four weeks of history
TRAINING = "training"  # workload_class of planned training bursts, forecast at their average…
TRAINING_WINDOW_DAYS = 90  # …over the trailing 90 days (or the whole history when shorter)
WHOLE_FROM = 100.0  # an indicator value this large reads without decimals…
COUNTED_UNITS = frozenset({"experiments"})  # …and so does a count of whole things


@dataclass(frozen=True)
class PeriodForecast:
    """Spend to a period's end: actual so far + forecast of the remaining days, with an interval."""

    label: str  # "month-end 2026-11", "quarter-end 2026-Q4", "horizon 2027-03"
    end: date
    actual_usd: float  # spend from the period's first day to the last actual day
    forecast_usd: float  # actual_usd + the point forecast summed over the remaining days
    low_usd: float  # actual_usd + the lower quantile of simulated remaining-day sums
    high_usd: float  # actual_usd + the upper quantile of simulated remaining-day sums
    budget_usd: float | None  # monthly budget × calendar months in the period, when given


@dataclass(frozen=True)
class Reforecast:
    """The daily history used, the per-day forecast, and the period forecasts built from them."""

    history: pd.DataFrame  # day, cost_usd: total spend, training included (missing days 0)
    daily: pd.DataFrame  # day, forecast_usd, low_usd, high_usd for each future day
    periods: tuple[PeriodForecast, ...]  # month-end, quarter-end, horizon, in that order
    model: str  # e.g. "ETS(A,Ad,A) on run-rate spend, …; training at its 90-day average, …"
    interval: float  # e.g. 0.8 for P10–P90
    training_usd_per_day: float = 0.0  # added to every forecast day, outside the simulation


def _usd_rows(billing: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Return the USD rows; refuse an unknown measure or billing without USD rows."""
    if measure not in COST_MEASURES:
        raise BudgetInputError("reforecast", f'unknown cost measure "{measure}"',
                               field="measure", fix="use " + " or ".join(COST_MEASURES))
    usd = billing[billing["currency"] == "USD"]
    if usd.empty:
        others = sorted(set(billing["currency"].dropna().astype(str)))
        found = f" (currencies present: {', '.join(others)})" if others else ""
        raise BudgetInputError("actuals", f"no USD rows to reforecast{found}",
                               fix="load billing exports in USD; other currencies are not "
                               "converted")
    return usd


def _per_day(rows: pd.DataFrame, measure: str, days: pd.DatetimeIndex) -> np.ndarray:
    """Return rows' USD `measure` summed on each of `days`, 0 on days without rows."""
    return rows.groupby("day")[measure].sum().reindex(days, fill_value=0.0).astype(float).to_numpy()


def _history(usd: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Return day, cost_usd from the first to the last day of the USD rows."""
    days = pd.date_range(usd["day"].min(), usd["day"].max(), freq="D")
    return pd.DataFrame({"day": days, "cost_usd": _per_day(usd, measure, days)})


def _month_end(day: date) -> date:
    """Return the last day of `day`'s month."""
    first_of_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _months(start: date, end: date) -> int:
    """Return the calendar months from start's month to end's month, both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _periods(last_day: date, horizon_end: date | None) -> list[tuple[str, date, date]]:
    """Return (label, first day, end) for month-end, quarter-end and horizon.

    The horizon runs from the first day of the last actual month, like the month-end period,
    to `horizon_end` (default: the end of the next calendar quarter).
    """
    month_start = last_day.replace(day=1)
    quarter = (last_day.month - 1) // 3
    quarter_start = date(last_day.year, 3 * quarter + 1, 1)
    quarter_end = _month_end(date(last_day.year, 3 * quarter + 3, 1))
    if horizon_end is None:
        next_quarter_start = quarter_end + timedelta(days=1)
        horizon_end = _month_end(next_quarter_start.replace(month=next_quarter_start.month + 2))
    horizon_name = (f"{horizon_end:%Y-%m}" if horizon_end == _month_end(horizon_end)
                    else horizon_end.isoformat())
    return [(f"month-end {last_day:%Y-%m}", month_start, _month_end(last_day)),
            (f"quarter-end {last_day.year}-Q{quarter + 1}", quarter_start, quarter_end),
            (f"horizon {horizon_name}", month_start, horizon_end)]


def _check_options(interval: float, paths: int, monthly_budget_usd: float | None) -> None:
    """Refuse an interval outside (0, 1), fewer than 2 paths, or a negative budget."""
    if not 0 < interval < 1:
        raise BudgetInputError("reforecast", f"interval {interval} is not between 0 and 1",
                               field="interval", fix="use e.g. 0.8 for P10–P90")
    if paths < 2:
        raise BudgetInputError("reforecast", f"{paths} simulated paths cannot give an interval",
                               field="paths", fix="use at least 100, e.g. 1000")
    if monthly_budget_usd is not None and not monthly_budget_usd >= 0:
        raise BudgetInputError("reforecast", f"monthly budget {monthly_budget_usd} USD is "
                               "not a non-negative amount", field="monthly_budget_usd",
                               fix="give the budget per month in USD, or leave it out")


def _fit_and_simulate(cost_usd: np.ndarray, steps: int, paths: int, seed: int, on: str = "",
                      ) -> tuple[np.ndarray, np.ndarray, str]:
    """Fit ETS quietly; return the point forecast, simulated paths (steps × paths), the model.

    `on` names the series in the model description, e.g. " on run-rate spend".
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = len(cost_usd) >= MIN_SEASONAL_DAYS
    model = ETSModel(cost_usd, error="add", trend="add", damped_trend=True,
                     seasonal="add" if seasonal else None,
                     seasonal_periods=SEASON_DAYS if seasonal else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow while the optimiser explores
        results = model.fit(disp=False)
        point = np.asarray(results.forecast(steps), dtype=float)
        # statsmodels 0.15 renamed simulate's random_state to rng; a Generator is the stable form
        simulated = np.asarray(results.simulate(steps, anchor="end", repetitions=paths,
                                                rng=np.random.default_rng(seed)), dtype=float)
    description = (f"ETS(A,Ad,A){on}, weekly season, fitted on {len(cost_usd)} days" if seasonal
                   else f"ETS(A,Ad,N){on}, no season (under {MIN_SEASONAL_DAYS} days of history), "
                   f"fitted on {len(cost_usd)} days")
    return point, simulated.reshape(steps, paths), description


def _training_usd_per_day(training_usd: np.ndarray) -> tuple[float, int]:
    """Return mean daily training USD over the trailing window, and the window's days."""
    window = min(TRAINING_WINDOW_DAYS, len(training_usd))
    return float(training_usd[-window:].sum()) / window, window


def reforecast(billing: pd.DataFrame, *, measure: str = "effective_cost",
               horizon_end: date | None = None, monthly_budget_usd: float | None = None,
               interval: float = 0.8, paths: int = 1000, seed: int = 0) -> Reforecast:
    """Forecast USD spend to month-, quarter- and horizon-end from the daily billing rollup.

    Spend is split in two. The run rate (every row whose workload_class is not "training") gets
    an ETS model (additive error, additive damped trend, additive weekly season from four weeks
    of history) and `paths` simulated paths. Training, planned in bursts, is not simulated: its
    mean daily spend over the trailing 90 days (the whole history when shorter) is added to
    every future day's point, low and high, so a burst on the last days is not carried forward.
    Each period's forecast_usd is the actual spend so far (training included) plus the point
    forecast summed over the remaining days (so it equals the sum of `daily.forecast_usd`);
    low/high add the quantiles of the simulated run-rate sums plus training. Point and simulated
    run-rate spend are clipped at 0. Other currencies are left out. Days before the first
    actual day count as no spend in a period's actual_usd. Without training rows, this is the
    ETS forecast of total spend.
    """
    _check_options(interval, paths, monthly_budget_usd)
    usd = _usd_rows(billing, measure)
    history = _history(usd, measure)
    last_day = history["day"].iloc[-1].date()
    _check_history(history, horizon_end)
    periods = _periods(last_day, horizon_end)
    steps = max((end - last_day).days for _, _, end in periods)
    sim = _simulate(usd, history, measure, steps, paths, seed)
    quantiles = ((1 - interval) / 2, (1 + interval) / 2)
    low_daily, high_daily = np.quantile(sim.simulated, quantiles, axis=1)
    training_usd = sim.training_usd
    daily = pd.DataFrame({"day": pd.date_range(last_day + timedelta(days=1), periods=steps),
                          "forecast_usd": sim.point + training_usd,
                          "low_usd": low_daily + training_usd,
                          "high_usd": high_daily + training_usd})
    cost = history.set_index("day")["cost_usd"]
    out = tuple(_period_forecast(period, last_day, cost, sim.point, sim.simulated, quantiles,
                                 training_usd, monthly_budget_usd) for period in periods)
    return Reforecast(history, daily, out, sim.model, interval, training_usd)


@dataclass(frozen=True)
class _Simulation:
    """The ETS fit of run-rate spend: point and simulated days ahead, clipped at 0."""

    point: np.ndarray  # (steps,)
    simulated: np.ndarray  # (steps, paths)
    model: str
    training_usd: float  # per future day, outside the simulation


def _simulate(usd: pd.DataFrame, history: pd.DataFrame, measure: str, steps: int, paths: int,
              seed: int) -> _Simulation:
    """Fit run-rate spend (every row but training) and simulate `steps` days ahead."""
    days = pd.DatetimeIndex(history["day"])
    is_training = usd["workload_class"] == TRAINING
    has_training = bool(is_training.any())
    run_rate_usd = _per_day(usd[~is_training], measure, days)
    training_usd, window = _training_usd_per_day(_per_day(usd[is_training], measure, days))
    point, simulated, model = _fit_and_simulate(run_rate_usd, steps, paths, seed,
                                                " on run-rate spend" if has_training else "")
    if has_training:
        model += f"; training at its {window}-day average, USD {training_usd:,.0f}/day"
    return _Simulation(np.clip(point, 0.0, None), np.clip(simulated, 0.0, None), model,
                       training_usd)


def month_forecasts(billing: pd.DataFrame, months: int, *, measure: str = "effective_cost",
                    interval: float = 0.8, paths: int = 1000, seed: int = 0,
                    ) -> tuple[PeriodForecast, ...]:
    """Forecast each of the `months` calendar months after the last actual day's month.

    The same model as `reforecast` (ETS on run-rate spend, training at its trailing average);
    each month's forecast_usd is the point forecast summed over its days, low/high the
    quantiles of its simulated day sums. actual_usd is 0: none of these days has happened.
    """
    _check_options(interval, paths, None)
    usd = _usd_rows(billing, measure)
    history = _history(usd, measure)
    last_day = history["day"].iloc[-1].date()
    _check_history(history, None)
    ends, start = [], _month_end(last_day) + timedelta(days=1)
    for _ in range(months):
        ends.append((start, _month_end(start)))
        start = _month_end(start) + timedelta(days=1)
    sim = _simulate(usd, history, measure, (ends[-1][1] - last_day).days, paths, seed)
    quantiles = ((1 - interval) / 2, (1 + interval) / 2)
    out = []
    for first, end in ends:
        days = slice((first - last_day).days - 1, (end - last_day).days)
        count = days.stop - days.start
        low, high = np.quantile(sim.simulated[days].sum(axis=0), quantiles)
        training = sim.training_usd * count
        out.append(PeriodForecast(f"month {first:%Y-%m}", end, 0.0,
                                  float(sim.point[days].sum()) + training,
                                  float(low) + training, float(high) + training, None))
    return tuple(out)


def _check_history(history: pd.DataFrame, horizon_end: date | None) -> None:
    """Refuse a history too short to fit, or a horizon end that is not in the future."""
    first_day, last_day = history["day"].iloc[0].date(), history["day"].iloc[-1].date()
    if len(history) < MIN_HISTORY_DAYS:
        raise BudgetInputError(
            "actuals", f"only {len(history)} days of history ({first_day} to {last_day}); "
            f"the reforecast needs at least {MIN_HISTORY_DAYS}",
            fix=f"load billing exports covering at least {MIN_HISTORY_DAYS} days")
    if horizon_end is not None and horizon_end <= last_day:
        raise BudgetInputError("reforecast", f"horizon end {horizon_end} is not after the last "
                               f"actual day {last_day}", field="horizon_end",
                               fix="choose a later date, or leave it out for next quarter-end")


def _period_forecast(period: tuple[str, date, date], last_day: date, cost: pd.Series,
                     point: np.ndarray, simulated: np.ndarray, quantiles: tuple[float, float],
                     training_usd: float, monthly_budget_usd: float | None) -> PeriodForecast:
    """Return one period's actual so far plus the point and simulated spend of its days left."""
    label, start, end = period
    remaining = (end - last_day).days
    actual_usd = float(cost.loc[pd.Timestamp(start):].sum())
    training_ahead = training_usd * remaining
    low, high = np.quantile(simulated[:remaining].sum(axis=0), quantiles)
    budget_usd = (float(monthly_budget_usd) * _months(start, end)
                  if monthly_budget_usd is not None else None)
    return PeriodForecast(
        label, end, actual_usd, actual_usd + float(point[:remaining].sum()) + training_ahead,
        actual_usd + float(low) + training_ahead, actual_usd + float(high) + training_ahead,
        budget_usd)


@dataclass(frozen=True)
class Indicator:
    """A leading indicator of spend: its recent and previous window values, and a weekly trace."""

    name: str
    unit: str
    recent: float  # over the last `window_days` days
    previous: float  # over the `window_days` days before that
    weekly: pd.DataFrame  # week (Monday, datetime64), value — for a sparkline

    @property
    def change(self) -> float | None:
        """Return recent / previous − 1, or None when previous is 0."""
        if self.previous == 0 or not np.isfinite(self.previous):
            return None
        return self.recent / self.previous - 1

    @property
    def recent_text(self) -> str:
        """Return the recent value as shown: '1,234' from 100 or for a count, else '0.25'."""
        whole = self.recent >= WHOLE_FROM or self.unit in COUNTED_UNITS
        return f"{self.recent:,.0f}" if whole else f"{self.recent:,.2f}"

    @property
    def change_text(self) -> str | None:
        """Return the change as deltas.percent_change writes it ('+12.0%'), None without one."""
        return None if self.change is None else percent_change(self.recent, self.previous)


def _on_calendar(daily: pd.DataFrame, days: pd.Series) -> pd.DataFrame:
    """Return `daily` reindexed to every calendar day from the first to the last of `days`."""
    calendar = pd.date_range(days.min(), days.max(), freq="D")
    return daily.reindex(calendar, fill_value=0.0).astype(float)


def _indicator(name: str, unit: str, daily: pd.DataFrame,
               value: Callable[[pd.DataFrame], float], window_days: int) -> Indicator:
    """Evaluate `value` on the last window, the window before and each calendar week."""
    end = daily.index[-1]
    window = pd.Timedelta(days=window_days)
    recent = daily.loc[end - window + pd.Timedelta(days=1): end]
    previous = daily.loc[end - 2 * window + pd.Timedelta(days=1): end - window]
    index = pd.DatetimeIndex(daily.index)
    weeks = index - pd.to_timedelta(index.day_of_week, unit="D")
    weekly = pd.DataFrame([(week, value(rows)) for week, rows in daily.groupby(weeks)],
                          columns=["week", "value"])
    return Indicator(name, unit, value(recent), value(previous), weekly)


def _ratio(numerator: float, denominator: float) -> float:
    """Return numerator / denominator, or 0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


def _telemetry_indicators(telemetry: pd.DataFrame, window_days: int) -> list[Indicator]:
    """Return inference volume, average output length and request-weighted p95 queue time."""
    timed = telemetry["queue_seconds_p95"].notna()
    rows = telemetry.assign(
        timed_requests=telemetry["requests"].where(timed, 0.0),
        queue_request_seconds=(telemetry["queue_seconds_p95"] * telemetry["requests"])
        .where(timed, 0.0))
    columns = ["requests", "output_tokens", "timed_requests", "queue_request_seconds"]
    daily = _on_calendar(rows.groupby("day")[columns].sum(), telemetry["day"])
    return [
        _indicator("Inference volume", "requests/day", daily,
                   lambda d: _ratio(float(d["requests"].sum()), len(d)), window_days),
        _indicator("Average output length", "tokens/request", daily,
                   lambda d: _ratio(float(d["output_tokens"].sum()), float(d["requests"].sum())),
                   window_days),
        _indicator("GPU queue time (p95)", "seconds", daily,
                   lambda d: _ratio(float(d["queue_request_seconds"].sum()),
                                    float(d["timed_requests"].sum())), window_days),
    ]


def _billing_indicators(billing: pd.DataFrame, window_days: int) -> list[Indicator]:
    """Return training runs started per 30 days and experiments with spend."""
    named = billing[billing["experiment"] != NO_TAG["experiment"]]
    training = named[named["workload_class"] == "training"]
    run_starts = training.groupby("experiment")["day"].min()
    started = _on_calendar(run_starts.value_counts().rename("runs").to_frame(), billing["day"])
    experiments = named[named["workload_class"] == "experimentation"]
    spend = _on_calendar(experiments.groupby(["day", "experiment"])["effective_cost"].sum()
                         .unstack("experiment"), billing["day"])
    return [
        _indicator("Model refresh frequency", "training runs/30 days", started,
                   lambda d: _ratio(float(d["runs"].sum()) * 30, len(d)), window_days),
        _indicator("Experiments in flight", "experiments", spend,
                   lambda d: float((d.sum() > 0).sum()), window_days),
    ]


def leading_indicators(billing: pd.DataFrame, telemetry: pd.DataFrame,
                       window_days: int = 28) -> list[Indicator]:
    """Return the leading indicators, last `window_days` against the window before.

    Each source's windows end on its own last day; a window that starts before the data is
    averaged over the days it covers. Counts use every currency. Without telemetry, the
    telemetry indicators are left out rather than shown as 0.
    """
    if window_days < 1:
        raise BudgetInputError("leading indicators", f"window of {window_days} days",
                               field="window_days", fix="use a window of at least 1 day, e.g. 28")
    found: list[Indicator] = []
    if not telemetry.empty:
        found += _telemetry_indicators(telemetry, window_days)
    if not billing.empty:
        found += _billing_indicators(billing, window_days)
    return found
