"""Compare two scenario versions side by side, with a bridge of what changed."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import streamlit as st  # noqa: E402

from budget.bridge import bridge  # noqa: E402
from budget.charts import bridge_chart, monthly_versions_chart  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import usd  # noqa: E402
from budget.rows import bridge_rows  # noqa: E402
from budget.versions import headline_figures  # noqa: E402
from ui.cache import cached_forecast, load  # noqa: E402
from ui.config import scenario_files  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

st.title("Compare versions")
files = scenario_files()
names = list(files)
if len(names) < 2:
    st.error("Comparing needs two scenario files in the scenario folder.")
    st.stop()
left, right = st.columns(2)
old_name = left.selectbox("Old version", names, index=names.index("fy27-plan")
                          if "fy27-plan" in names else 0, key="cmp_old", bind="query-params",
                          help="The version you start from.")
new_name = right.selectbox("New version", names, index=names.index("fy27-cost-down")
                           if "fy27-cost-down" in names else 1, key="cmp_new",
                           bind="query-params", help="The version you compare with it.")
try:
    old, new = load(files[old_name]), load(files[new_name])
except BudgetInputError as exc:
    st.error(md_escape(str(exc)))
    st.stop()
a, b = cached_forecast(old), cached_forecast(new)
cols = st.columns(4)
for col, figure in zip(cols, headline_figures(a, b), strict=True):
    col.metric(figure.label, usd(figure.new_usd, figure.decimals), figure.change_text,
               delta_color="inverse", border=True,
               help=f"New version; the change is against the old "
               f"({usd(figure.old_usd, figure.decimals)}).")
st.subheader("Monthly totals")
st.altair_chart(monthly_versions_chart([(old_name, a), (new_name, b)]), width="stretch")
st.subheader("What changed, and what each change is worth")
with st.spinner("Attributing the change…"):
    result = bridge(old, new)
if not result.steps:
    st.info("The two versions make the same assumptions.")
else:
    st.caption("Each step is the change's Shapley value: its average effect over every order "
               "in which the changes could be made, so interactions are shared fairly and the "
               "steps add up exactly to the difference."
               + (" Changes that only work together are grouped by "
                  f"{result.grouping}." if result.grouping != "field" else ""))
    st.altair_chart(bridge_chart(result.old_total, result.new_total,
                                 [(s.change, s.delta) for s in result.steps]), width="stretch")
    table_with_download(bridge_rows(result.steps), "bridge",
                        f"bridge-{old_name}-to-{new_name}.csv", "cmp_dl_bridge",
                        {"delta_usd": st.column_config.NumberColumn("USD", format="dollar")})
