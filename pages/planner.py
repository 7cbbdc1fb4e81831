"""Planner: move the five drivers and watch the monthly forecast and unit costs recompute."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import calendar  # noqa: E402
from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from budget.charts import monthly_category_data  # noqa: E402
from budget.forecast import Forecast  # noqa: E402
from budget.rows import (  # noqa: E402
    csv_bytes,
    gpu_hour_rows,
    monthly_rows,
    period_rows,
    workload_rows,
)
from budget.scenario_model import Scenario  # noqa: E402
from ui.cache import cached_forecast  # noqa: E402
from ui.charts import live_chart  # noqa: E402
from ui.drivers import driver_sliders, reset_for_new_scenario, scenario_from_url  # noqa: E402
from ui.kpis import kpis  # noqa: E402
from ui.money import UNIT_DECIMALS, money_column  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.tables import show_table, table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402
from ui.versions import save_form  # noqa: E402

SHOWN_WORKLOADS = 50  # rows of the workload table on screen before "Show all"
DOLLARS = money_column()
WORKLOAD_COLUMNS = {
    "workload": "Workload", "category": "Category", "team": "Owner (team)",
    "model": "Model / line", "environment": "Environment",
    # wide enough for 'self_hosted', 'lambda' and 'on_demand' whole at 1920 px
    "serving": st.column_config.TextColumn("Serving", width=100),
    "cloud": st.column_config.TextColumn("Cloud", width=80),
    "gpu": "GPU", "pricing": st.column_config.TextColumn("Pricing", width=100),
    "cost_usd": money_column("Horizon USD"),
    "first_month_usd": money_column("First month"),
    "last_month_usd": money_column("Last month"),
    "gpu_hours": st.column_config.NumberColumn("GPU-hours", format="%,.0f"),
    "requests": st.column_config.NumberColumn("Requests", format="compact"),
    "usd_per_1k_requests": money_column("USD / 1K req", decimals=UNIT_DECIMALS),
    "usd_per_1m_tokens": money_column("USD / 1M tok", decimals=UNIT_DECIMALS),
    "share_of_total": st.column_config.NumberColumn("Share", format="percent"),
}
TRAINING_COLUMNS = {
    "usd_per_run": money_column("USD per run"),
    "usd_per_quarter": money_column("USD per quarter"),
    "usd_horizon": money_column("USD over horizon"),
    "runs_per_quarter": st.column_config.NumberColumn("Runs per quarter", format="%.2f"),
    "gpu_hours_per_run": st.column_config.NumberColumn("GPU-hours per run", format="%,.0f"),
}


def tables(result: Forecast) -> None:
    """Show the detail tables, each with a CSV download."""
    # One table at a time, picked by a segmented control: only it is built and sent on a move.
    choice = st.segmented_control(
        "Detail", ["By workload", "By month", "By quarter", "By year", "Training projects",
                   "GPU-hours"],
        default="By workload", required=True, key="plan_table", label_visibility="collapsed",
        help="Which detail table to show; each downloads as CSV. Quarters and years are fiscal: "
        "they start in the month [scenario] fiscal_year_start_month names (January unless set).")
    stem = Path(result.scenario.source).stem
    if choice == "By workload":
        workloads(result, stem)
    elif choice == "By month":
        months = monthly_rows(result)
        table_with_download(months, "months", f"{stem}-months.csv", "plan_dl_months",
                            {c: DOLLARS for c in months.columns if c != "Month"})
    elif choice in ("By quarter", "By year"):
        period = "quarter" if choice == "By quarter" else "year"
        table = period_rows(result, period)
        start = result.scenario.fiscal_year_start_month
        st.caption(f"Fiscal {period}s from {calendar.month_name[start]} "
                   "([scenario] fiscal_year_start_month); a fiscal year is named for the "
                   "calendar year it ends in, and one the horizon cuts shows fewer months.")
        table_with_download(table, f"{period}s", f"{stem}-{period}s.csv", f"plan_dl_{period}",
                            {c: DOLLARS for c in table.columns
                             if c not in (period.capitalize(), "Months")})
    elif choice == "Training projects":
        st.caption("Training is a project cost: priced per run, one run per refresh.")
        table_with_download(result.training_projects(), "training projects",
                            f"{stem}-training.csv", "plan_dl_training", TRAINING_COLUMNS)
    else:
        hours = gpu_hour_rows(result)
        table_with_download(hours, "GPU-hours", f"{stem}-gpu-hours.csv", "plan_dl_gpu",
                            {c: st.column_config.NumberColumn(format="%,.0f")
                             for c in hours.columns if c != "month"})


def workloads(result: Forecast, stem: str) -> None:
    """Show the costliest workloads (every one on request) and download them all as CSV."""
    count = len(result.arrays.names)
    if count <= SHOWN_WORKLOADS:
        table_with_download(workload_rows(result), "workloads", f"{stem}-workloads.csv",
                            "plan_dl_workloads", WORKLOAD_COLUMNS)
        return
    # A big plan's table is sent to the browser on every slider move: the top rows by default.
    every = st.toggle(f"Show all {count:,} workloads", key="plan_all_workloads",
                      help=f"The table shows the {SHOWN_WORKLOADS} costliest workloads; the "
                      "download always has every workload.")
    if every:
        table_with_download(workload_rows(result), "workloads", f"{stem}-workloads.csv",
                            "plan_dl_workloads", WORKLOAD_COLUMNS)
        return
    st.caption(f"The {SHOWN_WORKLOADS} costliest of {count:,} workloads.")
    show_table(workload_rows(result, SHOWN_WORKLOADS), WORKLOAD_COLUMNS)
    st.download_button("Download workloads (CSV)", data=lambda: csv_bytes(workload_rows(result)),
                       file_name=f"{stem}-workloads.csv", mime="text/csv",
                       icon=":material/download:", key="plan_dl_workloads",
                       help=f"All {count:,} workloads as a CSV file, every column.")


@st.fragment
def live_panel(base: Scenario) -> None:
    """KPIs across the top, sliders left of the chart; reruns alone on a slider move."""
    # The headline numbers go out first (they are what people watch when a slider moves): read
    # the values the sliders are about to show, then draw the sliders under them.
    shown = scenario_from_url(base)
    kpi_row = st.empty()
    with kpi_row.container():
        kpis(cached_forecast(shown), cached_forecast(base))
    controls, chart = st.columns([1, 3], gap="large")
    with controls:
        adjusted = driver_sliders(base)
    result = cached_forecast(adjusted)
    if adjusted.drivers != shown.drivers:  # not expected; never leave stale numbers up
        with kpi_row.container():
            kpis(result, cached_forecast(base))
    with chart:
        live_chart("monthly", monthly_category_data(result), height=520)
    tables(result)


st.title("Budget planner")
scenario = pick_scenario(on_change=reset_for_new_scenario)
if scenario is not None:
    st.caption(
        f"**{md_escape(scenario.name)}** · {scenario.months} months from {scenario.start} · "
        f"{scenario.currency} · file {md_escape(Path(scenario.source).name)}. "
        "Inference is a monthly run-rate; training is priced per run."
    )
    live_panel(scenario)
    save_form(scenario)  # outside the fragment: a save reruns the page, and the picker re-lists
