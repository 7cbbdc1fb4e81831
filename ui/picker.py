"""The scenario picker every page shares: one URL key, `scenario`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.months import month_offset
from budget.scenario_model import Scenario
from ui.cache import load
from ui.config import scenario_dir, scenario_files
from ui.draft import UNDO_DEPTH, Draft, discard, get_draft, undo
from ui.text import md_escape

SCENARIO_KEY = "scenario"
DEFAULT_SCENARIO = "fy27-plan"  # the bundled sample opens first when present


def pick_scenario(on_change: Callable[[], None] | None = None) -> Scenario | None:
    """Show the sidebar picker; return the scenario, or None after an st.error.

    When this session has a draft of the chosen file (the Edit page), return the draft's plan
    and show under the picker that it is unsaved, with Undo and Discard.
    """
    files = scenario_files()
    if not files:
        st.error(md_escape(f"No scenario files (*.toml) in {scenario_dir()}. Add one, then "
                           "reload."))
        return None
    with st.sidebar:
        names = list(files)
        choice = st.selectbox(
            "Scenario",
            names,
            index=names.index(DEFAULT_SCENARIO) if DEFAULT_SCENARIO in names else 0,
            key=SCENARIO_KEY,
            bind="query-params",
            on_change=on_change,
            help=f"A TOML file in {md_escape(scenario_dir().name)}/. Each file is one plan; "
            "edit it like code, and the app re-reads it when it changes.",
        )
    path = files[choice]
    try:
        scenario = load(path)
    except BudgetInputError as exc:
        st.error(md_escape(str(exc)))
        return None
    seen = st.session_state.setdefault("_scenario_mtimes", {})
    mtime = file_stamp(path)[0]  # load() above read it: the file is there
    if seen.get(str(path), mtime) != mtime:
        st.toast(md_escape(f"{path.name} changed on disk: showing the new version."),
                 icon=":material/sync:")
    seen[str(path)] = mtime
    draft = get_draft(path)
    if draft is None:
        return scenario
    draft_marker(path, draft)
    return draft.scenario


def draft_marker(path: Path, draft: Draft) -> None:
    """Show in the sidebar that the plan is an unsaved draft, with Undo and Discard buttons."""
    edits = draft.edits
    with st.sidebar, st.container(border=True, key="draft_marker"):
        st.markdown(f":material/edit_note: **Unsaved draft — {edits} "
                    f"change{'' if edits == 1 else 's'}**")
        st.caption(md_escape(f"Every page shows this session's edits of {path.name}; "
                             "Save as new version on the Edit page writes them to a new "
                             "file."))
        if draft.error is not None:
            st.caption(":orange[The last edit does not load: pages show the plan before "
                       "it. Fix it on the Edit page, or undo it.]")
        try:
            moved = draft.stamp is not None and file_stamp(path) != draft.stamp
        except BudgetInputError:
            moved = True
        if moved:
            st.caption(f":orange[{md_escape(path.name)} changed on disk since this draft "
                       "began: saving it is refused. Discard it to see the file.]")
        undo_column, discard_column = st.columns(2)
        undo_column.button("Undo", key="draft_undo", on_click=undo, args=(str(path),),
                           icon=":material/undo:", width="stretch",
                           disabled=not draft.earlier,
                           help=f"Take back the last edit of this draft (the last "
                           f"{UNDO_DEPTH} can be); with none left, every page shows the "
                           "file again.")
        discard_column.button("Discard", key="draft_discard", on_click=discard,
                              args=(str(path),), icon=":material/delete:", width="stretch",
                              help="Forget every edit of this draft: every page shows the "
                              "file as written. Nothing on disk changes.")


def selected_scenario() -> Scenario | None:
    """Return the scenario the picker currently names (its draft's plan when there is one)."""
    path = scenario_files().get(st.session_state.get(SCENARIO_KEY, DEFAULT_SCENARIO))
    if path is None:
        return None
    try:
        scenario = load(path)
    except BudgetInputError:
        return None
    draft = get_draft(path)
    return scenario if draft is None else draft.scenario


def plans_covering(month: str) -> list[str]:
    """Return the scenario files (by name) whose horizon holds `month` (YYYY-MM), oldest first.

    A file that does not load is left out here: the picker names its problem when chosen.
    """
    names = []
    for name, path in scenario_files().items():
        try:
            scenario = load(path)
        except BudgetInputError:
            continue
        if 0 <= month_offset(scenario.start, month) < scenario.months:
            names.append(name)
    return names


def covering_hint(month: str) -> str:
    """Return a sentence naming the plans that cover `month`, or saying that none does."""
    names = plans_covering(month)
    if not names:
        return f"No scenario file covers {month}."
    return (f"{', '.join(names)} {'covers' if len(names) == 1 else 'cover'} {month}: pick "
            f"{'it' if len(names) == 1 else 'one'} in the sidebar to compare like with like.")
