"""Reference page for bench/edit_latency.py: one editable grid and a metric of its sum.

The least a Streamlit page can do per cell edit (st.data_editor → rerun → st.metric): the
Edit page's repaint is measured against it in the same run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

frame = pd.DataFrame({"name": [f"w{i}" for i in range(5)], "a": range(5), "b": range(5),
                      "c": range(5), "d": range(5), "e": range(5),
                      "requests_per_month": [1_000_000.0 * (i + 1) for i in range(5)]})
edited = st.data_editor(frame, key="ref_grid", hide_index=True, width="stretch")
st.metric("Horizon total", f"${float(edited['requests_per_month'].sum()) * 0.003:,.0f}")
