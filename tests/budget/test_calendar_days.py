"""`[scenario] calendar = "days"`: run-rates accrue per day, so February costs less than January."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from budget.errors import BudgetInputError
from budget.forecast import cost_terms, forecast, horizon_total_usd, simulated_costs
from budget.months import calendar_factors, days_in_month
from budget.scenario import load_scenario, parse_scenario
from budget.scenario_toml import scenario_data
from budget.sensitivity import monte_carlo
from budget.unit_costs import input_values
from tests.budget.test_dated_changes import small_data
from tests.budget.test_forecast_lines import assert_as_straightforward
from tests.conftest import SMALL

AVERAGE = 365.25 / 12  # 30.4375 days
WEEKLY = 7 * 52 / 12  # 30.333 days: experimentation is written per week


def _small(calendar: str | None, start: str = "2027-11") -> dict:
    data = tomllib.loads(SMALL.read_text())
    data["scenario"]["start"] = start
    if calendar is not None:
        data["scenario"]["calendar"] = calendar
    return data


def test_days_in_month_and_factors():
    assert [days_in_month(m) for m in ("2027-01", "2027-02", "2028-02", "2027-04")] == [
        31, 28, 29, 30]
    assert calendar_factors(["2027-01", "2027-02"], AVERAGE) == [31 / AVERAGE, 28 / AVERAGE]


def test_january_against_february_by_hand():
    # small.toml from 2027-01: January 31 days, February 28, March 31. By average month the
    # platform line is 1,000 × 1.5^m and research 60 GPU-h/week × 52/12 × $3 = $780.
    result = forecast(parse_scenario(_small("days", "2027-01"), "days"))
    days = [31, 28, 31]
    platform = [1000 * 1.5 ** m * d / AVERAGE for m, d in enumerate(days)]
    research = [60 * d / 7 * 3.0 for d in days]  # GPU-hours per week × weeks in the month
    chat = [3000 * 1.1 ** m * d / AVERAGE for m, d in enumerate(days)]
    assert result.by_category["platform"].tolist() == pytest.approx(platform, rel=1e-12)
    assert result.by_category["experimentation"].tolist() == pytest.approx(research, rel=1e-12)
    assert result.by_category["realtime_inference"].tolist() == pytest.approx(chat, rel=1e-12)
    assert result.by_category["training"].tolist() == pytest.approx(
        [400 * d / AVERAGE for d in days], rel=1e-12)  # 1 run a quarter, $1,200 a run
    average = forecast(parse_scenario(_small(None, "2027-01"), "average"))
    # January costs more than an average month of the same run-rate, February less
    assert result.month_total_usd[0] > average.month_total_usd[0]
    assert result.month_total_usd[1] < average.month_total_usd[1]
    # volumes accrue per day too: January's chat requests are 1M × 31 / 30.4375
    chat_requests = result.lines[result.lines["workload"] == "chat"]["requests"].tolist()
    assert chat_requests[0] == pytest.approx(1e6 * 31 / AVERAGE, rel=1e-12)
    gpu_hours = result.lines[result.lines["workload"] == "research-experimentation"]
    assert gpu_hours["gpu_hours"].tolist()[1] == pytest.approx(60 * 28 / 7, rel=1e-12)
    # unit costs are per request: the calendar moves costs and requests together
    assert result.unit_costs.usd_per_1k_requests == pytest.approx(
        average.unit_costs.usd_per_1k_requests, rel=1e-3)  # only growth weighs months apart


def test_without_the_key_the_figures_stay_exactly_as_they_are():
    plain = forecast(load_scenario(SMALL))
    average = forecast(parse_scenario(_small("average"), "average"))
    assert np.array_equal(plain.month_total_usd, average.month_total_usd)  # bit for bit
    assert plain.total_cost_usd == pytest.approx(19_420.0)


@pytest.mark.parametrize("data", [_small("days"), small_data()], ids=["plain", "dated"])
def test_every_path_agrees_under_calendar_days(data):
    data["scenario"]["calendar"] = "days"
    scenario = parse_scenario(data, "days")
    result = assert_as_straightforward(scenario)  # the arrays equal cost_lines bit for bit
    assert horizon_total_usd(scenario) == result.total_cost_usd
    values = {k: np.full((2, 1), v) for k, v in input_values(scenario).items()}
    months = simulated_costs(scenario, values)
    assert sum(m[0] for m in months.values()) == pytest.approx(result.month_total_usd, rel=1e-12)
    horizon = simulated_costs(scenario, values, horizon=True)
    assert sum(h[0, 0] for h in horizon.values()) == pytest.approx(result.total_cost_usd,
                                                                   rel=1e-12)
    assert cost_terms(scenario)  # the terms themselves are per average month


def test_monte_carlo_is_on_the_calendar_too():
    days = parse_scenario(_small("days", "2027-02"), "days")  # February, March, April
    average = parse_scenario(_small(None, "2027-02"), "average")
    ratio = monte_carlo(days, draws=2_000).p50 / monte_carlo(average, draws=2_000).p50
    assert 0.95 < ratio < 1.0  # 28 + 31 + 30 = 89 days, under three average months' 91.3


def test_the_key_is_written_back_and_a_bad_value_is_named():
    scenario = parse_scenario(_small("days"), "days")
    assert scenario_data(scenario)["scenario"]["calendar"] == "days"
    assert "calendar" not in scenario_data(load_scenario(SMALL))["scenario"]
    with pytest.raises(BudgetInputError) as error:
        parse_scenario(_small("weeks"), "bad.toml")
    assert "calendar" in str(error.value) and "days" in str(error.value)


def test_the_volume_caption_counts_the_first_months_days():
    from budget.readouts import inference_volume_caption, total_requests_first_month

    days = parse_scenario(_small("days", "2027-02"), "days")  # February: 28 days
    result = forecast(days)
    shown = result.lines[result.lines["month_index"] == 0]["requests"].sum()
    assert total_requests_first_month(days) == pytest.approx(shown, rel=1e-12)
    assert total_requests_first_month(days) == pytest.approx(1.36e6 * 28 / AVERAGE, rel=1e-12)
    assert inference_volume_caption(days) == "≈ 1.3M requests/month in 2027-02"
