"""New scenario: blank or from a template company, written beside the others; or calibrated."""

from __future__ import annotations

from datetime import date

import streamlit as st

from budget.errors import BudgetInputError
from budget.months import month_labels
from budget.scenario_templates import COMPANY_TEMPLATES, template_toml
from budget.schema import NAME_MAX
from budget.storage import save_new
from ui.config import scenario_dir, scenario_files
from ui.picker import SCENARIO_KEY
from ui.text import md_escape

MESSAGE = "new_message"  # session key: (kind, text) of the last create


def next_months(today: date, count: int = 13) -> list[str]:
    """Return the months a new plan may start in: the next month and the year after it."""
    following = f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"
    return month_labels(following, count)


def new_scenario_panel(calibrate_link: bool = True) -> None:
    """Show the New scenario form: template, name, start month and a Create button.

    With `calibrate_link`, a link to the Actuals page's calibration (it needs the app's
    navigation: leave it out where the panel runs on its own).
    """
    with st.container(border=True):
        st.subheader("New scenario")
        ids = list(COMPANY_TEMPLATES)
        st.selectbox("Start from", ids, key="new_template",
                     format_func=lambda t: COMPANY_TEMPLATES[t].label,
                     help="Blank is a header and one platform line; the others are whole "
                     "example companies (API product, self-hosted models, a mix like the "
                     "bundled plan), every table commented, to edit into your own.")
        months = next_months(date.today())
        st.selectbox("First month", months, key="new_start",
                     help="The plan's first forecast month; it runs 12 months from there.")
        st.text_input("Name", key="new_name", max_chars=NAME_MAX,
                      placeholder=COMPANY_TEMPLATES[ids[0]].default_name(months[0]),
                      help="The plan's [scenario] name (empty: the template's own); the file "
                      "is named from it in the scenario folder, never over another file.")
        st.button("Create", key="new_create", icon=":material/add_circle:", on_click=_create,
                  help="Writes the new scenario file and opens it in the picker.")
        if calibrate_link:
            st.page_link("pages/actuals.py", label="Or calibrate one from your actuals",
                         icon=":material/receipt_long:",
                         help="The Actuals page fits volumes, growth and prices to the "
                         "exports and saves the result as a scenario.")
        message = st.session_state.pop(MESSAGE, None)
        if message:
            kind, text = message
            (st.success if kind == "success" else st.error)(md_escape(text))


def _create() -> None:
    """Button callback: write the template as a new file, then select it in the picker."""
    template = str(st.session_state.get("new_template", "blank"))
    start = str(st.session_state.get("new_start", ""))
    name = str(st.session_state.get("new_name", "")).strip() or None
    try:
        text = template_toml(template, start, name)
    except BudgetInputError as exc:
        st.session_state[MESSAGE] = ("error", str(exc))
        return
    stem = name or COMPANY_TEMPLATES[template].default_name(start)
    try:
        path = save_new(scenario_dir(), stem, text)
    except OSError as exc:
        st.session_state[MESSAGE] = ("error", f"The scenario could not be written "
                                     f"({exc.strerror or 'error'}). Try again.")
        return
    choice = next((key for key, found in scenario_files().items() if found == path), None)
    if choice is not None:
        st.session_state[SCENARIO_KEY] = choice
    st.session_state[MESSAGE] = ("success", f"Created {path.name} from the "
                                 f"{COMPANY_TEMPLATES[template].label} template; it is open now.")
