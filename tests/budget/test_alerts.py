"""Trend-break alerts: the planted incidents of the sample fire, and little else does."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from budget.alerts import (
    Alert,
    AlertSettings,
    _first_of_runs,
    _robust_z,
    all_alerts,
    planned_gpu_hours_per_run,
    training_overrun_alerts,
    unit_cost_alerts,
)
from budget.cli import main
from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.forecast import forecast
from budget.sample_data import INCIDENTS
from budget.scenario import load_scenario, parse_scenario
from tests.conftest import ROOT, SMALL

SAMPLE = ROOT / "data" / "exports"


@pytest.fixture(scope="module")
def alerts() -> list[Alert]:
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    return all_alerts(billing_rollup(exports), telemetry_rollup(exports))


def _matches(alert: Alert) -> str | None:
    """Return the planted incident an alert points at, or None (a false alarm)."""
    release = INCIDENTS["release_cost_per_request"]
    retry = INCIDENTS["retry_loop"]
    runaway = INCIDENTS["runaway_experiment"]
    overrun = INCIDENTS["training_overrun"]
    if alert.kind == "training_overrun" and alert.experiments == (overrun["run"],) and abs(
            (alert.start - overrun["start"]).days) <= 3:
        return "training_overrun"
    if alert.kind == "unit_cost" and alert.subject.startswith(release["endpoint"]) and abs(
            (alert.start - release["start"]).days) <= 7:
        return "release_cost_per_request"
    if alert.kind == "request_jump" and alert.subject == retry["endpoint"] and (
            retry["start"] <= alert.start <= retry["end"]):
        return "retry_loop"
    if alert.kind in ("runaway_experiment", "daily_spend") and (
            runaway["start"] <= alert.start <= runaway["end"]):
        return "runaway_experiment"
    return None


def test_planted_incidents_fire_and_little_else(alerts):
    found = {_matches(a) for a in alerts}
    recall = len(found - {None}) / len(INCIDENTS)
    precision = sum(_matches(a) is not None for a in alerts) / len(alerts)
    print(f"\nplanted-incident recall {recall:.0%}, precision {precision:.0%}, "
          f"{len(alerts)} alerts")
    assert recall == 1.0
    assert precision >= 0.75


def test_alerts_say_what_when_and_how_much(alerts):
    release = next(a for a in alerts if a.kind == "unit_cost")
    assert release.start == INCIDENTS["release_cost_per_request"]["start"]
    assert release.change == pytest.approx(0.19, abs=0.01)  # the planted +19% cost per request
    assert release.impact_usd > 200
    assert "support-chat-2026.08.2" in release.context
    runaway = next(a for a in alerts if a.kind == "runaway_experiment")
    assert runaway.subject == "research" and "exp-moe-sweep-42" in runaway.context
    retry = next(a for a in alerts if a.kind == "request_jump")
    assert retry.actual / retry.expected == pytest.approx(2.0, rel=0.05)


def test_robust_z_flags_a_spike():
    days = pd.date_range("2026-01-01", periods=40)
    values = pd.Series(100 + np.sin(np.arange(40)), index=days)
    values.iloc[35] = 200
    z = _robust_z(values)
    assert z.iloc[35] > 20
    assert z.iloc[20:35].abs().max() < 5


def test_one_alert_per_run_of_days():
    start = date(2026, 1, 1)
    runs = [Alert("k", (("team", "s"),), start + timedelta(days=d), 1, 2, 1, "USD")
            for d in (0, 1, 2, 10)]
    kept = _first_of_runs(runs)
    assert [a.start for a in kept] == [start, start + timedelta(days=10)]


def _endpoint_days(rise: float, requests_per_day: float, usd_per_request: float = 0.01,
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return 28 days of one endpoint whose cost per request rises by `rise` from day 14."""
    days = pd.date_range("2026-03-02", periods=28)
    per_request = [usd_per_request * (1 + rise if i >= 14 else 1) for i in range(28)]
    billing = pd.DataFrame({"day": days, "endpoint": "chat", "environment": "production",
                            "effective_cost": [p * requests_per_day for p in per_request]})
    telemetry = pd.DataFrame({"day": days, "endpoint": "chat", "environment": "production",
                              "requests": requests_per_day,
                              "deployment_id": ["chat-1" if i < 14 else "chat-2"
                                                for i in range(28)]})
    return billing, telemetry


