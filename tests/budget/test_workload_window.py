"""Workloads with `starts` / `ends` (#17 §1) against hand-computed numbers.

small.toml over 4 months (2027-11 … 2028-02), drivers at 1.0, with:
  chat (api) starts 2027-12, growth 10% from its own first month:
      0, 3,000, 3,300, 3,630                  → $9,930  (1e6 req × $3 / 1K; 1e6, 1.1e6, 1.21e6 req)
  batch-sum (self-hosted, spot) every month:  400 × 4   → $1,600 (200 GPU-h a month)
  ft (training) starts 2028-01: 0, 0, 400, 400           → $800   (100 GPU-h in months 3 and 4)
  research (experimentation) every month:    780 × 4   → $3,120 (260 GPU-h a month)
  obs (platform, growth 50%) ends 2027-12:   1,000, 1,500, 0, 0 → $2,500
  months: 2,180 + 5,680 + 4,880 + 5,210 = $17,950
  aws/H100 GPU-hours: 200 + 260 = 460, 460, then + 100 = 560, 560
  inference per 1K requests: (9,930 + 1,600) / (3.31e6 + 4 × 360,000) × 1,000
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.breakeven import break_even
from budget.bridge import changes
from budget.capacity import capacity_plan
from budget.forecast import active_profile, forecast, horizon_total_usd, simulate_terms
from budget.months import hours_in_month
from budget.readouts import (
    blended_api_usd_per_1m_tokens,
    mean_output_tokens,
    total_requests_first_month,
)
from budget.scenario import parse_scenario
from budget.scenario_model import WORKLOAD_TABLES, Scenario
from budget.scenario_toml import scenario_data, scenario_toml
from budget.sensitivity import common_uniforms, monte_carlo, tornado, values_from_uniforms
from budget.unit_costs import input_values
from tests.budget.test_forecast import assert_terms_are_the_workloads_sums
from tests.budget.test_properties import assert_tornado_ends_are_rerun_forecasts, scenarios
from tests.conftest import SMALL

MONTHS = ["2027-11", "2027-12", "2028-01", "2028-02"]
BY_WORKLOAD = {
    "chat": [0.0, 3000.0, 3300.0, 3630.0],
    "batch-sum": [400.0] * 4,
    "ft": [0.0, 0.0, 400.0, 400.0],
    "research-experimentation": [780.0] * 4,
    "obs": [1000.0, 1500.0, 0.0, 0.0],
}
TOTALS = [2180.0, 5680.0, 4880.0, 5210.0]


def small_data() -> dict[str, Any]:
    """Return small.toml's data, over four months, with the windows of the docstring."""
    data = tomllib.loads(SMALL.read_text())
    data["scenario"]["months"] = 4
    rows = {row["name"]: row for table in ("inference", "training", "platform")
            for row in data[table]}
    rows["chat"].update(starts="2027-12", self_host_cloud="aws", self_host_gpu="H100",
                        self_host_output_tokens_per_gpu_second=1000)
    rows["ft"]["starts"] = "2028-01"
    rows["obs"]["ends"] = "2027-12"
    return data


@pytest.fixture
def windowed() -> Scenario:
    return parse_scenario(small_data(), "windowed")


def test_every_month_by_hand(windowed):
    result = forecast(windowed)
    assert list(result.months) == MONTHS
    assert list(result.by_workload.columns) == list(BY_WORKLOAD)
    for name, months in BY_WORKLOAD.items():
        assert result.by_workload[name].tolist() == pytest.approx(months, abs=1e-9), name
    assert result.total_usd.tolist() == pytest.approx(TOTALS, abs=1e-9)
    assert result.total_cost_usd == pytest.approx(17_950, abs=1e-9)
    assert result.total_cost_usd == pytest.approx(sum(TOTALS), abs=1e-9)
    assert horizon_total_usd(windowed) == result.total_cost_usd
    chat = result.lines[result.lines["workload"] == "chat"]
    assert chat["requests"].tolist() == pytest.approx([0.0, 1e6, 1.1e6, 1.21e6])


def test_unit_costs_stay_ratios_of_totals(windowed):
    costs = forecast(windowed).unit_costs
    requests = 3.31e6 + 4 * 360_000
    assert costs.usd_per_1k_requests == pytest.approx((9_930 + 1_600) / requests * 1_000)


def test_gpu_hours_are_zero_outside_the_window(windowed):
    result = forecast(windowed)
    assert result.gpu_hours_by_pool()["aws/H100"].tolist() == pytest.approx([460, 460, 560, 560])
    ft = result.lines[result.lines["workload"] == "ft"]
    assert ft["gpu_hours"].tolist() == pytest.approx([0, 0, 100, 100])
    values = {k: np.array([[v]]) for k, v in input_values(windowed).items()}
    hours = simulate_terms(windowed, values, gpu_hours=True)
    assert hours["training", "aws/H100"][0].tolist() == pytest.approx([0, 0, 100, 100])
    assert simulate_terms(windowed, values, gpu_hours=True, horizon=True)[
        "training", "aws/H100"][0].tolist() == pytest.approx([200])
    plan = capacity_plan(windowed)  # GPUs = GPU-hours / the month's hours
    assert plan.baseline["aws/H100"].tolist() == pytest.approx(
        [h / hours_in_month(m) for h, m in zip([460, 460, 560, 560], MONTHS, strict=True)])


