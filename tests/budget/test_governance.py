"""Guardrails, checklists and incident records against hand-made months."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest

from budget.alerts import Alert
from budget.burn import burn_rate
from budget.dimensions import NO_TAG
from budget.errors import BudgetInputError
from budget.governance import (
    _status,
    checklist,
    guardrail_status,
    incident_from_alert,
    load_incidents,
    needs_approval,
    save_incident,
    workloads_without_checklist,
)
from budget.scenario import load_scenario
from budget.scenario_model import Guardrail, Project
from tests.conftest import SMALL

QUOTA = Guardrail("dev", 1000.0, "hard_quota")
SOFT = Guardrail("staging", 1000.0, "soft_alert", alert_at=0.8)
GATE = Guardrail("production", 1000.0, "approval_gate", approval_threshold=0.1)


@pytest.mark.parametrize(("guard", "spent", "projected", "planned", "status"), [
    (QUOTA, 1000, 1000, 0, "over quota"),        # at 100% the quota binds
    (QUOTA, 600, 1000, 0, "at risk"),            # the run rate reaches it by month-end
    (QUOTA, 600, 999, 0, "ok"),
    (SOFT, 1000, 1000, 0, "over budget"),
    (SOFT, 800, 900, 0, "warning"),              # 80% spent
    (SOFT, 500, 1000, 0, "warning"),             # projected at the budget
    (SOFT, 799, 999, 0, "ok"),
    (GATE, 500, 1000, 0, "over budget"),
    (GATE, 500, 800, 901, "approval needed"),    # the plan adds 101 > 10% of 1,000
    (GATE, 500, 800, 900, "ok"),                 # exactly 10% passes without approval
    (None, 500, 800, 0, "no guardrail"),
])
def test_status_of_each_control(guard, spent, projected, planned, status):
    assert _status(guard, spent, projected, planned)[0] == status


def test_needs_approval_only_behind_a_gate():
    assert needs_approval(100.01, GATE) and not needs_approval(100.0, GATE)
    assert not needs_approval(5000.0, QUOTA)


def test_guardrail_status_from_actuals():
    plan = dataclasses.replace(load_scenario(SMALL), guardrails=(
        Guardrail("dev", 300.0, "hard_quota"), Guardrail("production", 5000.0, "approval_gate",
                                                        approval_threshold=0.1)))
    days = pd.date_range("2027-11-01", periods=10)  # 10 of November's 30 days
    rows = [{"day": d, "currency": "USD", "effective_cost": cost, "environment": env}
            for d in days for env, cost in (("dev", 20.0), ("production", 100.0),
                                            (NO_TAG["environment"], 5.0))]
    billing = pd.DataFrame(rows)
    table = guardrail_status(billing, burn_rate(billing, plan), plan).set_index("environment")
    assert list(table.index) == ["dev", "production", NO_TAG["environment"]]
    # dev: 200 spent, 20/day × 20 days left → 600 projected ≥ 300: at risk
    assert table.loc["dev", "mtd_usd"] == pytest.approx(200.0)
    assert table.loc["dev", "projected_usd"] == pytest.approx(600.0)
    assert table.loc["dev", "status"] == "at risk"
    # production: 3,000 projected; the plan's 2027-11 production lines are 4,800 (see
    # test_burn.py): +1,800 > 10% of 5,000 → approval needed
    assert table.loc["production", "plan_usd"] == pytest.approx(4800.0)
    assert table.loc["production", "status"] == "approval needed"
    assert table.loc[NO_TAG["environment"], "status"] == "no guardrail"
    assert table.loc["dev", "used"] == pytest.approx(200 / 300)


def test_checklist_gaps():
    projects = [Project("full", owner="a", workload_forecast="w", unit_cost_baseline=1.0,
                        approval_threshold=0.1, rollback_plan="r", cost_dashboard="d",
                        portable=False, spot_eligible=False, cost_model="showback"),
                Project("bare", spot_eligible=True)]
    table = checklist(projects).set_index("project")
    assert table.loc["full", "gaps"] == 0  # False is an answer, not a gap
    assert table.loc["bare", "gaps"] == 8
    assert table.loc["bare", "missing"].startswith("Named owner, Workload forecast")
    plan = load_scenario(SMALL)
    assert workloads_without_checklist(plan) == ["chat", "batch-sum", "ft"]


ALERT = Alert("unit_cost", (("endpoint", "chat"), ("environment", "production")),
              date(2026, 8, 12), 10.0, 11.9, 1290.4567, "USD per 1K requests",
              deployment_ids=("chat-2026.08.2",))


def test_incident_from_an_alert_round_trips(tmp_path):
    incident = incident_from_alert(ALERT, detected=date(2026, 8, 19))
    assert incident.detection_gap_days == 7
    assert incident.impact_usd == 1290.46
    assert "+19%" in incident.trigger and "chat-2026.08.2" in incident.trigger
    assert json.loads(incident.alert)["scope"] == {"endpoint": "chat",
                                                    "environment": "production"}
    first = save_incident(tmp_path, incident).path
    second = save_incident(tmp_path, dataclasses.replace(incident, corrective_action="cap")).path
    assert first != second and first.exists()  # never over an existing record
    assert first.name == "2026-08-12-unit-cost-chat-production.toml"
    again = save_incident(tmp_path, incident)  # a double click: the same record, saved once
    assert (again.path, again.created) == (first, False)
    assert len(list(tmp_path.glob("*.toml"))) == 2
    loaded, problems = load_incidents(tmp_path)
    assert problems == [] and len(loaded) == 2
    assert {i.corrective_action for i in loaded} == {"", "cap"}
    assert loaded[0].detection_gap_days == 7


def test_bad_incidents_are_named_not_fatal(tmp_path):
    (tmp_path / "broken.toml").write_text("[incident\n", encoding="utf-8")
    save_incident(tmp_path, incident_from_alert(ALERT, detected=date(2026, 8, 13)))
    loaded, problems = load_incidents(tmp_path)
    assert len(loaded) == 1 and len(problems) == 1 and problems[0].startswith("broken.toml")
    with pytest.raises(BudgetInputError, match="before it started"):
        save_incident(tmp_path, incident_from_alert(ALERT, detected=date(2026, 8, 1)))


RECORD = ('[incident]\ntitle = "{title}"\ntrigger = "a release"\nstarted = {started}\n'
          'detected = 2026-08-19\nimpact_usd = {impact}\n')


@pytest.mark.parametrize(("started", "day"), [
    ("2026-08-12T23:30:00-05:00", date(2026, 8, 12)),  # a TOML date-time: its own day
    ("2026-08-12T09:30:00", date(2026, 8, 12)),
    ('"2026-08-12"', date(2026, 8, 12)),
    ("2026-08-12", date(2026, 8, 12)),
])
def test_incident_dates_in_any_toml_form(tmp_path, started, day):
    (tmp_path / "a.toml").write_text(RECORD.format(title="A", started=started, impact=5))
    (tmp_path / "b.toml").write_text(RECORD.format(title="B", started="2026-08-14", impact=5))
    loaded, problems = load_incidents(tmp_path)
    assert problems == []
    assert [(i.title, i.started) for i in loaded] == [("B", date(2026, 8, 14)), ("A", day)]
    assert type(loaded[1].started) is date and loaded[1].detection_gap_days == 7


@pytest.mark.parametrize(("started", "impact", "words"), [
    ("09:30:00", 5, '[incident], field "started": must be a date like 2026-08-12, got a time'),
    ('"soon"', 5, '[incident], field "started": must be a date like 2026-08-12, got "soon"'),
    ("2026-08-12", "1" + "0" * 400, '[incident], field "impact_usd": must be a finite amount'),
    ("2026-08-12", "nan", '[incident], field "impact_usd": must be a finite amount in USD'),
    ("2026-08-12", '"lots"', '[incident], field "impact_usd"'),
])
def test_a_bad_incident_is_skipped_with_one_message(tmp_path, started, impact, words):
    (tmp_path / "bad.toml").write_text(RECORD.format(title="Bad", started=started,
                                                     impact=impact))
    (tmp_path / "good.toml").write_text(RECORD.format(title="Good", started="2026-08-12",
                                                      impact=5))
    loaded, problems = load_incidents(tmp_path)
    assert [i.title for i in loaded] == ["Good"]
    assert len(problems) == 1 and problems[0].startswith(f"bad.toml: {words}")
    assert problems[0].endswith("The other incidents are listed.")


def test_approval_gates_and_their_limit():
    from budget.governance import approval_gates, approval_limit_usd

    plan = dataclasses.replace(load_scenario(SMALL), guardrails=(
        QUOTA, GATE, SOFT, Guardrail("research", 40_000.0, "approval_gate",
                                     approval_threshold=0.25)))
    gates = approval_gates(plan)
    assert list(gates) == ["production", "research"]  # file order, gates only
    assert approval_limit_usd(gates["production"]) == pytest.approx(100.0)  # 10% of 1,000
    assert approval_limit_usd(gates["research"]) == pytest.approx(10_000.0)  # 25% of 40,000
    assert needs_approval(10_000.01, gates["research"])
    assert not needs_approval(10_000.0, gates["research"])  # the limit itself ships
    assert approval_gates(load_scenario(SMALL)) == {}