@pytest.mark.parametrize(("rise", "requests_per_day", "fires"), [
    (0.18, 100_000, True),   # +18%: 7 × 100,000 × 0.01 × 0.18 = USD 1,260 a week ≥ 200
    (0.17, 100_000, False),  # +17% is under the threshold
    (0.30, 10_000, True),    # +30% on a small endpoint: 7 × 10,000 × 0.01 × 0.30 = USD 210…
    (0.30, 9_000, False),    # …but USD 189 a week is under the USD 200 floor
])
def test_unit_cost_threshold_and_floor(rise, requests_per_day, fires):
    billing, telemetry = _endpoint_days(rise, requests_per_day)
    found = unit_cost_alerts(billing, telemetry)
    assert bool(found) == fires
    if fires:
        (alert,) = found
        assert alert.start == date(2026, 3, 16)  # day 14: the first day at the new cost
        assert alert.expected == pytest.approx(10.0)  # USD 0.01 a request = USD 10 per 1K
        assert alert.actual == pytest.approx(10.0 * (1 + rise))
        assert alert.impact_usd == pytest.approx(7 * requests_per_day * 0.01 * rise)
        assert alert.to_json()["impact_pct"] == pytest.approx(rise * 100)
        assert alert.deployment_ids == ("chat-2",)
        assert alert.to_json()["scope"] == {"endpoint": "chat", "environment": "production"}


def test_unit_cost_settings_are_configurable():
    billing, telemetry = _endpoint_days(0.30, 10_000)
    assert len(unit_cost_alerts(billing, telemetry)) == 1  # USD 210 ≥ the default floor
    assert unit_cost_alerts(billing, telemetry, AlertSettings(unit_cost_floor_usd=250)) == []
    billing, telemetry = _endpoint_days(0.17, 100_000)
    assert len(unit_cost_alerts(billing, telemetry,
                                AlertSettings(unit_cost_threshold=0.15))) == 1


def _training(runs: dict[str, list[float]]) -> pd.DataFrame:
    """Return training rows: each run's GPU-hours per day at USD 2 per GPU-hour, runs back to
    back."""
    rows, day = [], pd.Timestamp("2026-01-01")
    for run, hours in runs.items():
        for h in hours:
            rows.append({"day": day, "workload_class": "training", "experiment": run,
                         "gpu_hours": h, "effective_cost": 2.0 * h})
            day += pd.Timedelta(days=1)
        day += pd.Timedelta(days=10)
    return pd.DataFrame(rows)


def test_training_run_past_its_forecast():
    billing = _training({"ft-run-0": [100] * 4, "ft-run-1": [110] * 4,
                         "ft-run-2": [100] * 7})  # 400 and 440 before: median 420
    (alert,) = training_overrun_alerts(billing)
    assert alert.scope == (("project", "ft"),) and alert.experiments == ("ft-run-2",)
    assert alert.expected == 420 and alert.actual == 700
    assert alert.impact_usd == pytest.approx((700 - 420) * 2.0)
    assert alert.start == date(2026, 1, 1) + timedelta(days=4 + 10 + 4 + 10 + 4)  # passed 420
    # a run 20% over the median is inside the 25% threshold; one 30% over is not
    assert training_overrun_alerts(_training({"ft-run-0": [100] * 4, "ft-run-1": [100] * 4,
                                              "ft-run-2": [120] * 4})) == []
    assert len(training_overrun_alerts(_training({"ft-run-0": [100] * 4,
                                                  "ft-run-1": [100] * 4,
                                                  "ft-run-2": [130] * 4}))) == 1


def test_training_forecast_from_the_plan():
    billing = _training({"ft-run-0": [100] * 4})  # no earlier runs: only a plan can judge it
    assert training_overrun_alerts(billing) == []
    (alert,) = training_overrun_alerts(billing, {"ft": 300.0})
    assert alert.expected == 300 and alert.actual == 400


