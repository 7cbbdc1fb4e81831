"""Governance: environment guardrails, the approval gate, project checklists, spend incidents."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

from datetime import date  # noqa: E402

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from budget.alerts import Alert, AlertSettings, planned_gpu_hours_per_run  # noqa: E402
from budget.burn import burn_rate  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import usd  # noqa: E402
from budget.governance import (  # noqa: E402
    CHECKLIST,
    Incident,
    approval_gates,
    approval_limit_usd,
    checklist,
    complete_projects,
    guardrail_status,
    incident_from_alert,
    load_incidents,
    needs_approval,
    save_incident,
    workloads_without_checklist,
)
from budget.rows import checklist_cells, incident_rows  # noqa: E402
from ui.cache import cached_alerts, fingerprint  # noqa: E402
from ui.config import scenario_dir  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.picker import covering_hint, pick_scenario  # noqa: E402
from ui.source import choose_source, read_actuals, source_caption  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

USD = money_column()
INCIDENT_FIELDS = ("title", "trigger", "started", "detected", "impact_usd", "owner",
                   "corrective_action")


def prefill(alerts: list[Alert], detected: date) -> None:
    """Selectbox callback: fill the incident form from the chosen alert."""
    index = st.session_state.get("gov_alert")
    if index is None:
        return
    incident = incident_from_alert(alerts[int(index)], detected)
    for name in INCIDENT_FIELDS:
        st.session_state[f"gov_inc_{name}"] = getattr(incident, name)
    st.session_state["gov_inc_alert"] = incident.alert


def save_from_form() -> None:
    """Form callback: save the incident as a new file, or keep the error for the page."""
    values = {name: st.session_state.get(f"gov_inc_{name}") for name in INCIDENT_FIELDS}
    try:
        incident = Incident(
            title=str(values["title"] or ""), trigger=str(values["trigger"] or ""),
            started=values["started"] or date.today(),  # type: ignore[arg-type]
            detected=values["detected"] or date.today(),  # type: ignore[arg-type]
            impact_usd=float(values["impact_usd"] or 0.0),
            corrective_action=str(values["corrective_action"] or ""),
            owner=str(values["owner"] or ""), alert=st.session_state.get("gov_inc_alert", ""))
        saved = save_incident(scenario_dir() / "incidents", incident)
    except BudgetInputError as exc:
        st.session_state["gov_inc_message"] = ("error", md_escape(str(exc)))
        return
    name = md_escape(saved.path.name)
    st.session_state["gov_inc_message"] = (
        ("success", f"Saved as incidents/{name}.") if saved.created
        else ("info", f"Already saved as incidents/{name}: this record is in it."))


st.title("Governance")
scenario = pick_scenario()
if scenario is None:
    st.stop()
folder, tag_map = choose_source("gov")
billing, telemetry = read_actuals(folder, tag_map)
st.caption(source_caption(folder, billing))
try:
    burn = burn_rate(billing, scenario)
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

# ---- Guardrails -------------------------------------------------------------------------------
st.subheader(f"Guardrails, {pd.Period(burn.month):%B %Y} (day {burn.days_elapsed} of "
             f"{burn.days_in_month})")
st.caption("Hard quotas in sandboxes, soft alerts in staging, approval gates in production — "
           "from the scenario's [[guardrails]]. Projected is month to date plus each "
           f"environment's 7-day run rate; plan is the scenario's {burn.plan_month} by "
           "environment.")
if not burn.plan_in_horizon:
    st.caption(md_escape(f"“{scenario.name}” does not cover {burn.month}; its nearest month, "
                         f"{burn.plan_month}, stands in. {covering_hint(burn.month)}"))
status = guardrail_status(billing, burn, scenario)
if status.empty or not scenario.guardrails:
    st.info("This scenario has no [[guardrails]] rows: add one per environment "
            "(docs/scenario-format.md).")
flagged = status[~status["status"].isin(["ok"])]
for _, row in flagged.iterrows():
    text = f"**{md_escape(str(row['environment']))}**: " + md_escape(
        str(row["status"]) + (f" — {row['action']}" if row["action"] else ""))
    (st.error if row["status"] in ("over quota", "over budget") else st.warning)(
        text, icon=":material/warning:")
table_with_download(status, "guardrail status", "guardrails.csv", "gov_dl_guardrails", {
    "budget_usd": USD, "mtd_usd": USD, "projected_usd": USD, "plan_usd": USD,
    "used": st.column_config.ProgressColumn("Used", format="percent", min_value=0.0,
                                            max_value=1.0)})

gates = approval_gates(scenario)
if gates:
    st.markdown("**Does a change need approval?**")
    c1, c2, c3 = st.columns([1, 1, 2])
    env = c1.selectbox("Environment", list(gates), key="gov_gate_env", bind="query-params",
                       help="An environment behind an approval gate.")
    increase = c2.number_input(
        "Forecast increase (USD/month)", 0.0, 1e9, 5000.0, 500.0, key="gov_gate_increase",
        bind="query-params",
        help="What the change adds to the environment's monthly forecast (from the Planner or "
        "the Compare page).")
    gate = gates[str(env)]
    limit = approval_limit_usd(gate)
    if needs_approval(float(increase), gate):
        c3.warning(f"Needs approval: above {gate.approval_threshold:.0%} of the "
                   f"{usd(gate.monthly_budget)} budget ({usd(limit)}). Attach a cost estimate "
                   "and a rollback plan.", icon=":material/gavel:")
    else:
        c3.success(f"Within the gate: up to {usd(limit)} a month ships without approval.",
                   icon=":material/check_circle:")

# ---- Checklist --------------------------------------------------------------------------------
st.subheader("Project checklists")
table = checklist(scenario.projects)
if table.empty:
    st.info("No [[projects]] in this scenario: add a checklist per project "
            "(docs/scenario-format.md).")
else:
    complete = complete_projects(table)
    st.caption(f"{complete} of {len(table)} projects complete. Empty cells are gaps.")
    labels = [label for _, label in CHECKLIST]
    shown = checklist_cells(table, labels)
    styled = shown.style.map(lambda v: "background-color: #fde2e1" if v == "" else "",
                             subset=labels)
    st.dataframe(styled, hide_index=True, width="stretch")
    st.download_button("Download checklists (CSV)", shown.to_csv(index=False),
                       file_name="checklists.csv", mime="text/csv", key="gov_dl_checklist",
                       icon=":material/download:", help="The checklist table as a CSV file.")
orphans = workloads_without_checklist(scenario)
if orphans:
    st.caption(md_escape("Workloads no project's checklist covers: " + ", ".join(orphans) + "."))

# ---- Incidents --------------------------------------------------------------------------------
st.subheader("Spend incidents")
st.caption("A spend spike is written up like an outage: trigger, detection gap, financial "
           "impact, corrective action. Records are TOML files in the scenario folder's "
           "incidents/, never overwritten.")
saved, problems = load_incidents(scenario_dir() / "incidents")
for problem in problems:
    st.error(md_escape(problem))
if saved:
    records = incident_rows(saved)
    table_with_download(records, "incidents", "incidents.csv", "gov_dl_incidents",
                        {"impact_usd": USD})

alerts = cached_alerts(str(folder), tag_map, AlertSettings(),
                       planned_gpu_hours_per_run(scenario),
                       fingerprint(folder))
st.selectbox("Start from an alert", range(len(alerts)), index=None, key="gov_alert",
             format_func=lambda i: f"{alerts[i].start} · {alerts[i].kind.replace('_', ' ')} · "
             f"{alerts[i].subject} · {usd(alerts[i].impact_usd)}",
             on_change=prefill, args=(alerts, burn.as_of),
             placeholder="Choose an alert to fill the form", help="Fills the form below from "
             "the alert: trigger, start, impact, deployments and experiments active then.")
with st.form("gov_incident"):
    st.text_input("Title", key="gov_inc_title", help="A short name for the incident.")
    st.text_area("Trigger", key="gov_inc_trigger", height=80,
                 help="What happened: the change, the job, the release.")
    c1, c2, c3 = st.columns(3)
    c1.date_input("Started", key="gov_inc_started", value=None,
                  help="The day the extra spend began.")
    c2.date_input("Detected", key="gov_inc_detected", value=None,
                  help="The day someone noticed; the gap to 'Started' is the detection gap.")
    c3.number_input("Impact (USD)", 0.0, 1e10, key="gov_inc_impact_usd",
                    help="Extra spend caused, in USD.")
    st.text_input("Owner", key="gov_inc_owner", help="Who follows it up.")
    st.text_area("Corrective action", key="gov_inc_corrective_action", height=80,
                 help="What changes so it does not happen again (a quota, a gate, an alert).")
    st.form_submit_button("Save incident record", icon=":material/save:",
                          on_click=save_from_form,
                          help="Adds a new TOML file under the scenario folder's incidents/.")
message = st.session_state.pop("gov_inc_message", None)  # Markdown, user text escaped
if message:
    {"error": st.error, "info": st.info}.get(message[0], st.success)(message[1])
