"""Plan vs actual: each month the plan covers against the bill, split into volume and unit cost."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import streamlit as st  # noqa: E402

from budget.charts import variance_effects_chart  # noqa: E402
from budget.deltas import percent_change  # noqa: E402
from budget.fmt import signed_usd, usd  # noqa: E402
from budget.plan_vs_actual import (  # noqa: E402
    DIMENSIONS,
    commentary,
    monthly_effects,
    plan_vs_actual,
    totals,
)
from ui.cache import cached_forecast  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.source import choose_source, read_actuals, source_caption  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

BY_LABELS = {"category": "Category", "team": "Team", "model": "Model"}

st.title("Plan vs actual")
scenario = pick_scenario()
folder, tag_map = choose_source("pva")
billing, telemetry = read_actuals(folder, tag_map)
st.caption(source_caption(folder, billing) + " · amortised (effective) cost, USD rows, full "
           "months only")
if scenario is None:
    st.stop()
by = st.radio("Read by", DIMENSIONS, horizontal=True, format_func=BY_LABELS.__getitem__,
              key="pva_by", bind="query-params",
              help="Category, owning team or model. The split is made at this grain: a line "
              "planned under one team and billed under another is volume on both.")
result = cached_forecast(scenario)
rows = plan_vs_actual(result, billing, telemetry, by)
if rows.empty:
    st.info(md_escape(
        f"{scenario.name} runs {result.months[0]} to {result.months[-1]}; the exports have no "
        "full month in it. Pick a plan that covers the actuals' months in the sidebar (the "
        "bundled FY26 plan covers 2026)."))
    st.stop()

sums = totals(rows)
months = sorted(rows["month"].unique())
k = st.columns(5)
k[0].metric(f"Plan, {months[0]} to {months[-1]}", usd(sums["plan_usd"]), border=True,
            help=f"The plan's cost over the {len(months)} full months the exports cover.")
k[1].metric("Actual", usd(sums["actual_usd"]), border=True,
            help="Amortised (effective) cost billed in the same months.")
k[2].metric("Variance", signed_usd(sums["variance_usd"]),
            percent_change(sums["actual_usd"], sums["plan_usd"]), delta_color="inverse",
            border=True, help="Actual minus plan: above 0 is over plan.")
k[3].metric("Volume effect", signed_usd(sums["volume_effect_usd"]), border=True,
            help="(Actual − planned volume) × the plan's unit cost: requests for inference, "
            "GPU-hours for training and experimentation; a line planned and not run, or "
            "billed and not planned, is all volume.")
k[4].metric("Unit-cost effect", signed_usd(sums["unit_cost_effect_usd"]), border=True,
            help="(Actual − planned unit cost) × actual volume; platform lines have no volume, "
            "so their whole variance is here. The two effects add up to the variance.")

st.subheader("Largest variances")
st.markdown("\n".join(f"- {md_escape(line)}" for line in commentary(rows, by)))
st.subheader("Month by month")
st.altair_chart(variance_effects_chart(monthly_effects(rows)), width="stretch")
table_with_download(rows, "plan vs actual", f"plan-vs-actual-by-{by}.csv", "pva_dl_rows", {
    "month": "Month", "category": "Category", "volume_unit": "Volume in",
    "plan_usd": money_column("Plan"), "actual_usd": money_column("Actual"),
    "variance_usd": money_column("Variance"),
    "volume_effect_usd": money_column("Volume effect"),
    "unit_cost_effect_usd": money_column("Unit-cost effect"),
    "plan_quantity": st.column_config.NumberColumn("Planned volume", format="compact"),
    "actual_quantity": st.column_config.NumberColumn("Actual volume", format="compact")})
