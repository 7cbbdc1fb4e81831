"""Edit: the selected scenario's tables as editable grids, a draft every page shows at once."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import copy  # noqa: E402
from datetime import date, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from budget.errors import BudgetInputError  # noqa: E402
from budget.levers import LEVERS, lever_changes, lever_workloads  # noqa: E402
from budget.months import month_labels  # noqa: E402
from budget.scenario_model import Scenario  # noqa: E402
from budget.scenario_templates import ROW_TEMPLATES, template_row, unique_name  # noqa: E402
from budget.scenario_toml import save_edited, version_name  # noqa: E402
from budget.schema import NAME_MAX, PROSE_MAX  # noqa: E402
from ui.cache import cached_forecast, load  # noqa: E402
from ui.config import scenario_dir  # noqa: E402
from ui.draft import Cell, Draft, changed_cells, discard, draft_for, edit, revision  # noqa: E402
from ui.grids import (  # noqa: E402
    EDIT_TABLES,
    cell_text,
    column_config,
    edited_frame,
    frame_rows,
    highlighted,
    table_frame,
    with_table,
)
from ui.kpis import kpis  # noqa: E402
from ui.new_scenario import new_scenario_panel  # noqa: E402
from ui.picker import SCENARIO_KEY, pick_scenario  # noqa: E402
from ui.text import md_escape  # noqa: E402

TAB_KEY = "edit_tab"  # session key: the label of the table tab shown
DUPLICABLE = ("inference", "training", "experimentation", "platform", "changes")


def _say(key: str, kind: str, text: str) -> None:
    """Leave a message for the next run to show under the control that caused it."""
    st.session_state[key] = (kind, text)


def _show(key: str) -> None:
    """Show (once) the message a control left, escaped."""
    message = st.session_state.pop(key, None)
    if message:
        kind, text = message
        {"success": st.success, "info": st.info}.get(kind, st.error)(md_escape(text))


def changed_table(cells: list[Cell]) -> None:
    """Show every value the draft holds differently from the file, or that it holds none."""
    if not cells:
        st.caption("No edits yet: the grids below show the file as written. Edit a cell, add a "
                   "row from a template or apply a lever; every page then shows the draft.")
        return
    st.subheader("Changed from the file")
    st.dataframe(pd.DataFrame([{
        "table": cell.table, "row": cell.row, "field": cell.field,
        "file value": cell_text(cell.file_value), "draft value": cell_text(cell.draft_value),
    } for cell in cells]), hide_index=True, width="stretch", column_config={
        "table": st.column_config.TextColumn("Table", help="The scenario table."),
        "row": st.column_config.TextColumn("Row", help="The row's name ('cloud/gpu' for a "
                                           "price row, #N for a dated change)."),
        "field": st.column_config.TextColumn("Field", help="The key that differs; empty "
                                             "when the whole row was added or deleted."),
        "file value": st.column_config.TextColumn("File value", help="As the file says "
                                                  "(— when it does not set it)."),
        "draft value": st.column_config.TextColumn("Draft value", help="As the draft says "
                                                   "(— when it leaves it out)."),
    })


GRID_ERROR = "edit_grid_error"  # session key: a grid edit whose text did not read


def _grid_changed(draft: Draft, table: str, frame: pd.DataFrame, key: str) -> None:
    """Editor callback: make the edit in the draft before the page runs (one run per edit)."""
    try:
        rows = frame_rows(edited_frame(frame, st.session_state[key]), table)
    except BudgetInputError as exc:  # a change's set that does not read: the draft is kept
        st.session_state[GRID_ERROR] = str(exc)
        return
    if rows != frame_rows(frame, table):
        edit(draft, with_table(draft.data, table, rows))


def grid(draft: Draft, table: str, cells: list[Cell]) -> None:
    """Show one table as an editable grid; an edit becomes the draft's next state."""
    frame = table_frame(draft.data, table, cells)
    key = f"edit_grid_{table}_{revision()}"
    message = st.session_state.pop(GRID_ERROR, None)
    if message:
        st.error(md_escape(message))
    edited = st.data_editor(
        highlighted(frame), key=key, hide_index=True, width="stretch",
        num_rows="fixed" if table == "ranges" else "dynamic", placeholder="—",
        column_config=column_config(table, draft.data), on_change=_grid_changed,
        args=(draft, table, frame, key))
    try:
        rows = frame_rows(edited, table)
    except BudgetInputError as exc:  # a change's set that does not read: the draft is kept
        st.error(md_escape(str(exc)))
        return
    if rows != frame_rows(frame, table):
        edit(draft, with_table(draft.data, table, rows))
        st.rerun()


