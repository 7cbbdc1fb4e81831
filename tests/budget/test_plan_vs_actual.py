"""Plan against actuals: volume effect + unit-cost effect = variance, by hand."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from budget.forecast import forecast
from budget.plan_vs_actual import commentary, plan_vs_actual, variance_split
from budget.scenario import parse_scenario
from tests.budget.test_backtest import USD_PER_REQUEST, synthetic
from tests.conftest import SMALL


def test_the_split_by_hand():
    rows = pd.DataFrame({
        "plan_usd": [200.0, 100.0, 0.0, 80.0], "actual_usd": [300.0, 130.0, 50.0, 0.0],
        "plan_quantity": [100.0, 0.0, 0.0, 10.0], "actual_quantity": [120.0, 0.0, 5.0, 0.0]})
    split = variance_split(rows)
    # 20 more requests at the plan's $2 = $40; $0.50 more each on 120 = $60
    assert split["volume_effect_usd"].tolist() == pytest.approx([40.0, 0.0, 50.0, -80.0])
    assert split["unit_cost_effect_usd"].tolist() == pytest.approx([60.0, 30.0, 0.0, 0.0])
    assert (split["volume_effect_usd"] + split["unit_cost_effect_usd"]).tolist() == \
        pytest.approx(split["variance_usd"].tolist())
    assert split["variance_usd"].tolist() == [100.0, 30.0, 50.0, -80.0]


@pytest.fixture(scope="module")
def compared() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = tomllib.loads(SMALL.read_text())
    data["scenario"]["start"] = "2026-02"  # over the synthetic year's February to April
    billing, telemetry = synthetic()
    result = forecast(parse_scenario(data, "small from 2026-02"))
    return plan_vs_actual(result, billing, telemetry), billing


def test_plan_against_a_known_history(compared):
    rows, billing = compared
    assert sorted(rows["month"].unique()) == ["2026-02", "2026-03", "2026-04"]
    feb = rows[rows["month"] == "2026-02"].set_index("category")
    # the plan: chat 1M requests at $0.003 = $3,000 in its first month
    chat = feb.loc["realtime_inference"]
    actual = billing[(billing["endpoint"] == "chat") & (billing["day"].dt.month == 2)]
    requests = float(actual["effective_cost"].sum()) / USD_PER_REQUEST
    assert chat["plan_usd"] == pytest.approx(3_000.0)
    assert chat["actual_quantity"] == pytest.approx(requests)
    assert chat["volume_effect_usd"] == pytest.approx((requests - 1e6) * 0.003)
    assert chat["unit_cost_effect_usd"] == pytest.approx((0.002 - 0.003) * requests)
    # batch-sum was planned ($400) and never ran: all volume
    assert feb.loc["batch_inference", "volume_effect_usd"] == pytest.approx(-400.0)
    # platform: obs $1,000 planned, storage $100 a day billed: a rate difference
    assert feb.loc["platform", "actual_usd"] == pytest.approx(2_800.0)
    assert feb.loc["platform", "unit_cost_effect_usd"] == pytest.approx(1_800.0)
    for _, row in rows.iterrows():
        assert row["volume_effect_usd"] + row["unit_cost_effect_usd"] == pytest.approx(
            row["actual_usd"] - row["plan_usd"])


def test_the_commentary_names_the_largest_variances(compared):
    rows, _ = compared
    lines = commentary(rows)
    assert len(lines) == 3
    largest = rows.loc[rows["variance_usd"].abs().idxmax()]
    assert lines[0].startswith(f"{largest['month']}, Real-time inference: -$")
    assert largest["category"] == "realtime_inference"  # chat: 1M planned, ~30K billed a month


def test_by_team_sums_to_the_same_variance_total(compared):
    rows, billing = compared
    data = tomllib.loads(SMALL.read_text())
    data["scenario"]["start"] = "2026-02"
    result = forecast(parse_scenario(data, "small from 2026-02"))
    _, telemetry = synthetic()
    by_team = plan_vs_actual(result, billing, telemetry, by="team")
    assert by_team["variance_usd"].sum() == pytest.approx(rows["variance_usd"].sum())
    # the split is not additive across grains: obs (no team) was planned, storage (support)
    # was billed, so by team one is "did not run" and the other "unplanned", both volume
    assert (by_team["volume_effect_usd"] + by_team["unit_cost_effect_usd"]).sum() == \
        pytest.approx(by_team["variance_usd"].sum())


def test_a_plan_without_months_in_common_gives_no_rows():
    billing, telemetry = synthetic()
    rows = plan_vs_actual(forecast(parse_scenario(tomllib.loads(SMALL.read_text()), "2027")),
                          billing, telemetry)  # small.toml runs 2027-11 to 2028-01
    assert rows.empty and "variance_usd" in rows.columns
