"""Capacity bands, procurement strategies and break-even by hand on small.toml.

small.toml has one pool, aws/H100 (on demand $4, spot $2, reserved $3): batch-sum serves
200 GPU-h a month (batch inference, steady), ft trains 100 and research experiments 260
(checkpointable). Months: 2027-11 has 720 hours, 2027-12 and 2028-01 744.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from budget.breakeven import break_even
from budget.capacity import (
    capacity_plan,
    erlang_c,
    headroom,
    idle_reserved_usd,
    pool_demands,
    queue_curve,
    strategies,
    strategy_cost,
)
from budget.cli import capacity_json
from budget.months import HOURS_PER_AVERAGE_MONTH
from budget.scenario import load_scenario, parse_scenario
from tests.budget.test_properties import scenarios
from tests.conftest import SMALL


@pytest.fixture
def small():
    return load_scenario(SMALL)


def test_bands_by_hand(small):
    plan = capacity_plan(small)
    assert plan.baseline["aws/H100"].tolist() == pytest.approx([560 / 720, 560 / 744, 560 / 744])
    # batch 1.0 × 200 + training 3.0 × 100 + experimentation 1.5 × 260 = 890 GPU-h
    assert plan.peak_month("expected_peak") == {"aws/H100": pytest.approx(890 / 720)}
    assert plan.peak_month("stress_peak") == {"aws/H100": pytest.approx(890 / 720)}
    rows = headroom(plan).set_index("band")
    assert rows.loc["expected_peak", "gpus_to_provision"] == 2
    assert rows.loc["expected_peak", "headroom"] == pytest.approx(1 - 560 / 890)


def test_stress_surge_multiplies_realtime_peaks(small_data):
    small_data["inference"][1]["kind"] = "realtime"  # batch-sum becomes latency-bound: 1.8×
    small_data["capacity"] = {"stress_surge": 3.0}
    plan = capacity_plan(parse_scenario(small_data, "x"))
    assert plan.peak_month("expected_peak")["aws/H100"] == pytest.approx(
        (1.8 * 200 + 300 + 390) / 720)
    assert plan.peak_month("stress_peak")["aws/H100"] == pytest.approx(
        (3 * 1.8 * 200 + 300 + 390) / 720)


def test_strategies_by_hand(small):
    costs = {s.name: s for s in strategies(small)}
    assert costs["all_on_demand"].cost == pytest.approx(560 * 3 * 4.0)  # 6,720
    # nothing steady enough to reserve (200 / 744 < 1 GPU); checkpointable on spot, +10%
    assert costs["baseline_reserved_spot_burst"].cost == pytest.approx(
        200 * 3 * 4.0 + 360 * 3 * 1.1 * 2.0)  # 4,776
    assert costs["recommended"].cost == pytest.approx(4_776)
    assert costs["recommended"].reserved_gpus == {"aws/H100": 0}
    # your mix at its defaults: half the checkpointable work on spot
    assert costs["your_mix"].cost == pytest.approx(
        (200 * 4.0 + 180 * 4.0 + 180 * 1.1 * 2.0) * 3)


def test_reserved_gpu_serves_steady_then_checkpointable(small):
    expected, _ = pool_demands(small, draws=10)
    pool = expected[0]
    # one reserved GPU: 720 + 744 + 744 hours at $3 covers all 560 h a month; 528 h idle
    assert strategy_cost(pool, 1, 1.0, 0.1)[0] == pytest.approx(2_208 * 3.0)
    assert idle_reserved_usd(pool, 1)[0] == pytest.approx((160 + 184 + 184) * 3.0)


def test_erlang_c_known_values():
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    curve = queue_curve(1, (0.5, 0.9)).set_index("utilization")
    # M/M/1 mean wait over service time = ρ / (1 − ρ)
    assert curve["mean_wait_in_service_times"].tolist() == pytest.approx([1.0, 9.0])


def test_break_even_where_the_curves_cross(small_data):
    small_data["inference"][1].update(api_price_per_1m_input=1.0, api_price_per_1m_output=2.0)
    (point,) = break_even(parse_scenario(small_data, "x"))
    # API: (2000 × $1 + 1000 × $2) / 1M = $0.004 a request; one spot GPU all month $2 × 730.5 h
    assert point.api_usd_per_request == pytest.approx(0.004)
    assert point.self_host_usd_per_request == pytest.approx(2.0 / 1800)
    assert point.requests_per_month == pytest.approx(2.0 * HOURS_PER_AVERAGE_MONTH / 0.004)
    at = point.costs(np.array([point.requests_per_month * 0.5, point.requests_per_month,
                               point.requests_per_month * 2]))
    assert at["api_usd"].iloc[1] == pytest.approx(at["self_host_usd"].iloc[1])
    assert at["api_usd"].iloc[0] < at["self_host_usd"].iloc[0]
    assert at["api_usd"].iloc[2] > at["self_host_usd"].iloc[2]


def test_capacity_json_contract(small):
    data = capacity_json(small)
    assert list(data) == ["bands", "strategies", "break_even"]
    assert list(data["bands"]) == ["baseline", "expected_peak", "stress_peak"]
    assert data["strategies"][0] == {"name": "all_on_demand", "cost": pytest.approx(6_720)}
    recommended = next(s for s in data["strategies"] if s["name"] == "recommended")
    assert set(recommended) == {"name", "cost", "reserved_gpus"}
    assert recommended["reserved_gpus"] == {"aws/H100": 0}
    assert data["break_even"] == []


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_recommended_never_costs_more_than_all_on_demand(scenario):
    costs = {s.name: s.cost for s in strategies(scenario, draws=200)}
    assert costs["recommended"] <= costs["all_on_demand"] + 1e-6 * max(1.0, costs[
        "all_on_demand"])
