"""Multi-cloud: placement as a hedge — cost, capacity-shortage exposure and switching cost."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from budget.charts import placements_chart  # noqa: E402
from budget.fmt import signed_usd, usd  # noqa: E402
from budget.multicloud import PORTABILITY_WEIGHTS, placements, portability  # noqa: E402
from budget.rows import cost_changes, placement_rows, portability_rows  # noqa: E402
from ui.drivers import scenario_from_url  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

DOLLARS = money_column()

st.title("Multi-cloud")
st.caption("A second cloud is bought optionality — price leverage, capacity when one runs short, "
           "regional resilience — not an even split. Compare placements on what they cost, how "
           "much of the GPU work one shortage would hit, and what moving would cost.")
base = pick_scenario()
if base is not None:
    scenario = scenario_from_url(base)
    stem = Path(base.source).stem
    options = placements(scenario)
    if not options:
        st.info("This scenario has no GPU workloads to place.")
        st.stop()
    cols = st.columns(len(options))
    changes = cost_changes(options)
    for col, option, change in zip(cols, options, changes, strict=True):
        # the name before its colon fits a KPI; the whole name is the first line of its help
        col.metric(md_escape(option.name.split(":")[0]), usd(option.cost_usd),
                   None if change is None else signed_usd(change), delta_color="inverse",
                   border=True, help=f"{md_escape(option.name)}. GPU cost over the horizon. "
                   f"{option.largest_cloud_share:.0%} "
                   f"of GPU-hours in the largest cloud; one-time switching cost "
                   f"{usd(option.switching_usd)}.")
    table = placement_rows(options)
    st.altair_chart(placements_chart(table), width="stretch")
    table_with_download(table, "placements", f"{stem}-placements.csv", "cloud_dl_placements",
                        {"gpu_cost_usd": DOLLARS, "switching_usd": DOLLARS,
                         "largest_cloud_share": st.column_config.NumberColumn(
                             format="percent")})
    st.subheader("Portability per workload")
    weights = ", ".join(f"{k.replace('_', ' ')} {v:.0%}" for k, v in
                        PORTABILITY_WEIGHTS.items())
    st.caption(f"Score 0–100 from weighted factors ({weights}); a factor the scenario does not "
               "describe in [[portability]] counts as 0.5. Moving later costs the stored data's "
               "egress plus 1 to 12 engineer-weeks as the workload is more or less portable.")
    rows = portability_rows(portability(scenario))
    table_with_download(rows, "portability", f"{stem}-portability.csv", "cloud_dl_portability",
                        {"monthly_egress_usd": DOLLARS, "move_usd": DOLLARS,
                         "score": st.column_config.ProgressColumn("Score", min_value=0,
                                                                  max_value=100,
                                                                  format="%.0f")})
