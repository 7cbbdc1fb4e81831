"""Burn rate and variance against hand-computed numbers on small.toml (see test_forecast.py).

small.toml's plan for 2027-11 (30 days): chat 3,000 (support, production), batch-sum 400 (docs,
production by default), ft 400 (support, training: production), research 780 (dev), obs 1,000
(platform team, production) = 5,580.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from budget.burn import burn_rate, month_to_date, variance_by
from budget.dimensions import NO_TAG
from budget.errors import BudgetInputError
from budget.scenario import load_scenario
from tests.conftest import SMALL


def _actuals(first: str = "2027-11-01", days: int = 10, skip: str = "2027-11-04",
             ) -> pd.DataFrame:
    """Return USD 100 a day of support spend in production, one day missing, one EUR row."""
    rows = [{"day": day, "currency": "USD", "effective_cost": 100.0, "model": "model-a",
             "endpoint": "chat", "team": "support", "environment": "production"}
            for day in pd.date_range(first, periods=days) if str(day.date()) != skip]
    rows.append({**rows[0], "currency": "EUR", "effective_cost": 1e6})
    return pd.DataFrame(rows)


@pytest.fixture
def plan():
    return dataclasses.replace(load_scenario(SMALL), budget_monthly=6000.0)


def test_month_to_date_run_rate_and_projection(plan):
    burn = burn_rate(_actuals(), plan)
    assert (burn.month, burn.days_elapsed, burn.days_in_month) == ("2027-11", 10, 30)
    assert burn.mtd_usd == pytest.approx(900.0)  # ten days less the missing one, EUR ignored
    assert burn.run_rate_usd_per_day == pytest.approx(600 / 7)  # 11-04 (0) to 11-10
    assert burn.projected_month_end_usd == pytest.approx(900 + 600 / 7 * 20)
    assert burn.plan_month == "2027-11" and burn.plan_in_horizon
    assert burn.plan_month_usd == pytest.approx(5580.0)
    assert burn.plan_mtd_usd == pytest.approx(5580 / 3)
    assert burn.budget_mtd_usd == pytest.approx(2000.0)
    missing = burn.daily[burn.daily["day"] == "2027-11-04"]
    assert missing["cost_usd"].tolist() == [0.0]
    assert burn.daily["plan_usd_per_day"].iloc[0] == pytest.approx(5580 / 30)


def test_cumulative_month_with_projection(plan):
    table = month_to_date(burn_rate(_actuals(), plan))
    actual = table[table["kind"] == "actual"]
    assert actual["cumulative_usd"].iloc[-1] == pytest.approx(900.0)
    projected = table[table["kind"] == "projected"]
    assert projected["day"].iloc[-1] == pd.Timestamp("2027-11-30")
    assert projected["cumulative_usd"].iloc[-1] == pytest.approx(900 + 600 / 7 * 20)
    assert table["budget_cumulative_usd"].iloc[-1] == pytest.approx(6000.0)


def test_without_a_plan():
    burn = burn_rate(_actuals())
    assert burn.plan_month is None and burn.plan_mtd_usd is None and burn.budget_mtd_usd is None


def test_plan_outside_the_horizon_uses_the_nearest_month(plan):
    burn = burn_rate(_actuals(first="2026-03-01", skip=""), plan)
    assert burn.plan_month == "2027-11" and not burn.plan_in_horizon
    assert burn.plan_mtd_usd == pytest.approx(5580 * 10 / 31)  # March has 31 days


@pytest.mark.parametrize(("dimension", "expected"), [
    # plan × 10/30 days: support = (3,000 + 400)/3, platform 1,000/3, docs 400/3, research 780/3
    ("team", {"support": (900, 3400 / 3), "platform": (0, 1000 / 3), "docs": (0, 400 / 3),
              "research": (0, 780 / 3)}),
    # training and platform lines count as production, experimentation as dev
    ("environment", {"production": (900, 4800 / 3), "dev": (0, 780 / 3)}),
    # only inference lines carry an endpoint
    ("endpoint", {"chat": (900, 1000), "batch-sum": (0, 400 / 3),
                  NO_TAG["endpoint"]: (0, (400 + 780 + 1000) / 3)}),
])
def test_variance_by_dimension_largest_first(plan, dimension, expected):
    table = variance_by(_actuals(), burn_rate(_actuals(), plan), plan, dimension)
    got = {row[dimension]: (row["actual_usd"], row["plan_usd"]) for _, row in table.iterrows()}
    assert set(got) == set(expected)
    for name, pair in expected.items():
        assert got[name] == pytest.approx(pair), name
    assert (table["variance_usd"] == table["actual_usd"] - table["plan_usd"]).all()
    assert table["variance_usd"].abs().is_monotonic_decreasing


def test_refusals(plan):
    with pytest.raises(BudgetInputError, match="cannot be compared"):
        variance_by(_actuals(), burn_rate(_actuals(), plan), plan, "provider")
    euros = _actuals()
    euros["currency"] = "EUR"
    with pytest.raises(BudgetInputError, match="no USD rows"):
        burn_rate(euros, plan)


def test_plan_per_day_spreads_the_month(plan):
    burn = burn_rate(_actuals(), plan)
    assert burn.plan_usd_per_day == pytest.approx(186.0)  # 5,580 / 30 days of November
    assert burn_rate(_actuals()).plan_usd_per_day is None
