"""The view in the URL: the drivers follow every page, and a link's bad values are named."""

from __future__ import annotations

import math

import streamlit as st

from budget.errors import BudgetInputError
from budget.inputs import SLIDERS
from budget.scenario_model import Drivers
from ui.cache import load
from ui.config import scenario_dir, scenario_files
from ui.draft import get_draft
from ui.picker import DEFAULT_SCENARIO, SCENARIO_KEY
from ui.text import md_escape

# Pages whose sliders write the drivers into the URL themselves (bind="query-params").
SLIDER_PAGES = ("planner", "sensitivity")
_KEPT = "_link_drivers"  # the drivers this session last had: not a widget key, never cleaned
_WARNINGS = "_link_warnings"  # (page the link opened, messages), once per session


def _file_drivers(name: str | None) -> Drivers:
    """Return the drivers of the scenario file (or this session's draft of it) named `name`."""
    files = scenario_files()
    path = files.get(name or DEFAULT_SCENARIO) or next(iter(files.values()), None)
    if path is None:
        return Drivers()
    try:
        scenario = load(path)
    except BudgetInputError:
        return Drivers()
    draft = get_draft(path)
    return (scenario if draft is None else draft.scenario).drivers


def _scenario_name() -> str | None:
    """Return the scenario this run shows: the picker's choice, else the link's."""
    chosen = st.session_state.get(SCENARIO_KEY, st.query_params.get(SCENARIO_KEY))
    return None if chosen is None else str(chosen)


def _link_values() -> dict[str, str]:
    """Return the URL's scenario and driver values (the keys the view is made of)."""
    values: dict[str, str] = {}
    linked = st.query_params.get(SCENARIO_KEY)
    if linked is not None:
        values[SCENARIO_KEY] = str(linked)
    for slider in SLIDERS.values():
        raw = st.query_params.get(slider.url_key)
        if raw is not None:
            values[slider.url_key] = str(raw)
    return values


def link_problems(params: dict[str, str], names: list[str], drivers: Drivers) -> list[str]:
    """Return a sentence for each value of a link the page cannot show (and so leaves out)."""
    problems: list[str] = []
    linked = params.get(SCENARIO_KEY)
    if linked is not None and linked not in names:
        problems.append(f"The link names the scenario '{linked}', which is not in "
                        f"{scenario_dir().name}/: the page shows "
                        f"'{DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]}'.")
    for name, slider in SLIDERS.items():
        raw = params.get(slider.url_key)
        if raw is None:
            continue
        file_value = float(getattr(drivers, name))
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(f"The link's {slider.url_key}={raw} is not a number: every page "
                            f"uses the file's value, {file_value:g}.")
        elif not slider.accepts(value, file_value):
            problems.append(f"The link's {slider.url_key}={raw} is outside the slider's "
                            f"{slider.low:g} to {slider.top(file_value):g}: every page uses the "
                            f"file's value, {file_value:g}.")
    return problems


def follow_link(page: str) -> None:
    """Keep the drivers in the URL on every page, and warn once about a link's bad values.

    Called by app.py before the page runs. The sliders bind the drivers to the URL only while
    they are on screen; on every other page the last moved values are written back, so the
    address bar always reproduces what the screen shows.
    """
    params = _link_values()
    drivers = _file_drivers(_scenario_name())
    if _WARNINGS not in st.session_state:  # this session's first run: the link as pasted
        names = list(scenario_files())
        st.session_state[_WARNINGS] = (page, link_problems(params, names, drivers)
                                       if names else [])
    opened, warnings = st.session_state[_WARNINGS]
    if opened == page:
        for warning in warnings:
            st.warning(md_escape(warning), icon=":material/link_off:")
    kept: dict[str, float] = st.session_state.setdefault(_KEPT, {})
    for name, slider in SLIDERS.items():
        file_value = float(getattr(drivers, name))
        value = st.session_state.get(slider.url_key)
        if value is None and slider.url_key in params and page not in SLIDER_PAGES:
            try:
                value = float(params[slider.url_key])
            except ValueError:
                value = None
        if value is not None and slider.accepts(float(value), file_value):
            kept[slider.url_key] = float(value)
        if page in SLIDER_PAGES:
            continue  # the sliders own these keys while they are on screen
        moved = kept.get(slider.url_key)
        if moved is not None and moved != file_value:
            st.query_params[slider.url_key] = f"{moved:.12g}"
        elif st.query_params.get(slider.url_key) is not None:
            del st.query_params[slider.url_key]
