"""Central intervals named by their percentiles: 0.8 is P10–P90."""

from __future__ import annotations


def percentile_bounds(interval: float) -> tuple[float, float]:
    """Return the lower and upper percentiles (0–100) of a central interval (0.8 → 10, 90)."""
    return (1 - interval) / 2 * 100, (1 + interval) / 2 * 100


def interval_label(interval: float) -> str:
    """Return a central interval as 'P10–P90'."""
    low, high = percentile_bounds(interval)
    return f"P{low:.0f}–P{high:.0f}"