def _duplicate(path: str, loaded: Scenario, table: str, key: str) -> None:
    """Button callback: append a copy of the chosen row, under a name no workload has."""
    draft = draft_for(path, loaded)
    rows = list(draft.data.get(table, []))
    index = st.session_state.get(key)
    if not isinstance(index, int) or not 0 <= index < len(rows):
        return
    row = copy.deepcopy(rows[index])
    if "name" in row:
        row["name"] = unique_name(f"{row['name']}-copy", draft.data)
    edit(draft, with_table(draft.data, table, [*rows, row]))


def duplicate_control(draft: Draft, loaded: Scenario, table: str) -> None:
    """Show the row picker and Duplicate button under a grid."""
    rows = draft.data.get(table, [])
    if not rows:
        return
    labels = [f"#{i}" if table == "changes" else str(r.get("name", f"row {i}"))
              for i, r in enumerate(rows, start=1)]
    key = f"edit_dup_{table}"
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.selectbox("Row to duplicate", range(len(rows)), format_func=lambda i: labels[i],
                  key=key, width=320,
                  help="The row to copy; the copy gets the name with -copy (made unique) and "
                  "goes last, to edit from there.")
    row.button("Duplicate row", key=f"edit_dup_button_{table}", icon=":material/content_copy:",
               on_click=_duplicate, args=(draft.path, loaded, table, key),
               help="Append a copy of the chosen row to this table. Delete a row by selecting "
               "it in the grid (its left edge) and pressing the bin icon or Delete.")


def _add_template(path: str, loaded: Scenario) -> None:
    """Button callback: append the chosen template's row to its table."""
    draft = draft_for(path, loaded)
    template_id = str(st.session_state.get("edit_template"))
    try:
        table, row = template_row(template_id, draft.data)
    except BudgetInputError as exc:
        _say("edit_template_message", "error", str(exc))
        return
    edit(draft, with_table(draft.data, table, [*draft.data.get(table, []), row]))
    _say("edit_template_message", "success",
         f"Added {row['name']} to [[{table}]]: edit its figures in the {EDIT_TABLES[table]} "
         "tab.")


def template_form(draft: Draft, loaded: Scenario) -> None:
    """Show the row templates and the Add button."""
    st.subheader("Add from template")
    ids = list(ROW_TEMPLATES)
    st.selectbox("Template", ids, format_func=lambda i: ROW_TEMPLATES[i].label,
                 key="edit_template",
                 help="A realistic starting row (public reference figures, not a quote): "
                 + "; ".join(f"{t.label}: {t.help}" for t in ROW_TEMPLATES.values()) + ".")
    st.caption(ROW_TEMPLATES[str(st.session_state.get("edit_template", ids[0]))].help)
    st.button("Add row", key="edit_template_add", icon=":material/add:",
              on_click=_add_template, args=(draft.path, loaded),
              help="Append the template's row to its table under a name no workload has; a "
              "GPU row goes on a GPU this plan can price.")
    _show("edit_template_message")


def _apply_lever(path: str, loaded: Scenario, lever: str, month: str, key: str) -> None:
    """Button callback: append the lever's dated changes on the chosen workloads."""
    draft = draft_for(path, loaded)
    workloads = list(st.session_state.get(key, []))
    try:
        rows = lever_changes(lever, draft.scenario, workloads, month)
    except BudgetInputError as exc:
        _say("edit_lever_message", "error", str(exc))
        return
    edit(draft, with_table(draft.data, "changes", [*draft.data.get("changes", []), *rows]))
    _say("edit_lever_message", "success",
         f"{lever} from {month} on {', '.join(workloads)}: {len(rows)} dated "
         f"change{'' if len(rows) == 1 else 's'} added (see the Dated changes tab).")


def lever_form(draft: Draft, loaded: Scenario) -> None:
    """Show the levers, the month and the eligible workloads, and the Apply button."""
    st.subheader("Apply a lever")
    plan = draft.scenario
    names = [lever.name for lever in LEVERS]
    lever = st.selectbox("Lever", names, key="edit_lever",
                         help="An efficiency lever of the Summary's list, applied as a dated "
                         "change: each chosen workload's cost falls by the lever's share from "
                         "the month on, priced as the plan stands then.")
    months = month_labels(plan.start, plan.months)
    month = st.selectbox("From", months, key="edit_lever_month",
                         help="The first month the lever applies; earlier months keep the "
                         "plan's figures.")
    eligible = lever_workloads(lever, plan, month)
    key = f"edit_lever_workloads_{names.index(lever)}_{month}"
    st.multiselect("Workloads", eligible, default=eligible, key=key,
                   help="The workloads this lever can apply to (as the plan stands in that "
                   "month); the change is made on each one chosen.")
    if not eligible:
        st.caption("No workload of this plan can take this lever.")
    st.button("Apply as a dated change", key="edit_lever_apply", icon=":material/bolt:",
              on_click=_apply_lever, args=(draft.path, loaded, lever, month, key),
              disabled=not st.session_state.get(key),
              help="Append one [[changes]] row per workload: the lever's fields from that "
              "month, computed from the workload's values then.")
    _show("edit_lever_message")


