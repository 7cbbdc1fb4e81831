"""The largest GPU pool the capacity plan covers: its procurement search tries every GPU count."""

from __future__ import annotations

import math

from budget.capacity import capacity_plan
from budget.errors import BudgetInputError
from budget.procurement import pool_demands
from budget.scenario_model import Scenario

MAX_POOL_GPUS = 100_000  # the recommendation tries 0..N reserved GPUs: ~0.15 ms each


def largest_pool_gpus(scenario: Scenario) -> tuple[str, float]:
    """Return the pool needing most concurrent GPUs (stress peak, or a drawn month) and how many."""
    plan = capacity_plan(scenario)
    sizes = {str(pool): float(plan.stress_peak[pool].max()) for pool in plan.stress_peak.columns}
    for demand in pool_demands(scenario)[1]:
        steady = float((demand.steady / demand.hours).max())
        sizes[demand.pool] = max(sizes.get(demand.pool, 0.0), steady)
    if not sizes:
        return "", 0.0
    pool = max(sizes, key=lambda p: sizes[p])
    return pool, sizes[pool]


def check_capacity_scale(scenario: Scenario) -> None:
    """Raise BudgetInputError when a pool needs more than MAX_POOL_GPUS concurrent GPUs."""
    pool, gpus = largest_pool_gpus(scenario)
    if gpus > MAX_POOL_GPUS or not math.isfinite(gpus):
        count = f"{gpus:,.0f}" if gpus < 1e15 else f"{gpus:.2g}"
        raise BudgetInputError(
            scenario.source, f"the GPU pool {pool} needs {count} concurrent GPUs at its "
            f"peak; the capacity plan covers pools of up to {MAX_POOL_GPUS:,}",
            fix="check requests_per_month, output tokens, output_tokens_per_gpu_second, "
            "gpu_hours and the drivers of the workloads on that pool")
