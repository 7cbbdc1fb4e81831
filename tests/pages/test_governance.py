"""Governance page (AppTest): guardrail warnings, checklist gaps, an incident from an alert."""

from __future__ import annotations

import shutil

from tests.conftest import ROOT
from tests.pages.apptest import open_page

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


def test_guardrails_and_checklist():
    at = open_page("governance")
    warnings = " ".join(w.value for w in at.warning)
    assert "**staging**: warning" in warnings
    assert "**production**: approval needed" in warnings
    assert "**(no environment tag)**: no guardrail" in warnings
    assert "1 of 3 projects complete" in " ".join(c.value for c in at.caption)
    at.number_input(key="gov_gate_increase").set_value(7000.0).run()
    assert "Needs approval" in " ".join(w.value for w in at.warning)  # 7,000 > 5% of 135,000


def test_incident_from_an_alert_is_saved(tmp_path, monkeypatch):
    shutil.copy(PLAN, tmp_path / "fy27-plan.toml")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("governance")
    at.selectbox(key="gov_alert").set_value(1).run()  # oldest first: the unit-cost release
    assert at.text_input(key="gov_inc_title").value == "unit cost — support-chat (production)"
    at.text_area(key="gov_inc_corrective_action").set_value("cap answer length")
    at.button(key="FormSubmitter:gov_incident-Save incident record").click().run()
    assert not at.exception and not at.error
    saved = list((tmp_path / "incidents").glob("*.toml"))
    assert [p.name for p in saved] == ["2026-08-12-unit-cost-support-chat-production.toml"]
    text = saved[0].read_text(encoding="utf-8")
    assert 'corrective_action = "cap answer length"' in text
    assert "detection_gap_days = 107" in text  # detected on the exports' last day, 2026-11-27
    assert (tmp_path / "fy27-plan.toml").read_bytes() == PLAN.read_bytes()  # plan untouched


def test_saving_the_same_incident_twice_writes_one_record(tmp_path, monkeypatch):
    shutil.copy(PLAN, tmp_path / "fy27-plan.toml")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("governance")
    at.selectbox(key="gov_alert").set_value(1).run()
    at.button(key="FormSubmitter:gov_incident-Save incident record").click().run()
    at.button(key="FormSubmitter:gov_incident-Save incident record").click().run()
    assert not at.exception and not at.error
    assert len(list((tmp_path / "incidents").glob("*.toml"))) == 1
    assert "Already saved as incidents/" in at.info[0].value
