"""Compare 2 to 6 scenarios against a base, by month and category, with a bridge between two."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import streamlit as st  # noqa: E402

from budget.bridge import bridge  # noqa: E402
from budget.charts import (  # noqa: E402
    bridge_chart,
    category_variance_chart,
    monthly_versions_chart,
)
from budget.comparison import COMPARE_SCENARIOS, compare  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import signed_usd, usd  # noqa: E402
from budget.rows import bridge_rows  # noqa: E402
from ui.cache import cached_forecast, load  # noqa: E402
from ui.config import scenario_files  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

FEWEST, MOST = COMPARE_SCENARIOS


def open_bridge_from_base(always: bool) -> None:
    """Point the bridge from the base to the first other scenario (always, or when it points
    at a scenario no longer chosen)."""
    chosen = st.session_state.get("cmp_files") or []
    base = st.session_state.get("cmp_base")
    base = base if base in chosen else (chosen[0] if chosen else None)
    others = [n for n in chosen if n != base]
    ends = (st.session_state.get("cmp_old"), st.session_state.get("cmp_new"))
    if others and (always or not all(end in chosen for end in ends)):
        st.session_state["cmp_old"], st.session_state["cmp_new"] = base, others[0]



st.title("Compare versions")
files = scenario_files()
names = list(files)
if len(names) < FEWEST:
    st.error(f"Comparing needs at least {FEWEST} scenario files in the scenario folder.")
    st.stop()
left, right = st.columns([3, 1])
chosen = left.multiselect(
    "Scenarios", names, default=[n for n in ("fy27-plan", "fy27-cost-down") if n in names]
    or names[:FEWEST], key="cmp_files", bind="query-params", max_selections=MOST,
    on_change=open_bridge_from_base, args=(False,),
    help=f"The scenario files to compare, {FEWEST} to {MOST}; each is forecast with its own "
    "drivers.")
if not FEWEST <= len(chosen) <= MOST:
    st.warning(f"Choose {FEWEST} to {MOST} scenarios to compare ({len(chosen)} chosen).")
    st.stop()
base_name = right.selectbox("Base", chosen, key="cmp_base", bind="query-params",
                            on_change=open_bridge_from_base, args=(True,),
                            help="The scenario the others are held against: each change is "
                            "theirs minus the base's.")
try:
    plans = {name: load(files[name]) for name in chosen}
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
    st.stop()
result = compare([(name, cached_forecast(plans[name])) for name in chosen],
                 chosen.index(base_name))

for col, compared in zip(st.columns(len(chosen)), result.scenarios, strict=True):
    is_base = compared is result.base
    col.metric(md_escape(compared.label) + (" (base)" if is_base else ""),
               usd(compared.total_usd), None if is_base else compared.delta_text,
               delta_color="inverse", border=True,
               help=md_escape(f"{compared.forecast.scenario.name}: horizon total, "
                              f"{compared.forecast.months[0]} to {compared.forecast.months[-1]}"
                              + ("." if is_base else f"; the change is against "
                                 f"{base_name} ({usd(result.base.total_usd)}).")))

st.subheader("Monthly totals")
st.altair_chart(monthly_versions_chart(result.versions), width="stretch")

st.subheader(md_escape(f"By category, against {base_name}"))
st.altair_chart(category_variance_chart(result.by_category, base_name), width="stretch")
table_with_download(result.by_category, "by-category comparison", "compare-by-category.csv",
                    "cmp_dl_categories", {
                        "usd": money_column("USD"),
                        "base_usd": money_column("Base USD"),
                        "delta_usd": money_column("Change USD"),
                        "delta_pct": st.column_config.NumberColumn("Change %",
                                                                   format="%+.1f%%")})

st.subheader("What changed between two of them, and what each change is worth")
left, right = st.columns(2)
old_name = left.selectbox("From", chosen, index=chosen.index(base_name), key="cmp_old",
                          bind="query-params", help="The scenario the bridge starts from.")
others = [n for n in chosen if n != old_name]
new_name = right.selectbox("To", chosen, index=chosen.index(others[0]), key="cmp_new",
                           bind="query-params", help="The scenario the bridge ends at.")
if old_name == new_name:
    st.info("Choose two different scenarios for the bridge.")
    st.stop()
with st.spinner("Attributing the change…"):
    steps = bridge(plans[old_name], plans[new_name])
if not steps.steps:
    st.info("The two scenarios make the same assumptions.")
    st.stop()
st.caption("Each step is the change's Shapley value: its average effect over every order in "
           "which the changes could be made, so interactions are shared fairly and the steps "
           "add up exactly to the difference. Each dated change ([[changes]]) is a step of its "
           "own." + (" Changes that only work together are grouped by "
                     f"{steps.grouping}; each group lists its changes below the chart."
                     if steps.grouping != "field" else ""))
st.altair_chart(bridge_chart(steps.old_total, steps.new_total,
                             [(s.change, s.delta) for s in steps.steps]), width="stretch")
for step in steps.steps:
    if len(step.changes) > 1:
        with st.expander(md_escape(f"{step.change} ({signed_usd(step.delta)})")):
            st.markdown("\n".join(f"- {md_escape(change)}" for change in step.changes))
table_with_download(bridge_rows(steps.steps, with_changes=True), "bridge",
                    f"bridge-{old_name}-to-{new_name}.csv", "cmp_dl_bridge",
                    {"change": st.column_config.TextColumn("Step", width="medium"),
                     "delta_usd": money_column("USD"),
                     "changes": st.column_config.TextColumn("Changes inside the step",
                                                            width="large")})
