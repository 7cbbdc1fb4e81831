"""Procurement strategies by pool, and each against all on demand (by hand)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from budget.procurement import (
    ON_DEMAND,
    Strategy,
    idle_reserved_usd,
    pool_demands,
    saving_vs_on_demand_usd,
    strategies,
    strategy_cost,
    strategy_named,
)
from budget.scenario import load_scenario
from tests.budget.test_properties import scenarios
from tests.conftest import SMALL


@pytest.fixture
def small():
    return load_scenario(SMALL)


OPTIONS = [
    Strategy(ON_DEMAND, 10_000.0, {}, 0.0, 0.0, 10_400.0),
    Strategy("recommended", 7_250.0, {"aws/H100": 2}, 0.5, 300.0, 7_900.0),
    Strategy("all_reserved", 10_900.0, {"aws/H100": 4}, 0.0, 2_100.0, 10_950.0),
]


def test_strategy_named():
    assert strategy_named(OPTIONS, "recommended") is OPTIONS[1]
    with pytest.raises(KeyError):
        strategy_named(OPTIONS, "all_spot")


@pytest.mark.parametrize(("index", "saving"), [(0, 0.0), (1, 2_750.0), (2, -900.0)])
def test_saving_vs_on_demand(index, saving):
    assert saving_vs_on_demand_usd(OPTIONS, OPTIONS[index]) == saving


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


def test_pool_demand_splits_checkpointable_work_and_prices_every_mode(small):
    expected, simulated = pool_demands(small.with_drivers(gpu_price=1.5, spot_overhead=0.2),
                                       draws=10)
    (pool,) = expected
    # steady: batch-sum's 200 GPU-hours a month (inference; no spot overhead in demand);
    # checkpointable (training, experimentation): ft 300 / 3 = 100 + research 60 × 52/12 = 260
    assert pool.steady[0].tolist() == pytest.approx([200.0] * 3)
    assert pool.checkpointable[0].tolist() == pytest.approx([360.0] * 3)
    # aws/H100's $4, $2 spot and $3 reserved × gpu_price 1.5 in each of the 3 months, the same
    # on the simulated pool
    for demand in (pool, simulated[0]):
        assert demand.on_demand.tolist() == pytest.approx([6.0] * 3)
        assert demand.spot is not None and demand.spot.tolist() == pytest.approx([3.0] * 3)
        assert demand.reserved is not None and demand.reserved.tolist() == pytest.approx(
            [4.5] * 3)


def test_a_pool_without_a_reserved_price_reserves_nothing(small_data):
    from budget.scenario import parse_scenario

    del small_data["gpu_prices"][0]["reserved"]
    small_data["experimentation"][0]["pricing"] = "on_demand"  # research ran reserved
    (pool,), _ = pool_demands(parse_scenario(small_data, "x"), draws=10)
    assert pool.on_demand.tolist() == [4.0] * 3 and pool.reserved is None
    assert pool.spot is not None and pool.spot.tolist() == [2.0] * 3
    # nothing reserved: all 560 GPU-hours a month on demand at $4, for 3 months
    assert strategy_cost(pool, 5, 0.0, 0.1)[0] == pytest.approx(560 * 3 * 4.0)


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_recommended_never_costs_more_than_all_on_demand(scenario):
    costs = {s.name: s.cost for s in strategies(scenario, draws=200)}
    assert costs["recommended"] <= costs["all_on_demand"] + 1e-6 * max(1.0, costs[
        "all_on_demand"])
