"""Save as a new version: a name, a reason and a button; the file goes beside its source."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import streamlit as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.scenario_model import Scenario
from budget.scenario_toml import save_version, version_name
from budget.schema import NAME_MAX
from ui.config import scenario_dir
from ui.draft import discard, get_draft
from ui.drivers import scenario_from_url
from ui.picker import SCENARIO_KEY
from ui.text import md_escape


def save_form(base: Scenario, prefix: str = "plan") -> None:
    """Show the name and reason inputs and the save button for the drivers the sliders hold.

    Drawn outside the sliders' fragment: the click reruns the whole page, so the picker lists
    the new file at once. The callback reads the sliders as they are at the click.
    """
    try:  # the version of the file the sliders were set against
        loaded: tuple[int, int] | None = file_stamp(Path(base.source))
    except BudgetInputError:
        loaded = None
    if st.session_state.get(f"{prefix}_save_for") != base.source:  # prefilled per file
        st.session_state[f"{prefix}_save_for"] = base.source
        st.session_state[f"{prefix}_save_name"] = version_name(
            base.name, f"{date.today():%Y-%m-%d}")  # shown in the box as plain text
        st.session_state[f"{prefix}_save_reason"] = ""
    with st.container(border=True):
        st.subheader("Save as a new version")
        st.text_input(
            "Name", key=f"{prefix}_save_name", max_chars=NAME_MAX,
            help="The new version's [scenario] name, shown on every page; the file is named "
            "from it (letters, digits and dashes) in the scenario folder, never over a file.")
        st.text_input(
            "Reason", key=f"{prefix}_save_reason", max_chars=NAME_MAX,
            placeholder="e.g. GPU prices up 20% after the reserved-capacity quote",
            help="Required: why this version is saved. It is written into the file as "
            "[scenario] reason, beside previous = the file and hash it was saved from.")
        st.button("Save version", key=f"{prefix}_save", icon=":material/save:",
                  on_click=_save, args=(base, loaded, prefix),
                  help="Writes the source file with these drivers (its comments and order "
                  "kept) as a new file beside it; the picker lists it last. Saving drivers "
                  "equal to the file's writes nothing.")
        message = st.session_state.pop(f"{prefix}_save_message", None)
        if message:
            kind, text = message
            {"success": st.success, "info": st.info}.get(kind, st.error)(md_escape(text))


def _save(base: Scenario, loaded: tuple[int, int] | None, prefix: str) -> None:
    """Button callback: save the sliders' drivers as a new version; leave the outcome to show."""
    name = str(st.session_state.get(f"{prefix}_save_name", ""))
    reason = str(st.session_state.get(f"{prefix}_save_reason", ""))
    key = f"{prefix}_save_message"
    draft = get_draft(base.source)  # the Edit page's unsaved edits, which `base` holds
    try:
        saved = save_version(scenario_dir(), scenario_from_url(base), datetime.now(),
                             draft.stamp if draft is not None else loaded,
                             name=name, reason=reason)
    except BudgetInputError as exc:
        st.session_state[key] = ("error", str(exc))
        return
    if saved.unchanged:
        st.session_state[key] = ("info", f"Nothing saved: these drivers are the ones "
                                 f"{saved.path.name} already has.")
    elif draft is not None:  # the draft is in the new file now: show that file everywhere
        discard(base.source)
        st.session_state[SCENARIO_KEY] = saved.path.stem
        st.session_state[key] = ("success", f"{'Saved' if saved.created else 'Already saved'}"
                                 f" as {saved.path.name} in {scenario_dir().name}/ (from "
                                 f"{Path(base.source).name}, with the draft's edits and these "
                                 "drivers): every page now shows it.")
    elif saved.created:
        st.session_state[key] = ("success", f"Saved as {saved.path.name} in "
                                 f"{scenario_dir().name}/ (from {Path(base.source).name}): "
                                 "it is now last in the Scenario picker.")
    else:
        st.session_state[key] = ("info", f"Already saved as {saved.path.name}: this version "
                                 "is in it.")
