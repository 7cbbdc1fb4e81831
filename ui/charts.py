"""Live charts: each chart's Vega-Lite shape is built once; a slider move sends only its data."""

from __future__ import annotations

import streamlit as st

from budget.charts import Frames, with_text_px
from ui.cache import chart_template


def live_chart(kind: str, data: Frames, *, text_px: int | None = None, **sizes: int) -> None:
    """Draw the live chart `kind` (a budget.charts.SHAPES name) over `data`, full width.

    The same spec as the chart built whole in budget.charts, but Altair's build and schema
    validation (10–100 ms a chart) run once per kind and size rather than on every rerun.
    With `text_px`, every label, axis and legend is at least that size (Present's slides).
    """
    template = chart_template(kind, tuple(data), tuple(sorted(sizes.items())))
    if text_px is not None:
        template = with_text_px(template, text_px)
    st.vega_lite_chart(spec={**template, "datasets": dict(data)}, width="stretch")