def test_planned_gpu_hours_per_run_are_the_scenarios(small_data):
    assert planned_gpu_hours_per_run(None) == ()
    small = load_scenario(SMALL)
    assert planned_gpu_hours_per_run(small) == (("ft", 300.0),)  # small.toml's [[training]]
    # a spot run without interruption overhead is billed its 300 GPU-hours as written
    small_data["training"][0]["pricing"] = "spot"
    assert planned_gpu_hours_per_run(parse_scenario(small_data, "spot")) == (("ft", 300.0),)
    # 4 days × 100 GPU-hours = 400 against the plan's 300
    (alert,) = training_overrun_alerts(_training({"ft-run-0": [100] * 4}),
                                       dict(planned_gpu_hours_per_run(small)))
    assert alert.expected == 300 and alert.actual == 400


def test_a_spot_runs_plan_is_its_billed_gpu_hours(small_data):
    # the forecast bills a spot run 300 × (1 + 0.25) = 375 GPU-hours
    small_data["training"][0]["pricing"] = "spot"
    small_data["drivers"]["spot_overhead"] = 0.25
    spot = parse_scenario(small_data, "spot")
    assert planned_gpu_hours_per_run(spot) == (("ft", 375.0),)
    lines = forecast(spot).lines
    # the forecast's months hold 375 × 1 run a quarter / 3 = 125 GPU-hours
    assert lines.loc[lines["workload"] == "ft", "gpu_hours"].tolist() == pytest.approx([125.0] * 3)
    plan = dict(planned_gpu_hours_per_run(spot))
    # billed exactly as forecast: 375 is 25% over the written 300, but 0% over the plan
    assert training_overrun_alerts(_training({"ft-run-0": [125.0] * 3}), plan) == []
    # 500 GPU-hours: 500 / 375 − 1 = 33% past the plan, beyond the 25% threshold
    (alert,) = training_overrun_alerts(_training({"ft-run-0": [125.0] * 4}), plan)
    assert alert.expected == 375 and alert.actual == 500
    assert alert.impact_usd == pytest.approx((500 - 375) * 2.0)  # _training's USD 2 a GPU-hour


def test_alerts_cli_json_contract(capsys):
    assert main(["alerts", str(SAMPLE), "--since", "2026-08-05", "--format", "json"]) == 0
    alerts = json.loads(capsys.readouterr().out)
    assert [a["kind"] for a in alerts] == ["unit_cost", "request_jump", "daily_spend",
                                           "runaway_experiment"]
    release = alerts[0]
    assert set(release) == {"kind", "scope", "start", "expected", "actual", "impact_usd",
                            "impact_pct", "deployment_ids", "experiments"}
    assert release["scope"] == {"endpoint": "support-chat", "environment": "production"}
    assert release["start"] == "2026-08-12"
    assert release["deployment_ids"] == ["support-chat-2026.08.2"]
    assert release["impact_pct"] == pytest.approx(
        (release["actual"] / release["expected"] - 1) * 100, abs=0.01)
    assert alerts[3]["experiments"] == ["exp-moe-sweep-42"]


def test_alerts_cli_table_and_bad_input(capsys, tmp_path):
    assert main(["alerts", str(SAMPLE), "--since", "2026-10-01"]) == 0
    out = capsys.readouterr().out
    assert "runaway_experiment research" in out and "exp-moe-sweep-42" in out
    assert "support-chat" not in out  # began before --since
    assert main(["alerts", str(SAMPLE), "--since", "yesterday"]) == 2
    assert '--since: "yesterday" is not a date' in capsys.readouterr().err
    assert main(["alerts", str(tmp_path / "missing")]) == 2
    assert "file not found" in capsys.readouterr().err
    # a higher floor silences the USD 1,290 release alert
    assert main(["alerts", str(SAMPLE), "--since", "2026-08-05", "--floor-usd", "2000"]) == 0
    assert "support-chat (production)" not in capsys.readouterr().out
