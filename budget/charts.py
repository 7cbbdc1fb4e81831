"""Altair chart builders: the same chart object feeds the page and, later, the PDF."""

from __future__ import annotations

import altair as alt
import pandas as pd

from budget.forecast import CATEGORIES, CATEGORY_LABELS, Forecast

# Colour-blind-safe (Okabe–Ito), one fixed colour per category on every chart.
CATEGORY_COLORS: dict[str, str] = {
    "training": "#0072B2",
    "batch_inference": "#E69F00",
    "realtime_inference": "#D55E00",
    "experimentation": "#009E73",
    "platform": "#999999",
}


def monthly_by_category(result: Forecast, height: int = 380) -> alt.Chart:
    """Return stacked monthly USD bars by category, with per-month total in the tooltip."""
    wide = result.by_category
    long = wide.reset_index().melt(id_vars="month", var_name="category", value_name="cost_usd")
    long["label"] = long["category"].map(CATEGORY_LABELS)
    long["order"] = long["category"].map({c: i for i, c in enumerate(CATEGORIES)})
    totals = pd.Series(result.total_usd.to_numpy(), index=wide.index)
    long["month_total_usd"] = long["month"].map(totals)
    labels = [CATEGORY_LABELS[c] for c in CATEGORIES]
    colors = [CATEGORY_COLORS[c] for c in CATEGORIES]
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(cost_usd):Q", title="USD per month", axis=alt.Axis(format="$,.0f")),
            color=alt.Color(
                "label:N", title=None, scale=alt.Scale(domain=labels, range=colors),
                legend=alt.Legend(orient="top", labelFontSize=14),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("label:N", title="Category"),
                alt.Tooltip("cost_usd:Q", title="USD", format="$,.0f"),
                alt.Tooltip("month_total_usd:Q", title="Month total", format="$,.0f"),
            ],
        )
        .properties(height=height)
    )
    return chart
