"""Procurement strategies against all on demand (by hand)."""

from __future__ import annotations

import pytest

from budget.capacity import Strategy
from budget.procurement import ON_DEMAND, saving_vs_on_demand_usd, strategy_named

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
