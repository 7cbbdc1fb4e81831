"""The five driver sliders, shared by the planner and sensitivity pages through one set of keys."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import streamlit as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.fmt import input_value, sentence
from budget.inputs import INPUTS_BY_NAME, SLIDERS
from budget.readouts import driver_readouts
from budget.scenario_model import Drivers, Scenario
from budget.scenario_toml import save_version as save_scenario_version
from ui.config import scenario_dir
from ui.picker import selected_scenario
from ui.text import md_escape

# The sliders are budget.inputs.SLIDERS. Their URL keys are a public contract:
# ?scenario=…&plan_volume=1.2 reproduces a view.


def reset_sliders(drivers: Drivers) -> None:
    """Set every slider to the scenario file's driver value (and so drop it from the URL)."""
    for name, slider in SLIDERS.items():
        st.session_state[slider.url_key] = float(getattr(drivers, name))


def reset_for_new_scenario() -> None:
    """After a scenario switch, start the sliders from the new file's drivers."""
    scenario = selected_scenario()
    reset_sliders(scenario.drivers if scenario is not None else Drivers())


def driver_sliders(base: Scenario) -> Scenario:
    """Show one slider per driver with its absolute meaning; return the adjusted scenario."""
    st.subheader("Drivers")
    # The captions depend on every slider (output length moves the blended token price), so
    # read this run's values (session, else the URL) first and write each caption straight
    # under its slider: one element each instead of a placeholder filled later.
    readouts = driver_readouts(scenario_from_url(base))
    values: dict[str, float] = {}
    for name, slider in SLIDERS.items():
        declared = INPUTS_BY_NAME[name]
        file_value = float(getattr(base.drivers, name))
        values[name] = st.slider(
            declared.label,
            min_value=slider.low,
            max_value=slider.top(file_value),
            value=file_value,
            step=slider.step,
            format=declared.slider_format,
            key=slider.url_key,
            bind="query-params",
            help=slider_help(name, file_value),
        )
        st.caption(md_escape(readouts[name]))
    adjusted = base.with_drivers(**values)
    st.button("Reset to the file's drivers", on_click=reset_sliders, args=(base.drivers,),
              icon=":material/restart_alt:",
              help="Set every slider back to the value in the scenario file.")
    try:  # the version of the file these sliders were set against
        loaded: tuple[int, int] | None = file_stamp(Path(base.source))
    except BudgetInputError:
        loaded = None
    st.button("Save as a new version", on_click=save_version, args=(adjusted, loaded),
              icon=":material/save:",
              help="Writes these drivers into a new scenario file beside the original, to "
              "review and diff like code. Never replaces a file.")
    saved = st.session_state.pop("saved_version", None)
    if saved:
        kind, text = saved
        (st.success if kind == "success" else st.info if kind == "info" else st.error)(
            md_escape(text))
    return adjusted


def slider_help(name: str, file_value: float) -> str:
    """Return a slider's help: the input's help, what 1.00× means and the file's value."""
    return (f"{sentence(INPUTS_BY_NAME[name].help)}. {input_value(name, 1.0)} is the workloads "
            f"as written; the file sets {input_value(name, file_value)}.")


def save_version(adjusted: Scenario, loaded: tuple[int, int] | None) -> None:
    """Button callback: write the adjusted scenario as a new file (never over an old one).

    Refused when the file changed on disk since the page read it; a second click on the same
    drivers names the file the first one wrote.
    """
    try:
        result = save_scenario_version(scenario_dir(), adjusted, datetime.now(), loaded)
    except BudgetInputError as exc:
        st.session_state["saved_version"] = ("error", str(exc))
        return
    st.session_state["saved_version"] = (
        ("success", f"Saved as {result.path.name}.") if result.created
        else ("info", f"Already saved as {result.path.name}: these drivers are in it."))


def scenario_from_url(base: Scenario) -> Scenario:
    """Return base with the drivers the planner's sliders left in the URL (or session)."""
    values: dict[str, float] = {}
    for name, slider in SLIDERS.items():
        raw = st.session_state.get(slider.url_key, st.query_params.get(slider.url_key))
        try:
            value = float(raw) if raw is not None else None
        except (TypeError, ValueError):
            value = None  # a hand-edited URL: ignore the bad value, as the sliders do
        if value is not None and slider.accepts(value, getattr(base.drivers, name)):
            values[name] = value
    return base.with_drivers(**values)
