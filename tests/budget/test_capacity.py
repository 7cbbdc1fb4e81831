"""Capacity bands, procurement strategies and break-even by hand on small.toml.

small.toml has one pool, aws/H100 (on demand $4, spot $2, reserved $3): batch-sum serves
200 GPU-h a month (batch inference, steady), ft trains 100 and research experiments 260
(checkpointable). Months: 2027-11 has 720 hours, 2027-12 and 2028-01 744.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from budget.breakeven import break_even
from budget.capacity import (
    CapacityPlan,
    capacity_plan,
    erlang_c,
    headroom,
    queue_curve,
    queue_gpus,
    total_peak_gpus,
)
from budget.cli_json import capacity_json
from budget.months import HOURS_PER_AVERAGE_MONTH
from budget.scenario import load_scenario, parse_scenario
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


# GPU pool figures read off a capacity plan (by hand)
@pytest.fixture
def plan_by_hand() -> CapacityPlan:
    months = ("2027-01", "2027-02", "2027-03")
    frame = pd.DataFrame({"aws/H100": [2.0, 3.2, 1.0], "gcp/A100": [0.4, 0.2, 0.3]},
                         index=list(months))
    return CapacityPlan(months, frame * 0.5, frame, frame * 2)


def test_total_peak_sums_each_pools_busiest_month(plan_by_hand):
    assert total_peak_gpus(plan_by_hand) == pytest.approx(3.6)  # 3.2 (February) + 0.4 (January)
    assert total_peak_gpus(plan_by_hand, "stress_peak") == pytest.approx(7.2)
    assert total_peak_gpus(plan_by_hand, "baseline") == pytest.approx(1.8)


def test_queue_gpus_round_up_and_never_below_one(plan_by_hand):
    assert queue_gpus(plan_by_hand, "aws/H100") == 4  # ceil(3.2)
    assert queue_gpus(plan_by_hand, "gcp/A100") == 1  # ceil(0.4) = 1
    assert queue_gpus(plan_by_hand, "gcp/A100", "stress_peak") == 1  # ceil(0.8)
    assert queue_gpus(plan_by_hand, "aws/H100", "stress_peak") == 7  # ceil(6.4)
