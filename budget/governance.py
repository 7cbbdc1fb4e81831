"""Guardrails and governance: environment budgets and how they bind, checklists, spend incidents."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from budget.alerts import Alert
from budget.burn import Burn, plan_lines_as_tagged, plan_month, usd_rows
from budget.errors import BudgetInputError, shown
from budget.files import load_toml
from budget.fmt import usd
from budget.forecast import forecast
from budget.scenario_model import Guardrail, Project, Scenario
from budget.storage import Saved, save_once

CHECKLIST = (  # (field, what the item asks)
    ("owner", "Named owner"),
    ("workload_forecast", "Workload forecast"),
    ("unit_cost_baseline", "Unit-cost baseline"),
    ("approval_threshold", "Approval threshold"),
    ("rollback_plan", "Rollback plan"),
    ("cost_dashboard", "Cost dashboard"),
    ("portable", "Portable across clouds?"),
    ("spot_eligible", "Spot-eligible?"),
    ("cost_model", "Chargeback or showback?"),
)
CONTROL_LABELS = {"hard_quota": "Hard quota", "soft_alert": "Soft alert",
                  "approval_gate": "Approval gate"}


def guardrail_status(billing: pd.DataFrame, burn: Burn, scenario: Scenario,
                     measure: str = "effective_cost") -> pd.DataFrame:
    """Return each environment's month against its guardrail, one row per environment.

    Projected month-end is the environment's month to date plus its own 7-day run rate for the
    days left. Environments with spend but no guardrail get a row with status "no guardrail".
    Columns: environment, control, budget_usd, mtd_usd, projected_usd, plan_usd, used (mtd /
    budget), status, action.
    """
    rows = usd_rows(billing)
    last = pd.Timestamp(burn.as_of)
    month_rows = rows[rows["day"].dt.to_period("M") == last.to_period("M")]
    recent = rows[rows["day"] > last - pd.Timedelta(days=7)]
    mtd = month_rows.groupby("environment")[measure].sum()
    run_rate = recent.groupby("environment")[measure].sum() / 7
    days_left = burn.days_in_month - burn.days_elapsed
    result = forecast(scenario)
    lines = plan_lines_as_tagged(result, burn.plan_month or plan_month(result, burn.month))
    plan = lines.groupby("environment")["cost_usd"].sum()
    guarded = {g.environment: g for g in scenario.guardrails}
    out = []
    for env in [*guarded, *sorted(set(mtd.index) - set(guarded))]:
        spent = float(mtd.get(env, 0.0))
        projected = spent + float(run_rate.get(env, 0.0)) * days_left
        planned = float(plan.get(env, 0.0))
        guard = guarded.get(env)
        status, action = _status(guard, spent, projected, planned)
        out.append({
            "environment": env,
            "control": CONTROL_LABELS[guard.control] if guard else "—",
            "budget_usd": guard.monthly_budget if guard else float("nan"),
            "mtd_usd": spent, "projected_usd": projected, "plan_usd": planned,
            "used": spent / guard.monthly_budget if guard and guard.monthly_budget else
            float("nan"),
            "status": status, "action": action,
        })
    return pd.DataFrame(out)


def _status(guard: Guardrail | None, spent: float, projected: float,
            planned: float) -> tuple[str, str]:
    """Return (status, what to do) for one environment's month."""
    if guard is None:
        return "no guardrail", "add a [[guardrails]] row for this environment"
    budget = guard.monthly_budget
    if guard.control == "hard_quota":
        if spent >= budget:
            return "over quota", "spend is stopped: raise the quota or end jobs"
        if projected >= budget:
            return "at risk", "the run rate reaches the quota before month-end"
        return "ok", ""
    if guard.control == "soft_alert":
        if spent >= budget:
            return "over budget", "tell the owners; review before next month"
        if spent >= guard.alert_at * budget or projected >= budget:
            return "warning", f"past {guard.alert_at:.0%} of budget or projected over it"
        return "ok", ""
    increase = planned - projected
    if projected >= budget:
        return "over budget", "explain the variance at the weekly review"
    if increase > guard.approval_threshold * budget:
        return "approval needed", (f"the plan adds {usd(increase)} a month (> "
                                   f"{guard.approval_threshold:.0%} of budget): a cost "
                                   "estimate and a rollback plan first")
    return "ok", ""


def approval_gates(scenario: Scenario) -> dict[str, Guardrail]:
    """Return the approval-gate guardrails by environment, in file order."""
    return {g.environment: g for g in scenario.guardrails if g.control == "approval_gate"}


def approval_limit_usd(guard: Guardrail) -> float:
    """Return the monthly increase (USD) a change may add without approval: threshold × budget."""
    return guard.approval_threshold * guard.monthly_budget


def needs_approval(increase_usd: float, guard: Guardrail) -> bool:
    """Return True when a change adding `increase_usd` a month must pass the approval gate."""
    return guard.control == "approval_gate" and increase_usd > approval_limit_usd(guard)


def checklist(projects: Sequence[Project]) -> pd.DataFrame:
    """Return one row per project: each checklist item's value (None is a gap) and the gaps."""
    rows = []
    for p in projects:
        values = {label: getattr(p, name) for name, label in CHECKLIST}
        gaps = [label for label, value in values.items() if value is None]
        rows.append({"project": p.name, **values, "gaps": len(gaps),
                     "missing": ", ".join(gaps)})
    return pd.DataFrame(rows, columns=["project", *(label for _, label in CHECKLIST), "gaps",
                                       "missing"])


