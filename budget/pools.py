"""GPU pool figures read off a capacity plan: GPUs at the peak, the size to queue against."""

from __future__ import annotations

import math

from budget.capacity import CapacityPlan


def total_peak_gpus(plan: CapacityPlan, band: str = "expected_peak") -> float:
    """Return the concurrent GPUs at each pool's busiest month in `band`, summed over pools."""
    return sum(plan.peak_month(band).values())


def queue_gpus(plan: CapacityPlan, pool: str, band: str = "expected_peak") -> int:
    """Return the pool's GPUs at its busiest expected month, rounded up, at least 1."""
    return max(1, math.ceil(plan.peak_month(band)[pool]))
