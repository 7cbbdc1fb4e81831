"""The scenario picker every page shares: one URL key, `scenario`."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.scenario_model import Scenario
from ui.cache import load
from ui.config import scenario_dir, scenario_files
from ui.text import md_escape

SCENARIO_KEY = "scenario"
DEFAULT_SCENARIO = "fy27-plan"  # the bundled sample opens first when present


def pick_scenario(on_change: Callable[[], None] | None = None) -> Scenario | None:
    """Show the sidebar picker; return the loaded scenario, or None after an st.error."""
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
    return scenario


def selected_scenario() -> Scenario | None:
    """Return the scenario the picker currently names, or None when it cannot be loaded."""
    path = scenario_files().get(st.session_state.get(SCENARIO_KEY, DEFAULT_SCENARIO))
    if path is None:
        return None
    try:
        return load(path)
    except BudgetInputError:
        return None
