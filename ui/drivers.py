"""The five driver sliders, shared by the planner and sensitivity pages through one set of keys."""

from __future__ import annotations

import streamlit as st

from budget.fmt import input_value, sentence
from budget.inputs import INPUTS_BY_NAME, SLIDERS
from budget.readouts import driver_readouts
from budget.scenario_model import Drivers, Scenario
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
    return adjusted


def slider_help(name: str, file_value: float) -> str:
    """Return a slider's help: the input's help, what 1.00× means and the file's value."""
    return (f"{sentence(INPUTS_BY_NAME[name].help)}. {input_value(name, 1.0)} is the workloads "
            f"as written; the file sets {input_value(name, file_value)}.")


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
