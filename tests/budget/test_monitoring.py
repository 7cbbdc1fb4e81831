"""Trend-break alerts: the planted incidents of the sample fire, and little else does."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.monitoring import Alert, _first_of_runs, _robust_z, all_alerts
from budget.sample_data import INCIDENTS
from tests.conftest import ROOT

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
    runs = [Alert("k", "s", start + timedelta(days=d), 1, 2, 1, "") for d in (0, 1, 2, 10)]
    kept = _first_of_runs(runs)
    assert [a.start for a in kept] == [start, start + timedelta(days=10)]
