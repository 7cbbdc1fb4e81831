"""The CLI's JSON contracts: forecast, sensitivity, capacity and compare as dicts, and how they
print."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # each contract imports the engine it reads when it is built
    from budget.comparison import Comparison
    from budget.forecast import Forecast
    from budget.scenario_model import Scenario


def print_json(data: Any) -> None:
    """Write data to stdout as JSON indented by 2, with a final newline."""
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def forecast_json(result: Forecast) -> dict[str, Any]:
    """Return the forecast in the CLI's JSON contract (one number per month in each list)."""
    from budget.forecast import CATEGORIES

    units = result.unit_costs
    return {
        "scenario": result.scenario.name,
        "currency": result.scenario.currency,
        "months": list(result.months),
        "by_category": {c: result.category_usd[:, j].tolist() for j, c in enumerate(CATEGORIES)},
        "by_workload": result.workload_months_usd(),
        "total": result.month_total_usd.tolist(),
        "total_cost": result.total_cost_usd,
        "unit_costs": {
            "per_1k_requests": units.usd_per_1k_requests,
            "per_1m_tokens": units.usd_per_1m_tokens,
        },
    }


def compare_json(result: Comparison) -> dict[str, Any]:
    """Return the compare CLI's JSON contract: each file's horizon total and its change against
    the base's (delta_pct in percent rounded to 2 decimals, null when the base total is 0)."""
    return {"base": result.base.label, "scenarios": [{
        "file": s.label, "name": s.forecast.scenario.name, "months": s.forecast.scenario.months,
        "total": s.total_usd, "total_cost": s.total_usd, "delta_usd": s.delta_usd,
        "delta_pct": None if s.delta_pct is None else round(s.delta_pct, 2),
    } for s in result.scenarios]}


def sensitivity_json(scenario: Scenario, draws: int, seed: int,
                     with_sobol: bool) -> dict[str, Any]:
    """Return tornado, Monte Carlo and (optionally) Sobol results in the CLI's JSON contract."""
    from budget.sensitivity import monte_carlo, scenario_sobol, tornado

    base, bars = tornado(scenario)
    mc = monte_carlo(scenario, draws, seed)
    out: dict[str, Any] = {
        "base_total": base,
        "tornado": [
            {"input": b.input, "low_value": b.low_value, "high_value": b.high_value,
             "low_total": b.low_total, "high_total": b.high_total, "swing": b.swing,
             "nonlinear": b.nonlinear}
            for b in bars
        ],
        "monte_carlo": {"draws": draws, "seed": seed, "p10": mc.p10, "p50": mc.p50,
                        "p90": mc.p90},
    }
    if with_sobol:
        out["sobol"] = {name: {"S1": i.s1, "ST": i.st}
                        for name, i in scenario_sobol(scenario, seed=seed).items()}
    return out


def capacity_json(scenario: Scenario) -> dict[str, Any]:
    """Return the capacity CLI's JSON contract."""
    from budget.breakeven import break_even
    from budget.capacity import capacity_plan
    from budget.procurement import strategies

    plan = capacity_plan(scenario)
    return {
        "bands": {band: plan.peak_month(band)
                  for band in ("baseline", "expected_peak", "stress_peak")},
        "strategies": [{"name": s.name, "cost": s.cost} if s.name == "all_on_demand" else
                       {"name": s.name, "cost": s.cost, "reserved_gpus": s.reserved_gpus}
                       for s in strategies(scenario)],
        "break_even": [{"workload": b.workload, "requests_per_month": b.requests_per_month,
                        "from": b.starting} for b in break_even(scenario)],
    }
