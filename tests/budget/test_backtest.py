"""Backtests: a known history is forecast back to itself; the naive baseline by hand."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from budget.backtest import backtest, backtest_json, month_actuals
from budget.cli import main
from budget.errors import BudgetInputError
from budget.exports import billing_rollup, open_exports, telemetry_rollup
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "exports"
GROWTH = 0.03  # a month, compounded per day
USD_PER_REQUEST = 0.002
STORAGE_USD_PER_DAY = 100.0


def synthetic(growth: float = GROWTH) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a year of rollups: one API endpoint growing at `growth`, and flat storage."""
    days = pd.date_range("2026-01-01", "2026-12-31", freq="D")
    requests = 1000.0 * (1 + growth) ** (np.arange(len(days)) / (365.25 / 12))
    text = {"provider": "AWS", "currency": "USD", "team": "support", "environment": "production",
            "procurement": "on_demand", "charge_category": "usage", "gpu": "",
            "commitment_status": "none", "deployment_id": "(no deployment id tag)",
            "experiment": "(no experiment tag)"}
    chat = pd.DataFrame({"day": days, **text, "model": "model-a", "endpoint": "chat",
                         "workload_class": "realtime_inference",
                         "service_category": "AI and Machine Learning",
                         "effective_cost": requests * USD_PER_REQUEST})
    storage = pd.DataFrame({"day": days, **text, "model": "(no model tag)",
                            "endpoint": "(no endpoint tag)", "workload_class": "platform",
                            "service_category": "Storage", "effective_cost": STORAGE_USD_PER_DAY})
    billing = pd.concat([chat, storage], ignore_index=True)
    billing = billing.assign(billed_cost=billing["effective_cost"], gpu_hours=0.0,
                             allocated=True, rows=1)
    telemetry = pd.DataFrame({"day": days, "model": "model-a", "endpoint": "chat",
                              "team": "support", "environment": "production",
                              "deployment_id": "chat-1", "requests": requests,
                              "input_tokens": requests * 800, "output_tokens": requests * 200,
                              "gpu_hours": 0.0})
    return billing, telemetry


def test_a_known_growth_is_forecast_back_to_itself():
    billing, telemetry = synthetic()
    result = backtest(billing, telemetry, (1, 2, 3), "calibrate")
    one, _, three = result.horizons
    assert (one.origins, three.origins) == (9, 7)  # origins 2026-03 … 2026-11, 3 months of history
    assert one.mape < 1e-4 and three.mape < 1e-4  # the plan recovers 3%/month and the days
    assert result.by_category["platform"]["1"] < 1e-9  # $100 a day, by the calendar: exact
    # the naive forecast misses by the growth of one month (and the months' lengths)
    assert 0.02 < one.naive_mape < 0.12


def test_the_reforecast_recovers_it_too():
    billing, telemetry = synthetic()
    result = backtest(billing, telemetry, (1,), "reforecast")
    assert result.horizons[0].mape < 1e-3
    assert result.by_category == {}  # the reforecast is of total spend


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    return billing_rollup(exports), telemetry_rollup(exports)


def test_naive_mape_equals_an_independent_calculation_from_the_parquet(sample):
    totals = dict(duckdb.sql(
        "SELECT strftime(ChargePeriodStart, '%Y-%m') AS month, sum(EffectiveCost) "
        "FROM read_parquet(?, union_by_name = true) WHERE BillingCurrency = 'USD' "
        "GROUP BY ALL ORDER BY 1",
        params=[str(SAMPLE / "billing" / "**" / "*.parquet")]).fetchall())
    months = sorted(totals)[:-1]  # 2026-11 ends on the 27th: not a full month
    assert months[0] == "2025-11" and months[-1] == "2026-10"
    result = backtest(*sample, (1, 3), "calibrate")
    for score in result.horizons:
        h = score.months_ahead
        pairs = [(float(totals[months[i]]), float(totals[months[i + h]]))
                 for i in range(2, len(months) - h)]
        assert score.origins == len(pairs)
        assert score.naive_mape == pytest.approx(np.mean([abs(n - a) / a for n, a in pairs]),
                                                 rel=1e-9)
    actual = month_actuals(sample[0])
    assert actual.sum(axis=1).tolist() == pytest.approx([float(totals[m]) for m in months],
                                                        rel=1e-12)


def test_the_cli_prints_the_contract(capsys):
    assert main(["backtest", str(SAMPLE), "--horizons", "1,2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "calibrate"
    assert [h["months_ahead"] for h in out["horizons"]] == [1, 2]
    assert set(out["horizons"][0]) == {"months_ahead", "origins", "mape", "bias", "naive_mape",
                                       "interval_coverage"}
    assert set(out["by_category"]) <= {"training", "batch_inference", "realtime_inference",
                                       "experimentation", "platform"}
    assert set(out["by_category"]["platform"]) == {"1", "2"}


def test_the_cli_refuses_a_bad_horizon_and_too_short_a_history(capsys, tmp_path):
    with pytest.raises(SystemExit) as stop:
        main(["backtest", str(SAMPLE), "--horizons", "0,1"])
    assert stop.value.code == 2 and "--horizons" in capsys.readouterr().err
    billing, telemetry = synthetic()
    short = billing[billing["day"] < "2026-03-01"]
    with pytest.raises(BudgetInputError, match="needs 3 of history"):
        backtest(short, telemetry, (1,))


def test_backtest_json_is_the_scores():
    billing, telemetry = synthetic()
    result = backtest(billing, telemetry, (2,), "calibrate")
    data = backtest_json(result)
    assert data["horizons"][0]["mape"] == result.horizons[0].mape
    assert data["horizons"][0]["origins"] == 8


def test_the_track_record_sentence_by_hand():
    from budget.backtest import Backtest, HorizonScore, track_record

    scored = Backtest("reforecast", (), (HorizonScore(1, 9, 0.0262, -0.0155, 0.0694, 2 / 9),), {})
    assert track_record(scored) == (
        "Track record: over the last 9 months, 1-month forecasts by reforecasts of these actuals "
        "were off by 2.6% on average (low by 1.6%; the last month carried forward was off by "
        "6.9%); 2 of 9 actual months fell inside the P10–P90 range.")
    assert track_record(scored, 3).startswith("No track record yet")


def test_with_track_record_says_why_there_is_none():
    from budget.actuals import ActualsSummary
    from budget.backtest import with_track_record

    billing, telemetry = synthetic()
    short = billing[billing["day"] < "2026-03-01"]
    summary = with_track_record(ActualsSummary("2026-02", 1.0, 1.0),
                                lambda: backtest(short, telemetry, (1,)))
    assert summary.track_record is not None
    assert summary.track_record.startswith("No track record: backtest: 2 full months")


def test_the_report_states_the_track_record_and_flags_the_gap(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "summary.pdf"
    plan = ROOT / "data" / "scenarios" / "fy27-plan.toml"
    assert main(["report", str(plan), "--out", str(out), "--actuals", str(SAMPLE)]) == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Track record: over the last 9 months, 1-month forecasts by plans calibrated from " \
           "these actuals were off by 2.8% on average" in text
    # October 2026 actuals $183,327 against the plan's January 2027 $146,542: −20%, flagged
    assert "the plan's first month, 2027-01, is $146,542 (-20%)." in text
    assert "Flag: that gap is beyond ±10%." in text
