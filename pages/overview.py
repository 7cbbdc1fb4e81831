"""Overview: the plan in four numbers, and where to go next."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import streamlit as st  # noqa: E402

from budget.charts import monthly_category_data  # noqa: E402
from budget.fmt import usd  # noqa: E402
from ui.cache import cached_forecast  # noqa: E402
from ui.charts import live_chart  # noqa: E402
from ui.drivers import scenario_from_url  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.text import md_escape  # noqa: E402

st.title("AI infrastructure budget")
st.caption(
    "Forecast, explain and challenge AI spend: inference as a run-rate that scales with "
    "requests and tokens, training as projects priced per run, experimentation as team budgets, "
    "platform overhead as a run-rate with growth."
)
base = pick_scenario()
if base is not None:
    scenario = scenario_from_url(base)  # the drivers moved on the Planner, or in the link
    result = cached_forecast(scenario)
    units = result.unit_costs
    st.subheader(md_escape(f"{scenario.name}: {result.months[0]} to {result.months[-1]}"))
    total, first, last, per_1k = st.columns(4)
    total.metric("Horizon total", usd(result.total_cost_usd), border=True,
                 help="Every cost line over the whole horizon, with the drivers as set on "
                 "the Planner (the file's unless moved).")
    first.metric(f"Run-rate {result.months[0]}", usd(result.run_rate_usd(0)), border=True,
                 help="Total cost of the first forecast month.")
    last.metric(f"Run-rate {result.months[-1]}", usd(result.run_rate_usd(-1)), border=True,
                help="Total cost of the last forecast month.")
    per_1k.metric("Inference per 1K requests", usd(units.usd_per_1k_requests, 4), border=True,
                  help="Horizon inference cost divided by horizon requests, × 1,000.")
    live_chart("monthly", monthly_category_data(result), height=340)
st.page_link("pages/planner.py", label="Planner: move the drivers and watch the forecast",
             icon=":material/tune:")
st.page_link("pages/assumptions.py", label="Assumptions: every input, with sources and dates",
             icon=":material/fact_check:")