def complete_projects(table: pd.DataFrame) -> int:
    """Return how many projects of a checklist table have no gap."""
    return int((table["gaps"] == 0).sum())


def workloads_without_checklist(scenario: Scenario) -> list[str]:
    """Return the GPU and inference workloads no project's workload_forecast names."""
    covered = {p.workload_forecast for p in scenario.projects}
    names = [w.name for w in scenario.inference] + [t.name for t in scenario.training]
    return [n for n in names if n not in covered]


@dataclass(frozen=True)
class Incident:
    """A spend incident, written up like an outage."""

    title: str
    trigger: str  # what happened
    started: date
    detected: date
    impact_usd: float
    corrective_action: str = ""
    owner: str = ""
    alert: str = ""  # the alert it was started from, as JSON

    @property
    def detection_gap_days(self) -> int:
        """Return the days between the start and its detection."""
        return (self.detected - self.started).days


def incident_from_alert(alert: Alert, detected: date) -> Incident:
    """Return an incident pre-filled from an alert: trigger, start, impact and context."""
    context = f"; active then: {alert.context}" if alert.context else ""
    trigger = (f"{alert.kind.replace('_', ' ')} on {alert.subject}: {alert.unit} "
               f"{alert.expected:,.2f} expected, {alert.actual:,.2f} actual "
               f"({alert.change:+.0%}){context}")
    return Incident(title=f"{alert.kind.replace('_', ' ')} — {alert.subject}", trigger=trigger,
                    started=alert.start, detected=detected,
                    impact_usd=round(alert.impact_usd, 2),
                    alert=json.dumps(alert.to_json(), sort_keys=True))


def incident_toml(incident: Incident) -> str:
    """Return the incident as a TOML file's text."""
    import tomli_w

    data: dict[str, Any] = dataclasses.asdict(incident)
    data["detection_gap_days"] = incident.detection_gap_days
    return "# Spend incident record. Review it like a post-incident report.\n" + tomli_w.dumps(
        {"incident": data})


def save_incident(folder: Path, incident: Incident) -> Saved:
    """Write the incident under folder/ as STARTED-TITLE.toml, never over an existing file.

    Saving the same record twice (a double click) writes it once and names the first file.
    """
    if not incident.title.strip() or not incident.trigger.strip():
        raise BudgetInputError("incident", "needs a title and a trigger",
                               fix="say what happened before saving")
    if incident.detected < incident.started:
        raise BudgetInputError("incident", f"detected on {incident.detected}, before it "
                               f"started on {incident.started}", field="detected",
                               fix="a detection date on or after the start")
    return save_once(folder, f"{incident.started}-{incident.title}", incident_toml(incident))


def load_incidents(folder: Path) -> tuple[list[Incident], list[str]]:
    """Return the incidents saved under folder/, newest first, and a message per bad file.

    A file that cannot be read as an incident (not a regular file, over 5 MB, not TOML, a
    field missing or of the wrong type) is skipped with one message naming it; the others load.
    """
    incidents, problems = [], []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            incidents.append(_incident(load_toml(path, path.name), path.name))
        except BudgetInputError as exc:
            problems.append(f"{exc} The other incidents are listed.")
    return sorted(incidents, key=lambda i: i.started, reverse=True), problems


def _incident(data: dict[str, Any], label: str) -> Incident:
    """Return the [incident] table of one file as an Incident; BudgetInputError naming the key."""
    raw = data.get("incident")
    if not isinstance(raw, dict):
        raise BudgetInputError(label, "is not an incident record (no [incident] table)",
                               fix="fix or remove the file")
    fix = "fix or remove the file"
    text = {}
    for key in ("title", "trigger", "corrective_action", "owner", "alert"):
        value = raw.get(key, "" if key not in ("title", "trigger") else None)
        if not isinstance(value, str):
            raise BudgetInputError(label, "missing" if value is None else "must be a text",
                                   place="[incident]", field=key, fix=fix)
        text[key] = value
    days = {key: _day(raw.get(key), label, key) for key in ("started", "detected")}
    impact = raw.get("impact_usd")
    if isinstance(impact, bool) or not isinstance(impact, int | float) or not (
            abs(impact) <= 1e15 and math.isfinite(impact)):
        raise BudgetInputError(label, "must be a finite amount in USD", place="[incident]",
                               field="impact_usd", fix=fix)
    return Incident(title=text["title"], trigger=text["trigger"], started=days["started"],
                    detected=days["detected"], impact_usd=float(impact),
                    corrective_action=text["corrective_action"], owner=text["owner"],
                    alert=text["alert"])


def _day(value: Any, label: str, key: str) -> date:
    """Return a TOML date, date-time (its day) or ISO text as a date; BudgetInputError if none."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    got = "nothing" if value is None else shown(value) if isinstance(value, str) else (
        f"a {type(value).__name__}")
    raise BudgetInputError(label, f"must be a date like 2026-08-12, got {got}",
                           place="[incident]", field=key, fix="fix or remove the file")
