"""Reference page for bench/planner_rerun.py: one slider and two small Altair charts."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

scale = st.slider("Scale", 0.0, 3.0, 1.0, 0.05, key="ref_scale")
months = [f"2027-{m:02d}" for m in range(1, 13)]
rng = np.random.default_rng(0)
data = pd.DataFrame(
    [(m, c, float(v) * scale) for m in months for c, v in zip("ABCDE", rng.random(5), strict=True)],
    columns=["month", "category", "cost_usd"],
)
st.altair_chart(alt.Chart(data).mark_bar().encode(x="month:O", y="sum(cost_usd):Q",
                                                  color="category:N"))
st.altair_chart(alt.Chart(data).mark_line().encode(x="month:O", y="cost_usd:Q",
                                                   color="category:N"))
