"""GPU capacity in three bands per pool, the peaks read off it, and queueing near full load."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget.forecast import forecast
from budget.months import hours_in_month  # calendar hours: GPUs run around the clock in a month
from budget.scenario_model import Scenario

# Peak concurrency over average, by category, unless a workload sets peak_factor.
DEFAULT_PEAK_FACTOR = {"realtime_inference": 1.8, "batch_inference": 1.0, "training": 3.0,
                       "experimentation": 1.5}


def _peak_factors(scenario: Scenario) -> dict[str, float]:
    """Return each GPU workload's peak factor (its own, or its category's default)."""
    out: dict[str, float] = {}
    for w in scenario.inference:
        if w.serving == "self_hosted":
            out[w.name] = w.peak_factor or DEFAULT_PEAK_FACTOR[f"{w.kind}_inference"]
    for t in scenario.training:
        out[t.name] = t.peak_factor or DEFAULT_PEAK_FACTOR["training"]
    for e in scenario.experimentation:
        out[e.name] = e.peak_factor or DEFAULT_PEAK_FACTOR["experimentation"]
    return out


@dataclass(frozen=True)
class CapacityPlan:
    """Concurrent GPUs per pool ('cloud/gpu') and month in three bands."""

    months: tuple[str, ...]
    baseline: pd.DataFrame  # rows: months, columns: pools
    expected_peak: pd.DataFrame
    stress_peak: pd.DataFrame

    def peak_month(self, band: str) -> dict[str, float]:
        """Return each pool's largest monthly GPU count in a band over the horizon."""
        table: pd.DataFrame = getattr(self, band)
        return {str(pool): float(table[pool].max()) for pool in table.columns}


def capacity_plan(scenario: Scenario) -> CapacityPlan:
    """Return baseline, expected-peak and stress-peak concurrent GPUs per pool and month.

    Baseline = GPU-hours in the month / hours in the month. Expected peak adds each workload's
    peak factor (as the plan stands that month: dated changes apply). Stress peak multiplies
    real-time inference's expected peak by the scenario's stress_surge (a large pilot, a
    traffic spike).
    """
    result = forecast(scenario)
    lines = result.lines[result.lines["gpu_hours"] > 0].copy()
    months = list(result.months)
    if lines.empty:
        empty = pd.DataFrame(index=months)
        return CapacityPlan(tuple(months), empty, empty, empty)
    hours = lines["month"].map(hours_in_month)
    lines["pool"] = lines["cloud"] + "/" + lines["gpu"]
    lines["gpus"] = lines["gpu_hours"] / hours
    factor = np.ones(len(lines))
    for segment in scenario.segments():  # a dated change may set a peak_factor from a month on
        own = lines["workload"].map(_peak_factors(segment.scenario)).fillna(1.0).to_numpy()
        factor = np.where(lines["month_index"].between(segment.first, segment.last), own, factor)
    lines["peak"] = lines["gpus"] * factor
    surge = np.where(lines["category"] == "realtime_inference", scenario.stress_surge, 1.0)
    lines["stress"] = lines["peak"] * surge

    def band(column: str) -> pd.DataFrame:
        table = lines.groupby(["month", "pool"])[column].sum().unstack(fill_value=0)
        return table.reindex(index=months, fill_value=0.0).rename_axis(columns=None)

    return CapacityPlan(tuple(months), band("gpus"), band("peak"), band("stress"))


BAND_LABELS = {"baseline": "Baseline", "expected_peak": "Expected peak",
               "stress_peak": "Stress peak"}


def headroom(plan: CapacityPlan) -> pd.DataFrame:
    """Return per pool the GPUs each band needs at its peak month and the headroom it leaves.

    Headroom is the share of the band's GPUs idle at the baseline load: 1 − baseline / band.
    """
    rows = []
    for pool in plan.baseline.columns:
        base = float(plan.baseline[pool].max())
        for band in BAND_LABELS:
            gpus = float(getattr(plan, band)[pool].max())
            rows.append({"pool": pool, "band": band, "gpus": gpus,
                         "gpus_to_provision": math.ceil(gpus - 1e-9),
                         "headroom": 1 - base / gpus if gpus > 0 else 0.0})
    return pd.DataFrame(rows)


def erlang_c(servers: int, load: float) -> float:
    """Return the probability an arrival waits in an M/M/c queue (offered load in Erlangs)."""
    if load >= servers:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, servers):
        term *= load / k
        total += term
    term *= load / servers
    top = term * servers / (servers - load)
    return top / (total + top)


def queue_curve(servers: int, utilizations: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.85,
                                                                   0.9, 0.95, 0.98, 0.99)
                ) -> pd.DataFrame:
    """Return the M/M/c mean wait, in units of one request's service time, per utilisation.

    W_q / S = C(c, a) / (c (1 − ρ)), with a = ρ c: near 100% the wait grows without bound.
    """
    rows = []
    for rho in utilizations:
        waiting = erlang_c(servers, rho * servers)
        rows.append({"utilization": rho, "probability_of_waiting": waiting,
                     "mean_wait_in_service_times": waiting / (servers * (1 - rho))})
    return pd.DataFrame(rows)


def total_peak_gpus(plan: CapacityPlan, band: str = "expected_peak") -> float:
    """Return the concurrent GPUs at each pool's busiest month in `band`, summed over pools."""
    return sum(plan.peak_month(band).values())


def queue_gpus(plan: CapacityPlan, pool: str, band: str = "expected_peak") -> int:
    """Return the pool's GPUs at its busiest expected month, rounded up, at least 1."""
    return max(1, math.ceil(plan.peak_month(band)[pool]))