def test_simulated_costs_are_the_windowed_lines(windowed):
    values = {k: np.array([[v]]) for k, v in input_values(windowed).items()}
    by_category = forecast(windowed).by_category
    for (category, _), usd in simulate_terms(windowed, values).items():
        assert usd[0].tolist() == pytest.approx(by_category[category].tolist(), abs=1e-9)
    platform = simulate_terms(windowed, values, horizon=True)["platform", ""]
    assert platform[0].tolist() == pytest.approx([2_500])


def test_monte_carlo_draws_are_rerun_forecasts(windowed):
    draws = 20
    mc = monte_carlo(windowed, draws=draws, seed=7)
    values = values_from_uniforms(windowed, common_uniforms(draws, 7))
    for i in range(draws):
        drawn = windowed.with_drivers(**{k: float(v[i, 0]) for k, v in values.items()})
        assert math.isclose(mc.totals_usd[i], forecast(drawn).total_cost_usd, rel_tol=1e-9)


def test_tornado_ends_are_rerun_forecasts(windowed):
    base, bars = tornado(windowed)
    assert base == pytest.approx(17_950, abs=1e-9)
    for bar in bars:
        assert bar.low_total == forecast(windowed.with_drivers(**{bar.input: bar.low_value})
                                         ).total_cost_usd
        assert bar.high_total == forecast(windowed.with_drivers(**{bar.input: bar.high_value})
                                          ).total_cost_usd


def test_break_even_plans_the_first_active_month(windowed):
    [chat] = [b for b in break_even(windowed) if b.workload == "chat"]
    assert chat.planned_requests_per_month == 1e6  # 2027-12, not 2027-11's 0
    # the first-month captions count only workloads running in 2027-11: batch-sum's 360,000
    # requests of 1,000 output tokens; chat, the only API workload, has not started
    assert total_requests_first_month(windowed) == 360_000
    assert mean_output_tokens(windowed) == 1_000
    assert blended_api_usd_per_1m_tokens(windowed) is None


def test_without_the_keys_nothing_changes():
    plain = tomllib.loads(SMALL.read_text())
    data = tomllib.loads(SMALL.read_text())
    for table in WORKLOAD_TABLES:
        for row in data[table]:
            row.update(starts="2027-11", ends="2028-01")  # the whole horizon, written out
    assert forecast(parse_scenario(data, "s")).lines.equals(
        forecast(parse_scenario(plain, "s")).lines)


def test_round_trip_and_bridge(windowed):
    written = scenario_data(windowed)
    assert written["inference"][0]["starts"] == "2027-12"
    assert written["training"][0]["starts"] == "2028-01"
    assert written["platform"][0]["ends"] == "2027-12"
    assert "starts" not in written["inference"][1]
    again = parse_scenario(tomllib.loads(scenario_toml(windowed)), "windowed")
    assert dataclasses.replace(again, source="x") == dataclasses.replace(windowed, source="x")
    later = small_data()
    later["training"][0]["starts"] = "2028-02"
    found = changes(windowed, parse_scenario(later, "later"))
    assert [(c.table, c.row, c.field, c.old, c.new) for c in found] == [
        ("training", "ft", "starts", "2028-01", "2028-02")]


def test_a_one_month_window(windowed):
    data = small_data()
    data["platform"][0].update(starts="2028-01", ends="2028-01")
    obs = forecast(parse_scenario(data, "one"))  # 1,000 × 1.5^0 in its only month
    assert obs.by_workload["obs"].tolist() == [0.0, 0.0, 1000.0, 0.0]


WINDOWED = settings(max_examples=40, deadline=None)


@WINDOWED
@given(scenarios(windows=True))
def test_windowed_totals_are_the_sum_of_their_parts(scenario):
    result = forecast(scenario)
    total = result.total_cost_usd
    assert math.isclose(result.total_usd.sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    assert total == horizon_total_usd(scenario)
    for table in WORKLOAD_TABLES:
        for row in getattr(scenario, table):
            first, last = scenario.active_months(row.starts, row.ends)
            line = result.by_workload[row.name].to_numpy()
            assert not line[:first].any() and not line[last + 1:].any(), row.name


@WINDOWED
@given(scenarios(windows=True), st.booleans())
def test_windowed_terms_are_the_workloads_sums(scenario, gpu_hours):
    assert_terms_are_the_workloads_sums(scenario, gpu_hours)


@settings(max_examples=15, deadline=None)
@given(scenarios(windows=True))
def test_windowed_tornado_ends_are_rerun_forecasts(scenario):
    assert_tornado_ends_are_rerun_forecasts(scenario)


def test_active_profile_by_hand():
    assert active_profile(1.1, 4, (1, 3)).tolist() == pytest.approx([0, 1, 1.1, 1.21])
    assert active_profile(1.5, 3, (0, 2)).tolist() == [1.0, 1.5, 2.25]  # monthly_growth's own
    per_draw = active_profile(np.array([[1.0], [2.0]]), 4, (2, 3))
    assert per_draw.tolist() == [[0, 0, 1, 1], [0, 0, 1, 2]]
    assert active_profile(np.array([[2.0]]), 3, (2, 1)).tolist() == [[0, 0, 0]]  # no month
