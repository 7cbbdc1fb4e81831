"""Actuals: what the company spends, by model, endpoint, team, environment and workload class."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from budget.actuals import (  # noqa: E402
    ActualsFilter,
    actuals_kpis,
    daily_trend,
    dimension_values,
    endpoint_unit_costs,
    recent_unit_costs,
    spend_by,
)
from budget.calibrate import calibration  # noqa: E402
from budget.charts import daily_trend_chart, spend_by_chart  # noqa: E402
from budget.dimensions import NO_TAG  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import money, usd  # noqa: E402
from budget.periods import between, date_span, window_start  # noqa: E402
from budget.storage import save_new  # noqa: E402
from ui.config import scenario_dir  # noqa: E402
from ui.money import BILLED_DECIMALS, UNIT_DECIMALS, money_column  # noqa: E402
from ui.source import choose_source, read_actuals, source_caption  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

FILTER_DIMENSIONS = {"team": "Team", "environment": "Environment", "model": "Model",
                     "endpoint": "Endpoint", "workload_class": "Workload class"}
FILTER_KEYS = {"team": "act_filter_team", "environment": "act_filter_environment",  # URL keys
               "model": "act_filter_model", "endpoint": "act_filter_endpoint",
               "workload_class": "act_filter_workload_class"}
TABS = {"model": "Model", "endpoint": "Endpoint", "team": "Team", "environment": "Environment",
        "workload_class": "Workload class", "provider": "Cloud", "procurement": "Pricing"}


def filters(rollup: pd.DataFrame) -> tuple[ActualsFilter, str]:
    """Show currency, date range, measure and dimension filters; return the filter and measure."""
    currencies = sorted(rollup["currency"].unique())
    first, last = date_span(rollup["day"])
    cols = st.columns([1, 2, 2])
    currency = cols[0].selectbox(
        "Currency", currencies, key="act_currency", bind="query-params",
        help="Amounts are never added across currencies; pick one to look at.")
    default_start = window_start(first, last, 90)
    picked = cols[1].date_input(
        "Dates", (default_start, last), min_value=first, max_value=last, key="act_dates",
        bind="query-params",
        help="Charge days to include (inclusive). The default is the last 90 days.")
    start, end = (picked if isinstance(picked, tuple) and len(picked) == 2
                  else (default_start, last))
    measure = cols[2].radio(
        "Cost", ["effective_cost", "billed_cost"], horizontal=True, key="act_measure",
        bind="query-params",
        format_func=lambda m: "Effective (amortised)" if m == "effective_cost" else "Billed",
        help="Effective cost spreads commitment purchases over the usage they cover; billed "
        "cost is what the invoice says (purchases on the day they are billed).")
    values = dimension_values(rollup, list(FILTER_DIMENSIONS))
    chosen = []
    dims = st.columns(len(FILTER_DIMENSIONS))
    for col, (dimension, label) in zip(dims, FILTER_DIMENSIONS.items(), strict=True):
        picked_values = col.multiselect(
            label, values[dimension], key=FILTER_KEYS[dimension], bind="query-params",
            help=f"Only these {label.lower()} values; empty means all. "
            f"'{NO_TAG[dimension]}' is cost without that tag.")
        chosen.append((dimension, tuple(picked_values)))
    return ActualsFilter(str(currency), start, end, tuple(chosen)), str(measure)


st.title("Actual spend")
folder, tag_map = choose_source("act")
billing, telemetry = read_actuals(folder, tag_map)
st.caption(source_caption(folder, billing))
chosen, measure = filters(billing)
rows = chosen.apply(billing)
tele = between(telemetry, chosen.start, chosen.end)
if rows.empty:
    st.warning("Nothing matches these filters. Widen the dates or clear a filter.")
    st.stop()

trend = daily_trend(rows, tele, measure)
kpis = actuals_kpis(rows, trend, measure)
k1, k2, k3, k4 = st.columns(4)
cur = chosen.currency
k1.metric("Total", money(kpis.total, cur, BILLED_DECIMALS), border=True,
          help="Sum over the filtered rows and dates; credits (negative) included.")
k2.metric("Daily run-rate (last 7 days)", money(kpis.run_rate_7d, cur),
          border=True, help="Average cost per day over the last seven days in the range.")
share = kpis.unallocated_share
k3.metric("Unallocated: no team tag" + (f" ({share:.1%})" if share is not None else ""),
          money(kpis.unallocated, cur, BILLED_DECIMALS), border=True,
          help="Cost with no owning team: shown, never dropped, and kept on its own line in "
          "showback and chargeback. In the tabs below, '(no model tag)' and the like are cost "
          "without that one tag.")
k4.metric("Inference per 1K requests",
          money(kpis.inference_per_1k_requests, cur, decimals=4)
          if kpis.inference_per_1k_requests is not None else "—", border=True,
          help="Real-time and batch inference cost divided by telemetry requests, × 1,000.")

st.subheader("Daily spend and unit cost")
st.altair_chart(daily_trend_chart(trend, cur), width="stretch")
MONEY = money_column(decimals=BILLED_DECIMALS, currency=cur)
DAY = st.column_config.DateColumn("Day", format="YYYY-MM-DD")
table_with_download(trend, "daily trend", "actuals-daily.csv", "act_dl_daily", {
    "day": DAY, "cost": MONEY, "inference_cost": MONEY,
    "requests": st.column_config.NumberColumn(format="%,.0f"),
    "usd_per_1k_requests": money_column("Per 1K requests", decimals=UNIT_DECIMALS, currency=cur)})

st.subheader("Where it goes")
tabs = st.tabs(list(TABS.values()))
for tab, (dimension, label) in zip(tabs, TABS.items(), strict=True):
    with tab:
        table = spend_by(rows, dimension, measure, top=12)
        chart_col, table_col = st.columns([3, 2], gap="large")
        chart_col.altair_chart(spend_by_chart(table, dimension, cur), width="stretch")
        with table_col:
            table_with_download(
                table, f"spend by {label.lower()}", f"actuals-by-{dimension}.csv",
                f"act_dl_{dimension}",
                {"cost": money_column(f"Cost ({cur})", decimals=BILLED_DECIMALS, currency=cur),
                 "share": st.column_config.NumberColumn("Share", format="percent")})

if not tele.empty:
    st.subheader("Unit cost per endpoint")
    st.caption("Billing joined with serving telemetry on day, endpoint and environment.")
    units = endpoint_unit_costs(rows, tele, measure)
    summary = recent_unit_costs(units, last_days=7)
    st.caption("Last seven days in the range:")
    unit_columns = {"cost": MONEY, "requests": st.column_config.NumberColumn(format="%,.0f"),
                    "input_tokens": st.column_config.NumberColumn(format="compact"),
                    "output_tokens": st.column_config.NumberColumn(format="compact"),
                    "usd_per_1k_requests": money_column("Per 1K requests", decimals=UNIT_DECIMALS,
                                                        currency=cur),
                    "usd_per_1m_tokens": money_column("Per 1M tokens", decimals=UNIT_DECIMALS,
                                                      currency=cur),
                    "day": DAY}
    table_with_download(summary, "endpoint unit costs (7 days)", "actuals-endpoint-units.csv",
                        "act_dl_units", unit_columns)
    with st.expander("Every day"):
        table_with_download(units, "endpoint unit costs (daily)", "actuals-endpoint-daily.csv",
                            "act_dl_units_daily", unit_columns)

def run_calibration(billing: pd.DataFrame, telemetry: pd.DataFrame) -> None:
    """Form callback: calibrate and keep the TOML (or the error) in the session."""
    weeks = int(st.session_state["act_cal_weeks"])
    name = st.session_state.get("act_cal_name") or None
    try:
        result = calibration(billing, telemetry, weeks, name)
    except BudgetInputError as exc:
        st.session_state["act_calibrated"] = None
        st.session_state["act_cal_message"] = ("error", md_escape(str(exc)))
        return
    st.session_state["act_calibrated"] = result.toml
    st.session_state["act_cal_message"] = (
        "success", f"{result.line_counts}; {result.first_month} forecast "
        f"{usd(result.first_month_usd)}.")


def save_calibrated() -> None:
    """Button callback: add the calibrated scenario as a new file (never replacing one)."""
    name = st.session_state.get("act_cal_name") or "calibrated-from-actuals"
    saved = save_new(scenario_dir(), name, st.session_state["act_calibrated"])
    st.session_state["act_cal_message"] = (
        "success", f"Saved as {md_escape(saved.name)}. Pick it in the scenario list on the other "
        "pages.")


st.subheader("Calibrate a scenario from these actuals")
with st.form("act_calibrate"):
    c1, c2 = st.columns([1, 2])
    c1.slider("Weeks of history", 4, 26, 8, key="act_cal_weeks",
              help="Volumes, growth, tokens per request and effective GPU prices come from this "
              "many weeks before the last day of the exports; training cadence looks back 26 "
              "weeks.")
    c2.text_input("Scenario name", key="act_cal_name", placeholder="Calibrated from actuals",
                  help="Shown on every page; the file name is made from it.")
    st.form_submit_button("Calibrate", icon=":material/auto_fix_high:",
                          on_click=run_calibration, args=(billing, telemetry),
                          help="Derive a scenario from the exports (all in USD).")
message = st.session_state.get("act_cal_message")  # Markdown, user text escaped
if message:
    (st.error if message[0] == "error" else st.success)(message[1])
calibrated = st.session_state.get("act_calibrated")
if calibrated:
    with st.expander("The calibrated scenario file", expanded=True):
        st.code(calibrated, language="toml")
    d1, d2 = st.columns(2)
    d1.download_button("Download scenario (TOML)", calibrated, file_name="calibrated.toml",
                       mime="application/toml", icon=":material/download:", key="act_dl_toml",
                       help="The scenario as a file to review, edit and commit.")
    d2.button("Save to the scenario folder", icon=":material/save:", key="act_save",
              on_click=save_calibrated,
              help="Adds it as a new file beside the other scenarios; never replaces one.")
