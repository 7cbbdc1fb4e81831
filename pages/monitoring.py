"""Monitoring: burn rate vs plan and budget, variances, alerts, reforecast, weekly digest."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from budget.alerts import AlertSettings, planned_gpu_hours_per_run  # noqa: E402
from budget.backtest import score_rows, track_record  # noqa: E402
from budget.burn import VARIANCE_DIMENSIONS, burn_rate, month_to_date, variance_by  # noqa: E402
from budget.charts import (  # noqa: E402
    alert_marks,
    burn_chart,
    month_to_date_chart,
    reforecast_chart,
)
from budget.deltas import percent_change  # noqa: E402
from budget.digest import digest_markdown, on_page  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import sentence, usd  # noqa: E402
from budget.intervals import interval_label  # noqa: E402
from budget.periods import last_days  # noqa: E402
from budget.reforecast import leading_indicators  # noqa: E402
from budget.rows import alert_rows, reforecast_rows  # noqa: E402
from budget.weeks import default_week, recent_weeks  # noqa: E402
from ui.cache import (  # noqa: E402
    cached_alerts,
    cached_backtest,
    cached_reforecast,
    fingerprint,
)
from ui.money import money_column  # noqa: E402
from ui.picker import covering_hint, pick_scenario  # noqa: E402
from ui.source import choose_source, read_actuals, source_caption  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

USD = money_column()
PCT = st.column_config.NumberColumn(format="percent")
DIMENSION_LABELS = {"model": "Model", "endpoint": "Endpoint", "team": "Team",
                    "environment": "Environment"}


st.title("Monitoring")
scenario = pick_scenario()
folder, tag_map = choose_source("mon")
billing, telemetry = read_actuals(folder, tag_map)
st.caption(source_caption(folder, billing) + " · amortised (effective) cost, USD rows")
files = fingerprint(folder)

try:
    burn = burn_rate(billing, scenario)
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
    st.stop()

# ---- Burn rate --------------------------------------------------------------------------------
st.subheader(f"{pd.Period(burn.month):%B %Y}, day {burn.days_elapsed} of {burn.days_in_month}")
if scenario is not None and not burn.plan_in_horizon:
    st.caption(md_escape(f"The plan “{scenario.name}” runs {scenario.start} for "
                         f"{scenario.months} months and does not cover {burn.month}: the actuals "
                         f"are compared with its nearest month, {burn.plan_month}, as a run-rate "
                         f"check. {covering_hint(burn.month)}"))
k1, k2, k3, k4 = st.columns(4)
k1.metric("Month to date", usd(burn.mtd_usd), percent_change(burn.mtd_usd, burn.plan_mtd_usd),
          delta_color="inverse", border=True,
          help="Spend from the 1st to the last day of the exports; the delta is against the "
          "plan's month, pro rata to the days elapsed.")
k2.metric("7-day run rate", f"{usd(burn.run_rate_usd_per_day)}/day",
          percent_change(burn.run_rate_usd_per_day, burn.plan_usd_per_day),
          delta_color="inverse", border=True,
          help="Average daily spend over the last 7 days; the delta is against the plan's "
          "daily rate.")
k3.metric("Projected month-end", usd(burn.projected_month_end_usd),
          percent_change(burn.projected_month_end_usd, burn.budget_month_usd),
          delta_color="inverse", border=True, help="Month to date plus the 7-day run rate for "
          "the days left; the delta is against the monthly budget.")
k4.metric("Monthly budget", usd(burn.budget_month_usd) if burn.budget_month_usd else "not set",
          border=True, help="The scenario's [budget] monthly (docs/scenario-format.md). Plan "
          f"for the month: {usd(burn.plan_month_usd)}.")

settings_cols = st.columns([1, 1, 2])
threshold_pct = settings_cols[0].number_input(
    "Unit-cost alert threshold (%)", 1.0, 500.0, 18.0, 1.0, key="mon_threshold",
    bind="query-params",
    help="Alert when an endpoint's cost per 1K requests over 7 days is this much above the 7 "
    "days before…")
floor_usd = settings_cols[1].number_input(
    "…and the weekly impact is at least (USD)", 0.0, 1e7, 200.0, 50.0, key="mon_floor",
    bind="query-params",
    help="…so small endpoints do not page anyone.")
settings = AlertSettings(unit_cost_threshold=threshold_pct / 100, unit_cost_floor_usd=floor_usd)
alerts = cached_alerts(str(folder), tag_map, settings, planned_gpu_hours_per_run(scenario),
                       files)

left, right = st.columns(2, gap="large")
with left:
    st.markdown("**Daily spend, last 90 days**")
    st.altair_chart(burn_chart(last_days(burn.daily, burn.as_of, 90), alert_marks(alerts)),
                    width="stretch")
with right:
    st.markdown("**This month, cumulative**")
    st.altair_chart(month_to_date_chart(month_to_date(burn)), width="stretch")
with st.expander("Daily spend table"):
    table_with_download(burn.daily, "daily spend", "monitoring-daily.csv", "mon_dl_daily", {
        "day": st.column_config.DateColumn("Day", format="YYYY-MM-DD"), "cost_usd": USD,
        "run_rate_usd_per_day": USD, "plan_usd_per_day": USD, "budget_usd_per_day": USD})

# ---- Variance -----------------------------------------------------------------------------------
st.subheader("Variance against the plan, month to date")
if scenario is None:
    st.info("Pick a scenario in the sidebar to compare with its plan.")
else:
    st.caption("Actual minus the plan's month pro rata, largest first (either way). "
               "'(no model tag)' and the like are cost without that tag: shown, never dropped.")
    tabs = st.tabs(list(DIMENSION_LABELS.values()))
    for tab, dimension in zip(tabs, VARIANCE_DIMENSIONS, strict=True):
        with tab:
            table_with_download(
                variance_by(billing, burn, scenario, dimension),
                f"variance by {dimension}", f"variance-by-{dimension}.csv",
                f"mon_dl_var_{dimension}",
                {dimension: DIMENSION_LABELS[dimension],
                 "actual_usd": money_column("Actual"),
                 "plan_usd": money_column("Plan"),
                 "variance_usd": money_column("Variance"),
                 "variance_pct": st.column_config.NumberColumn("Variance %",
                                                               format="percent")})

# ---- Alerts -------------------------------------------------------------------------------------
st.subheader("Trend-break alerts")
st.caption("On rates, not totals: unit cost week over week per endpoint and environment, daily "
           "run-rate spend (robust z-score), training runs past their forecast, requests jumping "
           "without a release, runaway experiments.")
if alerts:
    table = alert_rows(alerts)
    table_with_download(table, "alerts", "alerts.csv", "mon_dl_alerts", {
        "start": st.column_config.DateColumn("Began", format="YYYY-MM-DD"),
        "expected": st.column_config.NumberColumn(format="%,.2f"),
        "actual": st.column_config.NumberColumn(format="%,.2f"), "change": PCT,
        "impact_usd": USD})
    st.caption("Start an incident record from an alert on the Governance page.")
else:
    st.success("No alerts with these settings.")

# ---- Reforecast ---------------------------------------------------------------------------------
st.subheader("Reforecast from actuals")
try:
    with st.spinner("Fitting the seasonal model…"):
        refit = cached_reforecast(str(folder), tag_map, "effective_cost",
                                  scenario.budget_monthly if scenario else None, files)
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
else:
    st.caption(md_escape(f"{refit.model}; {interval_label(refit.interval)} interval from 1,000 "
                         "simulated paths."))
    try:
        with st.spinner("Scoring past reforecasts against the actuals…"):
            record = cached_backtest(str(folder), tag_map, "reforecast", files)
    except BudgetInputError as exc:
        st.info(md_escape(f"No track record: {exc}."))
    else:
        st.info(md_escape(track_record(record)), icon=":material/history:")
        with st.expander("How good these reforecasts have been, 1 to 3 months ahead"):
            st.caption("Rolling origin: from each full month, the reforecast fitted on the days "
                       "up to its end, against the months that followed (`python -m budget "
                       "backtest --method reforecast`).")
            table_with_download(score_rows(record), "reforecast track record",
                                "reforecast-backtest.csv", "mon_dl_backtest", {
                                    "months_ahead": "Months ahead", "origins": "Months scored",
                                    **{c: st.column_config.NumberColumn(label, format="percent")
                                       for c, label in (("mape", "MAPE"), ("bias", "Bias"),
                                                        ("naive_mape", "Naive MAPE"),
                                                        ("interval_coverage", "Inside P10–P90"))}})
    cols = st.columns(len(refit.periods))
    for col, period in zip(cols, refit.periods, strict=True):
        col.metric(sentence(period.label), usd(period.forecast_usd),
                   percent_change(period.forecast_usd, period.budget_usd), delta_color="inverse",
                   border=True, help=f"Actual so far {usd(period.actual_usd)} plus the forecast "
                   f"to {period.end}; range {usd(period.low_usd)} to {usd(period.high_usd)}; "
                   f"budget {usd(period.budget_usd)}.")
    st.altair_chart(reforecast_chart(refit.history, refit.daily), width="stretch")
    periods = reforecast_rows(refit.periods)
    table_with_download(periods, "reforecast", "reforecast.csv", "mon_dl_reforecast", {
        "period": "Period", "end": st.column_config.DateColumn("Ends", format="YYYY-MM-DD"),
        **{column: money_column(label) for column, label in (
            ("actual_usd", "Actual so far"), ("low_usd", "Low"), ("forecast_usd", "Forecast"),
            ("high_usd", "High"), ("budget_usd", "Budget"))}})

st.markdown("**Leading indicators** (last 28 days vs the 28 before)")
indicators = leading_indicators(billing, telemetry)
for col, indicator in zip(st.columns(len(indicators)), indicators, strict=True):
    col.metric(md_escape(indicator.name), indicator.recent_text, indicator.change_text,
               delta_color="off",
               chart_data=indicator.weekly["value"].tolist(), chart_type="line", border=True,
               help=f"{indicator.unit}; 28 days before: {indicator.previous:,.2f}. The line is "
               "the weekly value.")

# ---- Digest -------------------------------------------------------------------------------------
st.subheader("Weekly digest")
weeks = recent_weeks(burn.as_of, 12)
labels = [w.label for w in weeks]
complete = {w.label for w in weeks if w.complete}
week = st.selectbox("Week", labels, index=default_week(weeks),
                    key="mon_week", bind="query-params", format_func=lambda w: w if w in complete
                    else f"{w} (in progress)",
                    help="ISO week, Monday to Sunday. The default is the last complete week.")
try:
    text = digest_markdown(billing, telemetry, week, scenario, alerts)
except BudgetInputError as exc:  # the page's control, not the CLI's --week
    st.error(md_escape(exc.relabel("Week").message if exc.file == "--week" else str(exc)))
else:
    with st.container(border=True):  # the chat's headings, two sizes smaller on the page
        st.markdown(on_page(text))
    st.download_button("Download digest (Markdown)", text, file_name=f"digest-{week}.md",
                       mime="text/markdown", icon=":material/download:", key="mon_dl_digest",
                       help="The digest as Markdown, ready to paste into the team's chat.")
    with st.expander("Markdown source, to copy"):
        st.code(text, language="markdown")
