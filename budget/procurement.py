"""Procurement strategies by GPU pool: reserved, spot and on demand priced over the draws."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from budget.forecast import CHECKPOINTABLE_CATEGORIES, forecast, simulate_terms
from budget.months import hours_in_month  # calendar hours: GPUs run around the clock in a month
from budget.scenario_model import Scenario
from budget.sensitivity import DEFAULT_SEED, common_uniforms, values_from_uniforms
from budget.unit_costs import input_values, offered_usd_per_gpu_hour, usd_per_gpu_hour

PROCUREMENT_DRAWS = 2_000
ON_DEMAND = "all_on_demand"  # the strategy every saving is measured against


@dataclass(frozen=True)
class PoolDemand:
    """GPU-hours of one pool per month: steady (inference) and checkpointable, per draw."""

    pool: str
    hours: np.ndarray  # hours in each month
    steady: np.ndarray  # (draws, months)
    checkpointable: np.ndarray  # (draws, months)
    on_demand: np.ndarray  # USD per GPU-hour in each month (dated changes move them)
    spot: np.ndarray | None  # None when some month has no spot price
    reserved: np.ndarray | None


def pool_demands(scenario: Scenario, draws: int = PROCUREMENT_DRAWS,
                 seed: int = DEFAULT_SEED) -> tuple[list[PoolDemand], list[PoolDemand]]:
    """Return (expected, simulated) GPU-hour demand per pool; simulated uses the Monte Carlo draws.

    Demand is GPU-hours before any procurement choice: the spot overhead of the forecast is not
    in it, because each strategy adds its own.
    """
    base_values = {k: np.array([[v]]) for k, v in
                   input_values(scenario.with_drivers(spot_overhead=0.0)).items()}
    drawn = values_from_uniforms(scenario, common_uniforms(draws, seed))
    drawn["spot_overhead"] = np.zeros((draws, 1))
    prices = input_values(scenario)  # gpu_price as written prices every pool
    hours = np.array([hours_in_month(m) for m in forecast(scenario).months])
    plans = [segment.scenario for segment in scenario.segments()
             for _ in range(segment.first, segment.last + 1)]  # each month's plan

    def monthly(cloud: str, gpu: str, pricing: str) -> np.ndarray | None:
        offered = [offered_usd_per_gpu_hour(plan, cloud, gpu, pricing, prices) for plan in plans]
        return None if any(o is None for o in offered) else np.array(offered, dtype=float)

    out: tuple[list[PoolDemand], list[PoolDemand]] = ([], [])
    for values, target in ((base_values, out[0]), (drawn, out[1])):
        pools: dict[str, dict[str, np.ndarray]] = {}
        n = next(iter(values.values())).shape[0]
        # GPU-hours summed per pool and category before the draws multiply them: memory and
        # work do not grow with the number of workloads
        for (category, pool), used in simulate_terms(scenario, values, gpu_hours=True).items():
            kind = "checkpointable" if category in CHECKPOINTABLE_CATEGORIES else "steady"
            slot = pools.setdefault(pool, {
                "steady": np.zeros((n, len(hours))), "checkpointable": np.zeros((n, len(hours)))})
            slot[kind] = slot[kind] + used
        for pool, parts in sorted(pools.items()):
            cloud, gpu = pool.split("/", 1)
            target.append(PoolDemand(
                pool, hours, parts["steady"], parts["checkpointable"],
                np.array([float(usd_per_gpu_hour(plan, cloud, gpu, "on_demand", prices))
                          for plan in plans]),
                monthly(cloud, gpu, "spot"), monthly(cloud, gpu, "reserved")))
    return out


def strategy_cost(d: PoolDemand, reserved_gpus: int, spot_share: float,
                  overhead: float) -> np.ndarray:
    """Return the cost per draw (USD over the horizon) of one pool under a mix.

    Reserved GPUs are paid for every hour; they serve steady work first, then checkpointable
    work. Of the checkpointable work left, `spot_share` runs on spot with `overhead` more
    GPU-hours for interruptions; everything else runs on demand. Without a spot price, spot
    work runs on demand; without a reserved price, nothing is reserved.
    """
    reserved_price = d.reserved if d.reserved is not None else np.zeros_like(d.on_demand)
    r = reserved_gpus if d.reserved is not None else 0
    capacity = r * d.hours  # reserved GPU-hours per month
    steady_left = np.maximum(d.steady - capacity, 0.0)
    spare = np.maximum(capacity - d.steady, 0.0)
    ckpt_left = np.maximum(d.checkpointable - spare, 0.0)
    if d.spot is not None and spot_share > 0:
        spot_hours = ckpt_left * spot_share * (1 + overhead)
        on_demand_hours = steady_left + ckpt_left * (1 - spot_share)
        spot_cost = spot_hours * d.spot
    else:
        spot_cost = np.zeros_like(ckpt_left)
        on_demand_hours = steady_left + ckpt_left
    total = (capacity * reserved_price + on_demand_hours * d.on_demand + spot_cost).sum(axis=-1)
    return np.asarray(total, dtype=float)


def idle_reserved_usd(d: PoolDemand, reserved_gpus: int) -> np.ndarray:
    """Return the reserved cost per draw that no workload used."""
    if d.reserved is None:
        return np.zeros(d.steady.shape[0])
    capacity = reserved_gpus * d.hours
    idle = np.maximum(capacity - d.steady - d.checkpointable, 0.0)
    return np.asarray((idle * d.reserved).sum(axis=-1), dtype=float)


@dataclass(frozen=True)
class Strategy:
    """A procurement mix and what it costs for the expected demand."""

    name: str
    cost: float
    reserved_gpus: dict[str, int]
    spot_share: float
    idle_reserved_usd: float
    expected_cost_over_draws: float


def _spot_worth_it(d: PoolDemand, overhead: float) -> float:
    """Return 1.0 when spot (with its overhead) is cheaper than on demand, else 0.0."""
    return 1.0 if d.spot is not None and bool(np.all(d.spot * (1 + overhead) < d.on_demand)) \
        else 0.0


def recommend(expected: list[PoolDemand], simulated: list[PoolDemand],
              overhead: float) -> Strategy:
    """Pick per pool the reserved GPUs that minimise expected cost over the draws.

    Candidates run from 0 to the largest monthly stress of steady demand; a candidate is only
    eligible when, for the expected demand, it costs no more than all on demand, so the
    recommendation never loses to all on-demand for the demand it was made for.
    """
    reserved: dict[str, int] = {}
    cost = idle = over_draws = 0.0
    for base, sim in zip(expected, simulated, strict=True):
        share = _spot_worth_it(base, overhead)
        ceiling = 0 if base.reserved is None else math.ceil(
            float((sim.steady / sim.hours).max()) + 1e-9)
        on_demand_only = float(strategy_cost(base, 0, 0.0, overhead)[0])
        best: tuple[float, int] | None = None
        for r in range(ceiling + 1):
            if float(strategy_cost(base, r, share, overhead)[0]) > on_demand_only + 1e-9:
                continue
            mean = float(strategy_cost(sim, r, share, overhead).mean())
            if best is None or mean < best[0] - 1e-9:
                best = (mean, r)
        chosen = best[1] if best is not None else 0
        reserved[base.pool] = chosen
        cost += float(strategy_cost(base, chosen, share, overhead)[0])
        idle += float(idle_reserved_usd(base, chosen)[0])
        over_draws += float(strategy_cost(sim, chosen, share, overhead).mean())
    return Strategy("recommended", cost, reserved, 1.0, idle, over_draws)


def strategies(scenario: Scenario, reserved_coverage: float = 0.5, spot_share: float = 0.5,
               draws: int = PROCUREMENT_DRAWS) -> list[Strategy]:
    """Return all-on-demand, baseline-reserved+spot, the recommendation and the user's mix.

    `reserved_coverage` (0–1, share of each pool's lowest monthly steady GPUs) and
    `spot_share` (0–1 of checkpointable work) describe the user's own mix.
    """
    expected, simulated = pool_demands(scenario, draws)
    overhead = scenario.interruption_overhead

    def mix(name: str, reserve: dict[str, int], share: float | None) -> Strategy:
        cost = idle = over = 0.0
        for base, sim in zip(expected, simulated, strict=True):
            s = _spot_worth_it(base, overhead) if share is None else share
            r = reserve.get(base.pool, 0)
            cost += float(strategy_cost(base, r, s, overhead)[0])
            idle += float(idle_reserved_usd(base, r)[0])
            over += float(strategy_cost(sim, r, s, overhead).mean())
        return Strategy(name, cost, reserve, 1.0 if share is None else share, idle, over)

    floor = {d.pool: math.floor(float((d.steady / d.hours).min()) + 1e-9)
             for d in expected if d.reserved is not None}
    user = {d.pool: math.floor(float((d.steady / d.hours).min()) * reserved_coverage + 1e-9)
            for d in expected if d.reserved is not None}
    return [
        mix("all_on_demand", {}, 0.0),
        mix("baseline_reserved_spot_burst", floor, None),
        recommend(expected, simulated, overhead),
        mix("your_mix", user, spot_share),
    ]


def strategy_named(options: Sequence[Strategy], name: str) -> Strategy:
    """Return the strategy called `name` (KeyError when there is none)."""
    for option in options:
        if option.name == name:
            return option
    raise KeyError(name)


def saving_vs_on_demand_usd(options: Sequence[Strategy], strategy: Strategy) -> float:
    """Return the all-on-demand cost minus the strategy's (USD over the horizon)."""
    return strategy_named(options, ON_DEMAND).cost - strategy.cost