def _save(path: str, loaded: Scenario) -> None:
    """Button callback: save the draft as a new version, then show that file everywhere."""
    draft = draft_for(path, loaded)
    name = str(st.session_state.get("edit_save_name", ""))
    reason = str(st.session_state.get("edit_save_reason", ""))
    try:
        saved = save_edited(scenario_dir(), Path(path), draft.scenario, name, reason,
                            datetime.now(), draft.stamp)
    except BudgetInputError as exc:
        _say("edit_save_message", "error", str(exc))
        return
    if saved.unchanged:
        _say("edit_save_message", "info", f"Nothing written: the draft says what "
             f"{Path(path).name} says.")
        return
    discard(path)
    st.session_state[SCENARIO_KEY] = saved.path.stem
    _say("edit_save_message", "success" if saved.created else "info",
         (f"Saved as {saved.path.name} in {scenario_dir().name}/ (from {Path(path).name}, "
          "its comments kept): every page now shows it." if saved.created else
          f"Already saved as {saved.path.name}: this version is in it; every page now shows "
          "it."))


def save_form(draft: Draft, loaded: Scenario) -> None:
    """Show the name and reason inputs and the Save button."""
    st.subheader("Save as new version")
    if (st.session_state.get("edit_save_for") != draft.path  # prefilled for each file,
            or "edit_save_name" not in st.session_state):  # and again after another page
        st.session_state["edit_save_for"] = draft.path
        st.session_state["edit_save_name"] = version_name(draft.scenario.name,
                                                          f"{date.today():%Y-%m-%d}")
    st.text_input("Name", key="edit_save_name", max_chars=NAME_MAX,
                  help="The new version's [scenario] name, shown on every page; the file is "
                  "named from it in the scenario folder, never over another file.")
    st.text_input("Reason", key="edit_save_reason", max_chars=PROSE_MAX,
                  placeholder="e.g. support-chat moves to a self-hosted model in March",
                  help="Required: why this version is saved. It is written into the file as "
                  "[scenario] reason, beside previous = the file and hash it was saved from.")
    st.button("Save as new version", key="edit_save", icon=":material/save:", type="primary",
              on_click=_save, args=(draft.path, loaded), disabled=draft.error is not None,
              help="Write the source file with the draft's edits (its comments and order "
              "kept) as a new file beside it; then every page shows the new file. Refused "
              "while the last edit does not load.")
    _show("edit_save_message")


def editor(picked: Scenario) -> None:
    """Show the draft's state, its grids, and the template, lever and save forms."""
    scenario = load(Path(picked.source))  # the file as loaded: a new draft starts from it
    draft = draft_for(picked.source, scenario)
    kpis(cached_forecast(draft.scenario), cached_forecast(scenario), against="the file as "
         "written (the last plan that loaded, while an edit is refused)")
    if draft.error is not None:
        st.error(md_escape(draft.error))
        st.caption("Every page shows the last plan that loaded until this is fixed or undone.")
    cells = changed_cells(draft.file_data, draft.data)
    changed_table(cells)
    # The tab picked stays picked across the rerun an edit makes; only its grid is built.
    tabs = st.tabs(list(EDIT_TABLES.values()), key=TAB_KEY, on_change="rerun")
    for tab, table in zip(tabs, EDIT_TABLES, strict=True):
        if tab.open:
            with tab:
                grid(draft, table, cells)
                if table in DUPLICABLE:
                    duplicate_control(draft, scenario, table)
    columns = st.columns(3, gap="large", border=True)
    with columns[0]:
        template_form(draft, scenario)
    with columns[1]:
        lever_form(draft, scenario)
    with columns[2]:
        save_form(draft, scenario)


st.title("Edit the scenario")
picked = pick_scenario()
if picked is not None:
    st.caption(
        f"**{md_escape(picked.name)}** · file {md_escape(Path(picked.source).name)}. Edits "
        "are a draft of this session: every page (planner, sensitivity, capacity, summary, "
        "present) shows them at once, marked unsaved in the sidebar; nothing is written until "
        "Save as new version. Hover a column's name for what it holds and its allowed values.")
    editor(picked)
new_scenario_panel()  # also when there is no scenario file yet: the way to start one
