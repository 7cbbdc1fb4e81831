"""Showback and chargeback: what each team spends, and its share of the shared platform."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import json  # noqa: E402

import streamlit as st  # noqa: E402

from budget.allocation import (  # noqa: E402
    COST_BASES,
    EXAMPLE_WEIGHTS,
    WEIGHTED_METHODS,
    chargeback,
    chargeback_json,
    editable_weights,
    edited_weights,
    period_rows,
    showback,
    tagged_teams,
)
from budget.charts import allocation_chart  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import usd  # noqa: E402
from budget.periods import period_choices  # noqa: E402
from ui.money import BILLED_DECIMALS, money_column  # noqa: E402
from ui.source import choose_source, read_actuals, source_caption  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

USD = money_column(decimals=BILLED_DECIMALS)
METHOD_LABELS = {"headcount": "Headcount", "usage": "Usage (direct cost)",
                 "revenue": "Revenue share", "even": "Evenly"}


st.title("Showback & chargeback")
folder, tag_map = choose_source("chg")
billing, _ = read_actuals(folder, tag_map)
st.caption(source_caption(folder, billing))

periods, default_period = period_choices(billing["day"])
c1, c2, c3 = st.columns([1, 1, 1])
period = c1.selectbox("Period", periods, index=default_period,
                      key="chg_period", bind="query-params",
                      help="A calendar month (the default is the last full "
                      "month of the exports) or every date in them.")
basis = c2.radio("Cost basis", list(COST_BASES), horizontal=True, key="chg_basis",
                 bind="query-params",
                 format_func=lambda b: "Amortised (EffectiveCost)" if b == "EffectiveCost"
                 else "Invoiced (BilledCost)",
                 help="Amortised cost spreads commitments over the usage they cover: the fair "
                 "basis for charging teams. Billed cost is what the invoice says.")
currencies = sorted(billing["currency"].unique())
currency = c3.selectbox("Currency", currencies, key="chg_currency", bind="query-params",
                        help="Amounts are never added across currencies.")
rows = period_rows(billing, str(currency), str(period))
measure = COST_BASES[str(basis)]

# ---- Showback ---------------------------------------------------------------------------------
st.subheader("Showback: what each team spends")
st.caption("Reported, not billed: the first step, to build trust. Cost without a team tag is "
           "its own line, never spread.")
try:
    shown = showback(rows, measure, source="the billing export")
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
    st.stop()
table_with_download(shown, "showback", f"showback-{period}.csv", "chg_dl_showback", {
    "team": "Team", "gpu_hours": st.column_config.NumberColumn("GPU-hours", format="%,.0f"),
    **{column: money_column(label, decimals=BILLED_DECIMALS) for column, label in (
        ("inference_usd", "Inference"), ("training_usd", "Training"),
        ("experimentation_usd", "Experimentation"), ("storage_usd", "Storage"),
        ("platform_usd", "Platform & other"), ("total_usd", "Total"))}})

# ---- Chargeback -------------------------------------------------------------------------------
st.subheader("Chargeback: direct cost plus a share of the platform")
teams = tagged_teams(rows)
c1, c2 = st.columns([1, 1])
method = c1.radio("Share the platform pool by", list(METHOD_LABELS), horizontal=True,
                  key="chg_method", bind="query-params", format_func=METHOD_LABELS.__getitem__,
                  help="Headcount or revenue: the weights below (edit them). Usage: each team's "
                  "direct cost. Evenly: the same share each.")
shared = c2.multiselect("Shared teams (the pool)", teams, default=[t for t in ("platform",)
                                                                    if t in teams],
                        key="chg_shared", bind="query-params",
                        help="Teams whose cost is shared platform cost, "
                        "split among the others.")
weights = None
if method in WEIGHTED_METHODS:
    receivers = [t for t in teams if t not in shared]
    edited = st.data_editor(
        editable_weights(str(method), receivers), key=f"chg_weights_{method}",
        hide_index=True, num_rows="dynamic", width="stretch",
        column_config={"team": st.column_config.TextColumn("Team", required=True),
                       "weight": st.column_config.NumberColumn(
                           f"{METHOD_LABELS[str(method)]} weight", min_value=0.0,
                           required=True, help="Any unit: only the ratios matter.")})
    weights = edited_weights(edited.to_dict("records"), shared)
    st.caption(f"Starts from {EXAMPLE_WEIGHTS}; edits last for this session. Teams not listed "
               "pay no shared cost.")
try:
    result = chargeback(rows, str(method), weights, str(basis), tuple(shared),
                        weights_source="the weights table")
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
    st.stop()
if result.teams_without_weight:
    st.warning(md_escape("No weight for " + ", ".join(result.teams_without_weight) + ": they pay "
                         "no shared cost. Add them to the table above."), icon=":material/warning:")
k1, k2, k3, k4 = st.columns(4)
k1.metric("Direct (controllable)", usd(result.direct_usd, 2),
          border=True, help="Cost tagged to the teams themselves: theirs to control with "
          "smaller models, caching, batching, prompt compression, slower refresh.")
k2.metric("Shared pool", usd(result.pool_usd, 2), border=True,
          help="The shared teams' cost, split by the method above to the cent.")
k3.metric("Unallocated", usd(result.unallocated_usd, 2), border=True,
          help="Cost with no team tag: shown on its own line, never spread. Tag it to shrink it.")
k4.metric("Total", usd(result.total_usd, 2), border=True,
          help="Team totals plus unallocated: equal to the period's cost to the cent.")
chart_col, table_col = st.columns([2, 3], gap="large")
chart_col.altair_chart(allocation_chart(result.table), width="stretch")
with table_col:
    table_with_download(result.table, "chargeback", f"chargeback-{method}-{period}.csv",
                        "chg_dl_chargeback", {
                            "team": "Team",
                            "direct_usd": money_column(
                                "Direct (controllable)", decimals=BILLED_DECIMALS),
                            "shared_usd": money_column(
                                "Shared", decimals=BILLED_DECIMALS),
                            "total_usd": money_column(
                                "Total", decimals=BILLED_DECIMALS),
                            "weight": st.column_config.NumberColumn("Weight", format="%,.4g")})
    st.download_button("Download chargeback (JSON)",
                       json.dumps(chargeback_json(result), indent=2),
                       file_name=f"chargeback-{method}-{period}.json", mime="application/json",
                       icon=":material/data_object:", key="chg_dl_json",
                       help="The same JSON as `python -m budget chargeback … --format json`.")
st.caption(f"Check: team totals {usd(result.teams_usd, 2)} + unallocated "
           f"{usd(result.unallocated_usd, 2)} = {usd(result.total_usd, 2)}; shared shares "
           f"sum to the pool exactly (largest-remainder rounding to the cent).")
