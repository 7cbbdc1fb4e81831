"""Sensitivity: which assumptions move the budget most, and the budget as a range."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from budget.charts import cases_data, fan_data, sobol_data, tornado_data  # noqa: E402
from budget.fmt import usd  # noqa: E402
from budget.forecast import Forecast  # noqa: E402
from budget.rows import (  # noqa: E402
    cases_rows,
    fan_rows,
    range_rows,
    sobol_rows,
    tornado_rows,
)
from budget.scenario_model import Scenario  # noqa: E402
from budget.sensitivity import (  # noqa: E402
    DEFAULT_DRAWS,
    MonteCarlo,
    SobolIndex,
    TornadoBar,
    cases_by_category,
    interaction_warning,
)
from ui.cache import (  # noqa: E402
    cached_forecast,
    cached_monte_carlo,
    cached_sobol,
    cached_tornado,
)
from ui.charts import live_chart  # noqa: E402
from ui.drivers import driver_sliders, reset_for_new_scenario, scenario_from_url  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

DOLLARS = money_column()
RANGE_HELP = (
    "Low and high are the 10th and 90th percentiles of the horizon total over "
    f"{DEFAULT_DRAWS:,} Monte Carlo draws, each input drawn from a triangular distribution fitted "
    "to its P10, expected value and P90. They are not every input at its extreme at once: "
    "stacking extremes describes a year in which everything goes wrong together, and overstates "
    "the range several-fold."
)
EXPECTED_HELP = ("The forecast with every input at its expected value (the sliders): the number "
                 "the planner shows. It is not the average of the simulated budgets (Mean), which "
                 "sits higher when ranges lean upward.")


@st.fragment
def live_panel(base: Scenario) -> None:
    """Everything that follows the sliders: range KPIs, tornado, fan, cases and Sobol."""
    stem = Path(base.source).stem
    # Progressive: the expected total (milliseconds) paints first, even before the sliders;
    # then the tornado, the Monte Carlo range next, and the Sobol indices (the slowest) last,
    # each as soon as it is ready.
    shown = scenario_from_url(base)  # the values the sliders are about to show
    low, expected, mean, median, high = st.columns(5)
    expected_slot = expected.empty()
    expected_slot.metric("Point forecast", usd(cached_forecast(shown).total_cost_usd),
                         border=True, help=EXPECTED_HELP)
    controls, tornado_col = st.columns([1, 3], gap="large")
    with controls:
        scenario = driver_sliders(base)
    result = cached_forecast(scenario)
    base_total, bars = cached_tornado(scenario)
    if scenario.drivers != shown.drivers:  # not expected; never leave a stale number up
        expected_slot.metric("Point forecast", usd(base_total), border=True, help=EXPECTED_HELP)
    with tornado_col:
        st.subheader("What moves the budget most")
        st.caption("Each input alone swung from its P10 to its P90, every other input at its "
                   "expected value. The black line is the point forecast. \"Non-linear\" marks "
                   "inputs whose midpoint total is off the mean of the two ends.")
        live_chart("tornado", tornado_data(base_total, bars))
    mc = cached_monte_carlo(scenario)
    low.metric("Low (P10)", usd(mc.p10), border=True, help=RANGE_HELP)
    mean.metric("Mean (Monte Carlo)", usd(mc.mean), border=True,
                help=f"The average of the {mc.draws:,} simulated budgets.")
    median.metric("Median (P50)", usd(mc.p50), border=True,
                  help="Half the simulated budgets are below this. Above the point forecast "
                  "when the ranges lean upward.")
    high.metric("High (P90)", usd(mc.p90), border=True, help=RANGE_HELP)
    fan, cases = st.columns(2, gap="large")
    with fan:
        st.subheader("Monthly range")
        st.caption(f"P10–P90 band and P50 of {mc.draws:,} simulated budgets; dashed: the point "
                   "forecast.")
        live_chart("fan", fan_data(result.months, mc.monthly_p10, mc.monthly_p50,
                                   mc.monthly_p90, result.total_usd.tolist()))
    rows = cases_by_category(scenario, mc)
    with cases:
        st.subheader("Low / point forecast / high")
        st.caption("Bar: P10 to P90 of each category on its own (so they do not add up to the "
                   "total's); tick: the point forecast.")
        live_chart("cases", cases_data(rows))
    st.subheader("Interactions (Sobol indices)")
    chart_col, text_col = st.columns([3, 2], gap="large")
    with st.spinner("Computing Sobol indices…"):
        indices = cached_sobol(scenario)
    with chart_col:
        live_chart("sobol", sobol_data(indices))
    with text_col:
        st.caption("Share of the total's variance each input explains alone (S1) and with its "
                   "interactions (ST), from SALib over the same distributions. Where ST is "
                   "well above S1 the input matters through its interplay with others. "
                   "An estimate just below 0 is sampling noise and shown as 0.")
        warning = interaction_warning(indices)
        if warning:
            st.warning(md_escape(warning))
    tables(stem, scenario, result, mc, rows, (base_total, bars), indices)


NUMBER_TABLES = ("Tornado", "Monthly range", "Low / point forecast / high", "Sobol indices",
                 "Ranges")


def tables(stem: str, scenario: Scenario, result: Forecast, mc: MonteCarlo,
           rows: list[dict[str, float | str]], tornado: tuple[float, list[TornadoBar]],
           indices: dict[str, SobolIndex]) -> None:
    """Show the numbers behind one chart at a time, each with its CSV download."""
    # One table at a time, and none until asked for: a table on screen costs the browser a
    # redraw per slider move (its dollar cells are formatted one by one), which measurably
    # delays the numbers above while the sliders move.
    st.subheader("The numbers")
    choice = st.segmented_control(
        "Table", NUMBER_TABLES, default=None, key="sens_table", label_visibility="collapsed",
        bind="query-params",
        help="Which table to show: the numbers behind each chart, and the ranges the "
        "simulation draws from. Each downloads as CSV.")
    if choice is None:
        st.caption("Pick a table to see the numbers behind a chart, with a CSV download.")
    elif choice == "Tornado":
        base_total, bars = tornado
        table_with_download(tornado_rows(base_total, bars, indices), "tornado",
                            f"{stem}-tornado.csv", "sens_dl_tornado", {
                                **{c: DOLLARS for c in ("low_total_usd", "high_total_usd",
                                                        "low_change_usd", "high_change_usd",
                                                        "swing_usd")},
                                "sobol_s1": st.column_config.NumberColumn("Sobol S1",
                                                                          format="%.3f"),
                                "sobol_st": st.column_config.NumberColumn("Sobol ST",
                                                                          format="%.3f")})
    elif choice == "Monthly range":
        table_with_download(fan_rows(result.months, mc, result.total_usd), "monthly range",
                            f"{stem}-monthly-range.csv", "sens_dl_fan", {c: DOLLARS for c in (
                                "p10_usd", "p50_usd", "p90_usd", "expected_usd")})
    elif choice == "Low / point forecast / high":
        table_with_download(cases_rows(rows), "low / point forecast / high", f"{stem}-cases.csv",
                            "sens_dl_cases", {c: DOLLARS for c in ("low_usd", "expected_usd",
                                                                    "high_usd")})
    elif choice == "Sobol indices":
        table_with_download(sobol_rows(indices), "Sobol indices", f"{stem}-sobol.csv",
                            "sens_dl_sobol", {c: st.column_config.NumberColumn(format="%.3f")
                                              for c in ("s1", "st", "interaction")})
    elif choice == "Ranges":
        st.caption("Each input's P10, expected value and P90 as the simulation draws them: the "
                   "expected value is the slider, the ends move with it.")
        table_with_download(range_rows(scenario), "ranges", f"{stem}-ranges.csv",
                            "sens_dl_ranges")


st.title("Sensitivity and uncertainty")
base_scenario = pick_scenario(on_change=reset_for_new_scenario)
if base_scenario is not None:
    st.caption(f"**{md_escape(base_scenario.name)}** · the budget as a range. The sliders set "
               "the expected values; each input's P10–P90 range moves with it.")
    live_panel(base_scenario)
