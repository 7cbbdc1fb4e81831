"""Reforecast from actuals and leading indicators, checked against hand calculations."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from budget.dimensions import NO_TAG
from budget.errors import BudgetInputError
from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.reforecast import (
    MIN_HISTORY_DAYS,
    Indicator,
    PeriodForecast,
    Reforecast,
    _fit_and_simulate,
    _periods,
    leading_indicators,
    reforecast,
)
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "exports"
START = date(2026, 1, 12)  # a Monday; 8 weeks run to Sunday 2026-03-08


def _billing(cost_usd: np.ndarray | list[float], start: date = START,
             currency: str = "USD") -> pd.DataFrame:
    """Return a billing rollup with one row per day from `start`, costing `cost_usd`."""
    values = np.asarray(cost_usd, dtype=float)
    return pd.DataFrame({
        "day": pd.date_range(start, periods=len(values)),
        "currency": currency,
        "workload_class": "platform",
        "experiment": NO_TAG["experiment"],
        "effective_cost": values,
        "billed_cost": values * 1.1,
    })


def _level(days: int, noise_usd: float = 0.05, seed: int = 0) -> np.ndarray:
    """Return 100 USD a day with seeded normal noise of `noise_usd`."""
    return 100 + np.random.default_rng(seed).normal(0, noise_usd, days)


def _with_training(run_usd: np.ndarray, burst_usd: float = 1000.0, every: int = 30,
                   burst_days: int = 2) -> pd.DataFrame:
    """Return run-rate rows plus training rows of `burst_usd` on the last `burst_days` of
    every `every` days (days 28, 29, 58, 59, … from START)."""
    day = np.arange(len(run_usd))
    training = _billing(np.full(len(run_usd), burst_usd)).assign(workload_class="training")
    return pd.concat([_billing(run_usd), training[day % every >= every - burst_days]],
                     ignore_index=True)


def _period(result: Reforecast, prefix: str) -> PeriodForecast:
    """Return the period whose label starts with `prefix`."""
    return next(p for p in result.periods if p.label.startswith(prefix))


# --- refusal and input checks -------------------------------------------------------------


def test_refuses_under_fourteen_days_naming_both_counts():
    with pytest.raises(BudgetInputError) as caught:
        reforecast(_billing(_level(13)))
    message = str(caught.value)
    assert "only 13 days of history" in message
    assert f"at least {MIN_HISTORY_DAYS}" in message and "14" in message
    assert caught.value.file == "actuals" and caught.value.fix


def test_fourteen_days_is_enough_and_fits_without_season():
    result = reforecast(_billing(_level(14)))
    assert len(result.history) == 14
    assert result.model.startswith("ETS(A,Ad,N)")  # under four weeks: no weekly season


def test_four_weeks_fit_a_weekly_season():
    assert reforecast(_billing(_level(28))).model.startswith("ETS(A,Ad,A), weekly season")


@pytest.mark.parametrize(("options", "field"), [
    ({"interval": 0.0}, "interval"),
    ({"interval": 1.0}, "interval"),
    ({"interval": 1.5}, "interval"),
    ({"paths": 1}, "paths"),
    ({"monthly_budget_usd": -1.0}, "monthly_budget_usd"),
    ({"horizon_end": date(2026, 3, 8)}, "horizon_end"),  # the last actual day itself
    ({"measure": "gpu_hours"}, "measure"),
])
def test_bad_options_are_refused_by_field(options, field):
    with pytest.raises(BudgetInputError) as caught:
        reforecast(_billing(_level(56)), **options)
    assert caught.value.field == field and caught.value.fix


def test_no_usd_rows_is_refused_naming_the_currencies():
    with pytest.raises(BudgetInputError, match=r"no USD rows.*EUR"):
        reforecast(_billing(_level(56), currency="EUR"))


# --- history ------------------------------------------------------------------------------


def test_missing_days_count_as_zero():
    billing = _billing(_level(56))
    gaps = [date(2026, 2, 3), date(2026, 2, 4), date(2026, 2, 20)]
    billing = billing[~billing["day"].dt.date.isin(gaps)]
    history = reforecast(billing).history
    assert len(history) == 56  # 2026-01-12 … 2026-03-08, gaps included
    assert list(history.columns) == ["day", "cost_usd"]
    by_day = history.set_index(history["day"].dt.date)["cost_usd"]
    assert [by_day[d] for d in gaps] == [0.0, 0.0, 0.0]
    assert by_day.drop(gaps).gt(99).all()


def test_non_usd_rows_are_ignored():
    usd = _billing(_level(56))
    mixed = pd.concat([usd, _billing(np.full(56, 1e6), currency="EUR")], ignore_index=True)
    alone, with_eur = reforecast(usd), reforecast(mixed)
    pd.testing.assert_frame_equal(alone.history, with_eur.history)
    assert alone.periods == with_eur.periods


def test_measure_selects_the_cost_column():
    billed = reforecast(_billing(_level(56)), measure="billed_cost").history["cost_usd"]
    effective = reforecast(_billing(_level(56))).history["cost_usd"]
    np.testing.assert_allclose(billed, effective * 1.1)


# --- periods and budgets ------------------------------------------------------------------


@pytest.mark.parametrize(("last_day", "expected"), [
    (date(2026, 11, 27), [("month-end 2026-11", date(2026, 11, 1), date(2026, 11, 30)),
                          ("quarter-end 2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
                          ("horizon 2027-03", date(2026, 11, 1), date(2027, 3, 31))]),
    (date(2026, 12, 31), [("month-end 2026-12", date(2026, 12, 1), date(2026, 12, 31)),
                          ("quarter-end 2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
                          ("horizon 2027-03", date(2026, 12, 1), date(2027, 3, 31))]),
    (date(2028, 2, 3), [("month-end 2028-02", date(2028, 2, 1), date(2028, 2, 29)),
                        ("quarter-end 2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
                        ("horizon 2028-06", date(2028, 2, 1), date(2028, 6, 30))]),
])
def test_periods_are_calendar_month_quarter_and_next_quarter(last_day, expected):
    assert _periods(last_day, None) == expected


@pytest.mark.parametrize(("horizon_end", "label", "months"), [
    # months counted from the period's first month to its end month, both included;
    # the horizon starts on the first day of the last actual month (March 2026)
    (None, "horizon 2026-06", (1, 3, 4)),
    (date(2026, 12, 31), "horizon 2026-12", (1, 3, 10)),
    (date(2027, 3, 15), "horizon 2027-03-15", (1, 3, 13)),
    (date(2026, 3, 20), "horizon 2026-03-20", (1, 3, 1)),
])
def test_actuals_are_hand_sums_and_budgets_are_monthly_times_months(horizon_end, label, months):
    values = 100.0 + np.random.default_rng(3).integers(-5, 6, 56)  # whole dollars: exact sums
    result = reforecast(_billing(values), horizon_end=horizon_end, monthly_budget_usd=3000.0)
    march_so_far = float(values[-8:].sum())  # 2026-03-01 … 2026-03-08
    everything = float(values.sum())  # Q1 from 2026-01-01; data starts 2026-01-12
    assert [p.label for p in result.periods] == ["month-end 2026-03", "quarter-end 2026-Q1",
                                                 label]
    assert [p.actual_usd for p in result.periods] == [march_so_far, everything, march_so_far]
    assert [p.budget_usd for p in result.periods] == [3000.0 * m for m in months]
    assert result.periods[0].end == date(2026, 3, 31)


def test_budget_is_none_without_a_monthly_budget():
    assert all(p.budget_usd is None for p in reforecast(_billing(_level(56))).periods)


def test_a_period_ending_on_the_last_actual_day_is_all_actual():
    values = _level(31 + 28 + 31)  # 2026-01-01 … 2026-03-31
    month = _period(reforecast(_billing(values, start=date(2026, 1, 1))), "month-end")
    assert month.actual_usd == pytest.approx(values[-31:].sum(), rel=1e-12)
    assert month.low_usd == month.forecast_usd == month.high_usd == month.actual_usd


# --- the forecast itself ------------------------------------------------------------------


def test_level_series_forecasts_its_level_with_a_narrow_interval():
    noise_usd = 0.05
    values = _level(56, noise_usd)
    month = _period(reforecast(_billing(values)), "month-end 2026-03")
    remaining_days = 23  # 2026-03-09 … 2026-03-31
    expected = float(values[-8:].sum()) + 100 * remaining_days
    # a forecast off by one noise σ on every remaining day would miss by 1.15 USD
    assert month.forecast_usd == pytest.approx(expected, abs=noise_usd * remaining_days)
    assert month.low_usd <= expected <= month.high_usd
    assert month.low_usd <= month.forecast_usd <= month.high_usd
    # narrow: under 0.5% of the remaining 2,300 USD; even a random walk of the 5 ¢ noise
    # (α = 1) would spread the 23-day sum over ≈ 8 USD between P10 and P90
    assert month.high_usd - month.low_usd < 0.005 * 100 * remaining_days


def test_period_forecast_is_actual_plus_the_daily_point_forecasts():
    result = reforecast(_billing(_level(56, 2.0)), horizon_end=date(2026, 12, 31))
    daily = result.daily
    assert list(daily.columns) == ["day", "forecast_usd", "low_usd", "high_usd"]
    assert daily["day"].iloc[0] == pd.Timestamp("2026-03-09")
    assert daily["day"].iloc[-1] == pd.Timestamp("2026-12-31")
    assert daily["day"].diff().dropna().eq(pd.Timedelta(days=1)).all()
    for period in result.periods:
        ahead = daily[daily["day"].dt.date <= period.end]
        assert period.forecast_usd == pytest.approx(
            period.actual_usd + ahead["forecast_usd"].sum(), rel=1e-12)
        assert period.low_usd <= period.forecast_usd <= period.high_usd
    assert (daily["low_usd"] <= daily["high_usd"]).all()
    assert (daily[["forecast_usd", "low_usd"]] >= 0).all().all()


def test_weekly_pattern_reproduces_weekend_dips():
    week = np.array([100, 100, 100, 100, 100, 50, 50], dtype=float)  # Monday … Sunday
    values = np.tile(week, 8) + np.random.default_rng(1).normal(0, 0.5, 56)
    daily = reforecast(_billing(values)).daily.set_index("day")
    wednesday = daily.loc["2026-03-11", "forecast_usd"]
    saturday, sunday = daily.loc["2026-03-14", "forecast_usd"], daily.loc["2026-03-15",
                                                                          "forecast_usd"]
    assert saturday < 0.7 * wednesday and sunday < 0.7 * wednesday
    assert saturday == pytest.approx(50, abs=2) and wednesday == pytest.approx(100, abs=2)


def test_wider_interval_is_wider_and_the_seed_makes_it_repeatable():
    billing = _billing(_level(56, 2.0))
    p80 = _period(reforecast(billing, interval=0.8), "quarter-end")
    p95 = _period(reforecast(billing, interval=0.95), "quarter-end")
    assert p95.low_usd < p80.low_usd and p80.high_usd < p95.high_usd
    assert reforecast(billing).periods == reforecast(billing).periods
    assert reforecast(billing, seed=1).periods[1].low_usd != p80.low_usd


def test_simulated_spend_is_clipped_at_zero():
    values = np.r_[np.full(20, 40.0), np.full(20, 0.0)] + np.random.default_rng(2).normal(0, 5, 40)
    daily = reforecast(_billing(values)).daily
    assert (daily[["forecast_usd", "low_usd", "high_usd"]] >= 0).all().all()


# --- training bursts ---------------------------------------------------------------------

# The run rate is the 5-cent-noise level series of the level test, whose ETS forecast stays
# within about one noise σ (0.05 USD) of 100 a day; two σ leave room for the optimiser. The
# training part is exact arithmetic, so each forecast day must be 100 + training average within
# 0.10 USD; carrying even 0.01% of one 1,000 USD burst day forward would break it (fitting ETS
# to total spend put the 60-day case at about 1,100 USD a day).
PER_DAY_TOLERANCE_USD = 0.10


@pytest.mark.parametrize(("days", "window", "training_usd"), [
    # 2026-01-12 … 05-11, ending on a burst; bursts on days 28–29 fall before the 90-day window
    (120, 90, 6 * 1000.0),  # days 58, 59, 88, 89, 118, 119
    # shorter than 90 days: averaged over the whole history, still ending on a burst
    (60, 60, 4 * 1000.0),  # days 28, 29, 58, 59
    # ending mid-cycle, 15 days after the last burst
    (75, 75, 4 * 1000.0),
])
def test_training_is_added_at_its_trailing_average_not_carried_from_the_last_burst(
        days, window, training_usd):
    result = reforecast(_with_training(_level(days)))
    expected_per_day = 100 + training_usd / window
    assert result.training_usd_per_day == pytest.approx(training_usd / window, rel=1e-12)
    daily = result.daily
    assert daily["forecast_usd"].to_numpy() == pytest.approx(expected_per_day,
                                                             abs=PER_DAY_TOLERANCE_USD)
    assert daily["forecast_usd"].max() <= expected_per_day + PER_DAY_TOLERANCE_USD
    assert (daily["low_usd"] <= daily["forecast_usd"]).all()
    assert (daily["forecast_usd"] <= daily["high_usd"]).all()
    assert result.model == (f"ETS(A,Ad,A) on run-rate spend, weekly season, fitted on {days} "
                            f"days; training at its {window}-day average, "
                            f"USD {training_usd / window:,.0f}/day")


def test_history_and_actuals_stay_total_spend_with_training():
    values = _level(120)
    result = reforecast(_with_training(values))
    month = _period(result, "month-end 2026-05")
    # May 1 … 11 are days 109 … 119; days 118 and 119 (May 10 and 11) are bursts
    assert month.actual_usd == pytest.approx(float(values[-11:].sum()) + 2 * 1000, rel=1e-12)
    np.testing.assert_allclose(result.history["cost_usd"].to_numpy()[-3:],
                               values[-3:] + np.array([0, 1000, 1000]), rtol=1e-12)


def test_training_shifts_every_period_by_its_actuals_and_average_without_widening_it():
    values = _level(120)  # the run rate, identical with and without training rows
    alone = reforecast(_billing(values), horizon_end=date(2026, 12, 31))
    both = reforecast(_with_training(values), horizon_end=date(2026, 12, 31))
    per_day = 6000 / 90
    columns = ["forecast_usd", "low_usd", "high_usd"]
    np.testing.assert_allclose(both.daily[columns], alone.daily[columns] + per_day, rtol=1e-12)
    # bursts in each period: 05-10/11 in May; 04-10/11 and 05-10/11 in Q2; 05-10/11 from May
    training_actual_usd = {"month-end": 2000.0, "quarter-end": 4000.0, "horizon": 2000.0}
    for without, with_training in zip(alone.periods, both.periods, strict=True):
        actual_usd = training_actual_usd[without.label.split()[0]]
        remaining = (without.end - date(2026, 5, 11)).days  # 20, 50 and 234 days
        assert with_training.actual_usd - without.actual_usd == pytest.approx(actual_usd)
        for field in ("forecast_usd", "low_usd", "high_usd"):
            moved = getattr(with_training, field) - getattr(without, field)
            assert moved == pytest.approx(actual_usd + remaining * per_day, rel=1e-9)


def test_training_counts_the_measure_and_usd_only():
    billing = _with_training(_level(60))
    eur = billing[billing["workload_class"] == "training"].assign(currency="EUR",
                                                                  effective_cost=1e6)
    assert reforecast(pd.concat([billing, eur])).training_usd_per_day == pytest.approx(
        4000 / 60, rel=1e-12)
    assert reforecast(billing, measure="billed_cost").training_usd_per_day == pytest.approx(
        1.1 * 4000 / 60, rel=1e-12)


def test_the_fourteen_day_minimum_counts_training_days():
    run = _billing(_level(14)).iloc[4:]  # run rate on 10 days, training alone on the first 4
    training = _billing(np.full(4, 50.0)).assign(workload_class="training")
    result = reforecast(pd.concat([training, run], ignore_index=True))
    assert len(result.history) == 14 and result.training_usd_per_day == pytest.approx(200 / 14)
    with pytest.raises(BudgetInputError, match="only 13 days of history"):
        reforecast(pd.concat([training, run.iloc[:-1]], ignore_index=True))


def test_without_training_rows_the_forecast_is_ets_of_total_spend():
    result = reforecast(_billing(_level(56, 2.0)))
    assert result.training_usd_per_day == 0.0 and "training" not in result.model
    point, _, model = _fit_and_simulate(result.history["cost_usd"].to_numpy(),
                                        len(result.daily), 1000, 0)
    assert result.model == model
    np.testing.assert_array_equal(result.daily["forecast_usd"], np.clip(point, 0.0, None))


# --- the real sample ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    return billing_rollup(exports), telemetry_rollup(exports)


def test_sample_reforecast_sums_november_and_orders_periods(sample):
    billing, _ = sample
    result = reforecast(billing, monthly_budget_usd=170_000)
    usd = billing[billing["currency"] == "USD"]
    november = usd[usd["day"] >= pd.Timestamp("2026-11-01")]["effective_cost"].sum()
    month, quarter, horizon = result.periods
    assert (month.label, quarter.label, horizon.label) == (
        "month-end 2026-11", "quarter-end 2026-Q4", "horizon 2027-03")
    assert month.actual_usd == pytest.approx(november, rel=1e-12)
    assert [p.budget_usd for p in result.periods] == [170_000, 510_000, 850_000]
    for period in result.periods:
        assert period.actual_usd < period.low_usd <= period.forecast_usd <= period.high_usd
    assert month.forecast_usd < quarter.forecast_usd < horizon.forecast_usd


def test_sample_training_is_its_90_day_average_on_top_of_the_run_rate(sample):
    billing, _ = sample
    result = reforecast(billing)
    usd = billing[billing["currency"] == "USD"]
    # 2026-08-30 … 11-27 is 90 days: 2 in August, 30, 31 and 27
    recent = usd[(usd["workload_class"] == "training") & (usd["day"] >= "2026-08-30")]
    per_day = float(recent["effective_cost"].sum()) / 90
    assert result.training_usd_per_day == pytest.approx(per_day, rel=1e-12)
    assert result.model.startswith("ETS(A,Ad,A) on run-rate spend, weekly season")
    assert result.model.endswith(f"; training at its 90-day average, USD {per_day:,.0f}/day")
    # the chart's history is total spend, the Nov 26–27 burst included
    assert result.history["cost_usd"].sum() == pytest.approx(usd["effective_cost"].sum())


# --- leading indicators -------------------------------------------------------------------

LAST = pd.Timestamp("2026-03-01")  # windows of 28 days: 2026-02-02 … 03-01, 01-05 … 02-01
DROPPED = pd.Timestamp("2026-02-10")  # a recent day with no telemetry rows at all


def _telemetry() -> pd.DataFrame:
    """Return 8 weeks of telemetry: two endpoints whose mix changes between the windows."""
    rows = []
    for day in pd.date_range("2026-01-05", LAST):
        recent = day > LAST - pd.Timedelta(days=28)
        if day == DROPPED:
            continue
        a_requests = 300.0 if recent else 100.0
        rows.append((day, "a", a_requests, 100.0 * a_requests, 0.2))
        rows.append((day, "b", 100.0, 300.0 * 100, np.nan if recent else 0.6))
    frame = pd.DataFrame(rows, columns=["day", "endpoint", "requests", "output_tokens",
                                        "queue_seconds_p95"])
    return frame.assign(model="m", team="t", environment="prod", deployment_id="d",
                        input_tokens=0.0, gpu_hours=0.0, errors=0)


def _indicator_billing() -> pd.DataFrame:
    """Return daily platform spend, three training runs and three experiments."""
    def rows(days: str | list[str], workload: str, experiment: str, cost: float) -> list:
        days = [days] if isinstance(days, str) else days
        return [(pd.Timestamp(d), workload, experiment, cost) for d in days]

    table = rows([str(d.date()) for d in pd.date_range("2026-01-05", LAST)], "platform",
                 NO_TAG["experiment"], 10.0)
    table += rows(["2026-01-30", "2026-01-31", "2026-02-02", "2026-02-03"], "training",
                  "run-c", 50.0)  # starts in the previous window, runs into the recent one
    table += rows(["2026-02-03", "2026-02-04"], "training", "run-a", 50.0)
    table += rows(["2026-02-20", "2026-02-21"], "training", "run-b", 50.0)
    table += rows("2026-02-25", "training", NO_TAG["experiment"], 50.0)  # not a run
    table += rows(["2026-01-10", "2026-02-15"], "experimentation", "exp-x", 5.0)
    table += rows("2026-02-16", "experimentation", "exp-y", 5.0)
    table += rows("2026-02-17", "experimentation", "exp-z", 0.0)  # rows but no spend
    table += rows("2026-02-18", "experimentation", NO_TAG["experiment"], 5.0)
    frame = pd.DataFrame(table, columns=["day", "workload_class", "experiment",
                                         "effective_cost"])
    return frame.assign(currency="USD", billed_cost=frame["effective_cost"])


@pytest.fixture(scope="module")
def indicators() -> dict[str, Indicator]:
    return {i.name: i for i in leading_indicators(_indicator_billing(), _telemetry())}


@pytest.mark.parametrize(("name", "unit", "recent", "previous"), [
    # 400 requests on 27 of the 28 recent days (one day has no rows); 200 a day before
    ("Inference volume", "requests/day", 400 * 27 / 28, 200.0),
    # (300×100 + 100×300) / 400 recent; (100×100 + 100×300) / 200 before
    ("Average output length", "tokens/request", 60_000 / 400, 40_000 / 200),
    # recent: b's NaN queue times are ignored, so only a's 0.2 s; before (0.2×100 + 0.6×100)/200
    ("GPU queue time (p95)", "seconds", 0.2, 0.4),
    # run-a and run-b start in the recent window, run-c in the one before
    ("Model refresh frequency", "training runs/30 days", 2 * 30 / 28, 1 * 30 / 28),
    # exp-x and exp-y spend recently (exp-z's rows cost 0); only exp-x before
    ("Experiments in flight", "experiments", 2.0, 1.0),
])
def test_indicators_equal_hand_calculations(indicators, name, unit, recent, previous):
    indicator = indicators[name]
    assert indicator.unit == unit
    assert indicator.recent == pytest.approx(recent, rel=1e-12)
    assert indicator.previous == pytest.approx(previous, rel=1e-12)
    assert indicator.change == pytest.approx(recent / previous - 1, rel=1e-12)


def test_indicators_come_in_a_fixed_order(indicators):
    assert list(indicators) == ["Inference volume", "Average output length",
                                "GPU queue time (p95)", "Model refresh frequency",
                                "Experiments in flight"]


@pytest.mark.parametrize(("name", "week", "value"), [
    ("Inference volume", "2026-01-05", 200.0),
    ("Inference volume", "2026-02-09", 400 * 6 / 7),  # the week with the empty day
    ("Inference volume", "2026-02-23", 400.0),
    ("Model refresh frequency", "2026-02-02", 1 * 30 / 7),  # run-a
    ("Model refresh frequency", "2026-01-26", 1 * 30 / 7),  # run-c
    ("Model refresh frequency", "2026-02-09", 0.0),
    ("Experiments in flight", "2026-02-16", 1.0),  # exp-y; exp-z spent nothing
])
def test_weekly_trace_uses_monday_weeks_and_the_same_definition(indicators, name, week, value):
    weekly = indicators[name].weekly
    assert list(weekly.columns) == ["week", "value"]
    assert len(weekly) == 8 and (weekly["week"].dt.day_of_week == 0).all()
    by_week = weekly.set_index("week")["value"]
    assert by_week[pd.Timestamp(week)] == pytest.approx(value, rel=1e-12)


def test_without_telemetry_only_billing_indicators_remain():
    empty = _telemetry().iloc[0:0]
    names = [i.name for i in leading_indicators(_indicator_billing(), empty)]
    assert names == ["Model refresh frequency", "Experiments in flight"]


def test_change_is_none_when_there_is_nothing_to_compare_with():
    weekly = pd.DataFrame({"week": pd.to_datetime([]), "value": []})
    assert Indicator("x", "u", 3.0, 0.0, weekly).change is None
    assert Indicator("x", "u", 3.0, 2.0, weekly).change == pytest.approx(0.5)


@pytest.mark.parametrize(("unit", "recent", "previous", "value", "change"), [
    ("requests/day", 12_345.6, 10_000.0, "12,346", "+23.5%"),  # 12,345.6 / 10,000 − 1
    ("tokens/request", 100.0, 125.0, "100", "-20.0%"),  # from 100: whole
    ("tokens/request", 99.994, 99.994, "99.99", "+0.0%"),  # under 100: two decimals
    ("seconds", 0.2, 0.4, "0.20", "-50.0%"),
    ("experiments", 2.0, 1.0, "2", "+100.0%"),  # a count: whole even under 100
    ("training runs/30 days", 2 * 30 / 28, 0.0, "2.14", None),  # nothing before: no change
])
def test_indicator_texts(unit, recent, previous, value, change):
    weekly = pd.DataFrame({"week": pd.to_datetime([]), "value": []})
    indicator = Indicator("x", unit, recent, previous, weekly)
    assert indicator.recent_text == value
    assert indicator.change_text == change


def test_window_must_be_a_positive_number_of_days():
    with pytest.raises(BudgetInputError) as caught:
        leading_indicators(_indicator_billing(), _telemetry(), window_days=0)
    assert caught.value.field == "window_days"


def test_sample_refresh_frequency_counts_runs_started_in_the_window(sample):
    billing, telemetry = sample
    found = {i.name: i for i in leading_indicators(billing, telemetry)}
    # window 2026-10-31 … 11-27: search-reranker runs 25 (11-11) and 26 (11-26) start in it;
    # 10-03 … 10-30: reranker 23 (10-12), 24 (10-27) and support-chat fine-tune 8 (10-27)
    assert found["Model refresh frequency"].recent == pytest.approx(2 * 30 / 28)
    assert found["Model refresh frequency"].previous == pytest.approx(3 * 30 / 28)
    assert len(found) == 5
