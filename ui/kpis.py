"""The five headline numbers of a forecast, each with its change against a baseline."""

from __future__ import annotations

import streamlit as st

from budget.deltas import usd_change
from budget.fmt import usd
from budget.forecast import Forecast


def kpis(result: Forecast, baseline: Forecast, against: str = "the file's own drivers") -> None:
    """Show horizon total, first and last run-rate and unit costs, changes against `baseline`."""
    units, base_units = result.unit_costs, baseline.unit_costs
    row = st.container(horizontal=True, gap="small")
    figures = [
        ("Horizon total", result.total_cost_usd, baseline.total_cost_usd, 0,
         f"All costs over {len(result.months)} months, "
         f"{result.months[0]} to {result.months[-1]}."),
        (f"Run-rate {result.months[0]}", result.run_rate_usd(0), baseline.run_rate_usd(0), 0,
         "Total cost of the first forecast month."),
        (f"Run-rate {result.months[-1]}", result.run_rate_usd(-1), baseline.run_rate_usd(-1), 0,
         "Total cost of the last forecast month: where the run-rate is heading."),
        ("Per 1K requests", units.usd_per_1k_requests, base_units.usd_per_1k_requests, 4,
         "Inference cost (batch + real-time) over the horizon divided by its requests, × 1,000."),
        ("Per 1M tokens", units.usd_per_1m_tokens, base_units.usd_per_1m_tokens, 4,
         "Inference cost over the horizon divided by its input + output tokens, × 1,000,000."),
    ]
    for label, value, base, decimals, help_text in figures:
        row.metric(label, usd(value, decimals), usd_change(value, base, decimals),
                   delta_color="inverse", border=True,
                   help=f"{help_text} The change is against {against}.")
