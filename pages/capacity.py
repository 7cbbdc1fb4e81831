"""Capacity & procurement: GPUs in three bands, how to buy them, and self-host vs API."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from budget.breakeven import break_even  # noqa: E402
from budget.capacity import (  # noqa: E402
    BAND_LABELS,
    capacity_plan,
    headroom,
    queue_curve,
    queue_gpus,
    total_peak_gpus,
)
from budget.charts import break_even_point_chart, capacity_chart  # noqa: E402
from budget.deltas import usd_change  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.fmt import compact, usd  # noqa: E402
from budget.plan_scale import check_capacity_scale  # noqa: E402
from budget.procurement import (  # noqa: E402
    ON_DEMAND,
    strategies,
    strategy_named,
)
from budget.rows import strategy_rows  # noqa: E402
from ui.cache import cached_forecast  # noqa: E402
from ui.drivers import scenario_from_url  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

DOLLARS = money_column()
PLAN_GPU_HELP = (
    "The plan's GPU spend is what the forecast (and every other page) prices: each workload's "
    "GPU-hours at the pricing written for it — reserved, spot with its interruption overhead, "
    "on demand — as if reserved capacity were bought by the hour with none of it idle. The "
    "strategies here buy whole reserved GPUs per pool, paid for every hour, and run the rest on "
    "demand or spot, so they differ from it by the rounding up to whole GPUs, the idle reserved "
    "hours and the mix.")

st.title("Capacity & procurement")
base = pick_scenario()
if base is not None:
    scenario = scenario_from_url(base)
    stem = Path(base.source).stem
    try:
        check_capacity_scale(scenario)
    except BudgetInputError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
    plan = capacity_plan(scenario)
    if plan.baseline.empty:
        st.info("This scenario has no GPU workloads: nothing to plan or buy.")
        st.stop()
    with st.sidebar:
        coverage = st.slider("Your mix: reserved coverage", 0, 100, 50, 5, format="%d%%",
                             key="cap_coverage", bind="query-params",
                             help="Reserve this share of each pool's lowest monthly steady "
                             "(inference) GPUs; the rest of the steady load runs on demand.")
        spot = st.slider("Your mix: spot share", 0, 100, 50, 5, format="%d%%", key="cap_spot",
                         bind="query-params",
                         help="Run this share of the checkpointable work (training, "
                         "experiments) on spot, with the scenario's interruption overhead.")
    with st.spinner("Costing the strategies…"):
        options = strategies(scenario, coverage / 100, spot / 100)
    recommended = strategy_named(options, "recommended")
    on_demand = strategy_named(options, ON_DEMAND)
    k1, k2, k3, k4, k5 = st.columns(5)
    k1.metric("GPUs at expected peak", f"{total_peak_gpus(plan):,.1f}",
              border=True, help="Concurrent GPUs at each pool's busiest month, all pools.")
    k2.metric("All on demand", usd(on_demand.cost), border=True,
              help="The GPU demand of the horizon bought hour by hour at list price.")
    k3.metric("Recommended", usd(recommended.cost),
              usd_change(recommended.cost, on_demand.cost),  # vs all on demand; none if equal
              delta_color="inverse",
              border=True,
              help="Reserved GPUs that minimise the expected cost over the Monte Carlo draws, "
              "spot for checkpointable work when it pays, on demand for the rest.")
    k4.metric("Idle reserved (recommended)", usd(recommended.idle_reserved_usd), border=True,
              help="Reserved GPU-hours paid for that no workload uses, in the expected demand.")
    k5.metric("The plan's GPU spend", usd(cached_forecast(scenario).gpu_cost_usd()),
              border=True, help=PLAN_GPU_HELP)
    st.caption(PLAN_GPU_HELP)

    st.subheader("Demand against the three bands")
    pool = st.selectbox("GPU pool", list(plan.baseline.columns), key="cap_pool",
                        help="Cloud and GPU type: each is planned and bought on its own.")
    st.altair_chart(capacity_chart(plan.baseline[pool], plan.expected_peak[pool],
                                   plan.stress_peak[pool]), width="stretch")
    rooms = headroom(plan).assign(band=lambda t: t["band"].map(BAND_LABELS))
    table_with_download(rooms, "bands and headroom", f"{stem}-capacity-bands.csv",
                        "cap_dl_bands", {"gpus": st.column_config.NumberColumn(format="%.1f"),
                                         "headroom": st.column_config.NumberColumn(
                                             format="percent")})
    gpus = queue_gpus(plan, pool)
    st.caption(md_escape(f"Queueing if {pool} ran at higher utilisation with {gpus} GPUs (M/M/c): "
                         "the mean wait, in units of one request's service time, grows without "
                         "bound near 100% — the price of planning without headroom."))
    table_with_download(queue_curve(gpus), "queueing", f"{stem}-queueing.csv", "cap_dl_queue",
                        {"utilization": st.column_config.NumberColumn(format="percent"),
                         "probability_of_waiting": st.column_config.NumberColumn(
                             format="percent"),
                         "mean_wait_in_service_times": st.column_config.NumberColumn(
                             format="%.2f")})

    st.subheader("Procurement strategies")
    rows = strategy_rows(options)
    table_with_download(rows, "procurement strategies", f"{stem}-procurement.csv",
                        "cap_dl_strategies", {c: DOLLARS for c in rows.columns
                                              if c.endswith("_usd")})

    st.subheader("Self-host or API")
    points = break_even(scenario)
    if not points:
        st.info("No inference workload describes its alternative (api_price_per_1m_* on a "
                "self-hosted workload, self_host_* on an API one).")
    for point in points:
        where = (f"break-even at {compact(point.requests_per_month)} requests a month; the "
                 f"plan has {compact(point.planned_requests_per_month)}"
                 if point.requests_per_month else "self-hosting never wins at this price")
        st.markdown(f"**{md_escape(point.label)}** ({point.serving.replace('_', '-')} "
                    f"{'from then' if point.after_change else 'today'}): {where}.")
        st.altair_chart(break_even_point_chart(point), width="stretch")
