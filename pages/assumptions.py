"""Assumptions: every number the plan stands on, with the source and date of each price."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from budget.fmt import sentence  # noqa: E402
from budget.rows import assumption_rows  # noqa: E402
from budget.schema import TABLES_BY_NAME  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

TITLES = {
    "drivers": "Drivers (what-if multipliers)",
    "gpu_prices": "GPU prices, USD per GPU-hour",
    "inference": "Inference workloads (run-rate)",
    "training": "Training workloads (project cost per run)",
    "experimentation": "Experimentation budgets",
    "platform": "Platform overhead",
    "ranges": "Uncertainty ranges (P10 / P90)",
}

st.title("Assumptions")
scenario = pick_scenario()
if scenario is not None:
    st.caption(
        f"**{md_escape(scenario.name)}** · from {md_escape(Path(scenario.source).name)} · "
        f"starts {scenario.start} · "
        f"{scenario.months} months · {scenario.currency}. Review changes to this file like code."
    )
    for name, table in assumption_rows(scenario).items():
        st.subheader(TITLES[name])
        st.caption(sentence(TABLES_BY_NAME[name].help) + ".")
        if table.empty:
            st.info(f"The file has no [[{name}]] rows.")
            continue
        table_with_download(table, name, f"{Path(scenario.source).stem}-{name}.csv",
                            f"assume_dl_{name}")
    with st.expander("The scenario file as written"):
        st.code(Path(scenario.source).read_text(encoding="utf-8"), language="toml")
