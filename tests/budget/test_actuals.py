"""Actuals: filters, spend by dimension (parts sum to the total), trend and unit costs by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from budget.actuals import (
    ActualsFilter,
    actuals_kpis,
    daily_trend,
    endpoint_unit_costs,
    recent_unit_costs,
    spend_by,
)
from budget.dimensions import NO_TAG, UNALLOCATED

RT = "realtime_inference"


@pytest.fixture
def rollup() -> pd.DataFrame:
    rows = [
        # day, currency, team, endpoint, environment, workload_class, effective, billed, allocated
        ("2026-01-01", "USD", "support", "chat", "production", RT, 30.0, 30.0, True),
        ("2026-01-01", "USD", "search", "search", "production", "batch_inference", 10.0, 0.0, True),
        ("2026-01-01", "USD", UNALLOCATED, NO_TAG["endpoint"], NO_TAG["environment"],
         NO_TAG["workload_class"], 5.0, 5.0, False),
        ("2026-01-02", "USD", "support", "chat", "production", RT, 40.0, 40.0, True),
        ("2026-01-02", "USD", "research", NO_TAG["endpoint"], "dev", "experimentation", 20.0,
         20.0, True),
        ("2026-01-02", "EUR", "support", "chat", "production", RT, 99.0, 99.0, True),
    ]
    frame = pd.DataFrame(rows, columns=["day", "currency", "team", "endpoint", "environment",
                                        "workload_class", "effective_cost", "billed_cost",
                                        "allocated"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


@pytest.fixture
def telemetry() -> pd.DataFrame:
    frame = pd.DataFrame({
        "day": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-02"]),
        "endpoint": ["chat", "search", "chat"], "environment": ["production"] * 3,
        "requests": [10_000.0, 40_000.0, 20_000.0], "input_tokens": [1e6, 2e6, 2e6],
        "output_tokens": [5e5, 1e5, 1e6]})
    return frame


def test_filter_keeps_one_currency_and_range(rollup):
    rows = ActualsFilter("USD", date(2026, 1, 1), date(2026, 1, 1)).apply(rollup)
    assert rows["effective_cost"].sum() == 45.0
    rows = ActualsFilter("USD", date(2026, 1, 1), date(2026, 1, 2),
                         (("team", ("support",)), ("environment", ()))).apply(rollup)
    assert rows["effective_cost"].sum() == 70.0


def test_spend_by_keeps_unallocated_and_folds_the_tail(rollup):
    usd = rollup[rollup["currency"] == "USD"]
    table = spend_by(usd, "team")
    assert table["team"].tolist() == ["support", "research", "search", UNALLOCATED]
    assert table["cost"].sum() == 105.0
    assert table["share"].sum() == pytest.approx(1.0)
    folded = spend_by(usd, "team", top=2)
    assert folded["team"].tolist() == ["support", "research", "other (2)"]
    assert folded["cost"].tolist() == [70.0, 20.0, 15.0]
    assert spend_by(usd, "team", "billed_cost")["cost"].sum() == 95.0


def test_daily_trend_unit_cost(rollup, telemetry):
    usd = rollup[rollup["currency"] == "USD"]
    trend = daily_trend(usd, telemetry).set_index("day")
    # day 1: inference 30 + 10 = 40 over 50,000 requests → 0.8 per 1K; day 2: 40 / 20,000 → 2.0
    assert trend["cost"].tolist() == [45.0, 60.0]
    assert trend["inference_cost"].tolist() == [40.0, 40.0]
    assert trend["usd_per_1k_requests"].tolist() == pytest.approx([0.8, 2.0])


def test_endpoint_unit_costs_join(rollup, telemetry):
    usd = rollup[rollup["currency"] == "USD"]
    units = endpoint_unit_costs(usd, telemetry).set_index(["day", "endpoint"])
    chat_day1 = units.loc[(pd.Timestamp("2026-01-01"), "chat")]
    assert chat_day1["usd_per_1k_requests"] == pytest.approx(30 / 10_000 * 1000)
    assert chat_day1["usd_per_1m_tokens"] == pytest.approx(30 / 1.5e6 * 1e6)
    summary = recent_unit_costs(units.reset_index(), last_days=7).set_index("endpoint")
    # chat over both days: 70 over 30,000 requests
    assert summary.loc["chat", "usd_per_1k_requests"] == pytest.approx(70 / 30_000 * 1000)


def test_kpis_by_hand(rollup):
    usd = rollup[rollup["currency"] == "USD"]
    telemetry = pd.DataFrame({"day": pd.to_datetime(["2026-01-01", "2026-01-02"]),
                              "requests": [1000.0, 3000.0]})
    kpis = actuals_kpis(usd, daily_trend(usd, telemetry), "effective_cost")
    # 30 + 10 + 5 + 40 + 20 = 105; day 1 = 45, day 2 = 60 → 52.5 a day
    assert kpis.total == 105.0 and kpis.run_rate_7d == 52.5
    # unallocated is the row without a team tag only (research has a team, no endpoint tag)
    assert kpis.unallocated == 5.0 and kpis.unallocated_share == pytest.approx(5 / 105)
    # inference: chat 30 + 40, search 10 (batch) = 80 over 4,000 requests → 20 per 1K
    assert kpis.inference_per_1k_requests == pytest.approx(20.0)
    empty = actuals_kpis(usd.iloc[0:0], daily_trend(usd.iloc[0:0], telemetry.iloc[0:0]),
                         "effective_cost")
    assert empty.unallocated_share is None and empty.inference_per_1k_requests is None
