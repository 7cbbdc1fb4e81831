"""Multi-cloud as a hedge: placements compared by cost, shortage exposure and switching cost.

Portability per workload comes from documented, weighted factors (PORTABILITY_WEIGHTS); the
one-time cost of moving a workload later is its stored data's egress plus engineering time that
grows as the workload is less portable.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from budget.forecast import CHECKPOINTABLE_CATEGORIES, forecast
from budget.pricing import catalog, catalog_gpu_row, egress_usd_per_gb
from budget.scenario_model import Portability, Scenario
from budget.unit_costs import InputValues, input_values, usd_per_gpu_hour_from_list

# Weights of the portability factors (sum to 1). Each factor is 0 (locked in) to 1 (portable);
# data transfer is 1 − monthly egress / DATA_EGRESS_LOCK_IN_USD, floored at 0.
PORTABILITY_WEIGHTS = {"data_transfer": 0.30, "model_registry": 0.15, "container_images": 0.15,
                       "iam": 0.15, "observability": 0.10, "deployment_automation": 0.15}
DATA_EGRESS_LOCK_IN_USD = 10_000.0  # a workload moving this much egress a month is locked in
ENGINEERING_USD_PER_WEEK = 4_000.0  # one engineer-week, fully loaded
MOVE_WEEKS_PORTABLE, MOVE_WEEKS_LOCKED = 1.0, 12.0  # engineering to move a fully portable /
# fully locked-in workload


@dataclass(frozen=True)
class WorkloadPortability:
    """A GPU workload's portability score and the one-time cost of moving it later."""

    workload: str
    cloud: str
    secondary_cloud: str | None
    score: float  # 0–100
    monthly_egress_usd: float
    move_usd: float


def portability(scenario: Scenario) -> list[WorkloadPortability]:
    """Score every GPU workload (factors default to 0.5, 'unknown', when not described)."""
    described = {p.workload: p for p in scenario.portability}
    out = []
    for name, cloud in _gpu_workloads(scenario).items():
        p = described.get(name, Portability(workload=name))
        egress = egress_usd_per_gb(cloud) or 0.0
        monthly_egress = p.data_gb_per_month * egress
        factors = {
            "data_transfer": max(0.0, 1 - monthly_egress / DATA_EGRESS_LOCK_IN_USD),
            "model_registry": p.model_registry, "container_images": p.container_images,
            "iam": p.iam, "observability": p.observability,
            "deployment_automation": p.deployment_automation,
        }
        score = sum(PORTABILITY_WEIGHTS[k] * v for k, v in factors.items())
        engineering = [v for k, v in factors.items() if k != "data_transfer"]
        weeks = MOVE_WEEKS_LOCKED - (MOVE_WEEKS_LOCKED - MOVE_WEEKS_PORTABLE) * (
            sum(engineering) / len(engineering))
        move = p.data_gb_stored * egress + weeks * ENGINEERING_USD_PER_WEEK
        out.append(WorkloadPortability(name, cloud, p.secondary_cloud, round(100 * score, 1),
                                       monthly_egress, move))
    return out


def _gpu_workloads(scenario: Scenario) -> dict[str, str]:
    """Return GPU workload name → its cloud."""
    names = {w.name: w.cloud for w in scenario.inference if w.cloud}
    names |= {t.name: t.cloud for t in scenario.training}
    names |= {e.name: e.cloud for e in scenario.experimentation}
    return {k: str(v) for k, v in names.items()}


@dataclass(frozen=True)
class Placement:
    """Where each GPU workload runs, and what that placement costs and risks."""

    name: str
    cost_usd: float
    largest_cloud_share: float  # share of GPU-hours in the biggest cloud: shortage exposure
    switching_usd: float  # one-time cost of moving workloads off their current cloud
    clouds: dict[str, str]


def _cost_on(lines: pd.DataFrame, cloud: str, values: InputValues,
             share: float = 1.0) -> tuple[float, bool]:
    """Return the GPU cost of these lines if moved to `cloud` (same GPU, same pricing mode).

    The lines' billed GPU-hours at the catalog's list price there, gpu_price applied.
    """
    total, priced = 0.0, True
    for (gpu, pricing), group in lines.groupby(["gpu", "pricing"]):
        row = catalog_gpu_row(cloud, str(gpu))
        hourly = None if row is None else row.get(str(pricing)) or row.get("on_demand")
        if hourly is None:
            priced = False
            continue
        usd_per_gpu_hour = float(usd_per_gpu_hour_from_list(float(hourly), values))
        total += float(group["gpu_hours"].sum()) * usd_per_gpu_hour * share
    return total, priced


def placements(scenario: Scenario) -> list[Placement]:
    """Compare the plan as written, all in one cloud, by workload type, and an even split.

    By workload type keeps inference where it is (near users, on the primary) and moves each
    training and experimentation workload to the cloud whose table price for its GPU and pricing
    mode is lowest. Moved workloads count their one-time move cost as switching cost.
    """
    result = forecast(scenario)
    lines = result.lines[result.lines["gpu_hours"] > 0]
    if lines.empty:
        return []
    movers = {w.workload: w.move_usd for w in portability(scenario)}
    hours = lines.groupby("cloud")["gpu_hours"].sum()
    primary = str(hours.idxmax())
    secondary = str(hours.drop(primary).idxmax()) if len(hours) > 1 else None
    values = input_values(scenario)
    clouds = sorted({str(r["cloud"]) for r in catalog().get("gpu_prices", [])} | set(hours.index))
    out = [Placement("as planned", float(lines["cost_usd"].sum()),
                     float(hours.max() / hours.sum()), 0.0,
                     dict(zip(lines["workload"], lines["cloud"], strict=False))),
           _all_on(lines, primary, movers, values),
           _by_workload_type(lines, clouds, movers, values)]
    if secondary is not None:
        out.append(_even_split(lines, primary, secondary, movers, values))
    return out


def _all_on(lines: pd.DataFrame, primary: str, move_usd: dict[str, float],
            values: InputValues) -> Placement:
    """Return every GPU workload moved to the primary cloud (unpriced GPUs keep their cost)."""
    one_cost = switching = 0.0
    for workload, group in lines.groupby("workload"):
        here = group["cloud"] == primary  # a dated change may move a workload part-way
        one_cost += float(group.loc[here, "cost_usd"].sum())
        if here.all():
            continue
        away = group[~here]
        cost, priced = _cost_on(away, primary, values)
        one_cost += cost if priced else float(away["cost_usd"].sum())
        if str(group["cloud"].iloc[-1]) != primary:  # a move the plan makes is its own cost
            switching += move_usd[str(workload)]
    return Placement(f"all on {primary}", one_cost, 1.0, switching,
                     {str(w): primary for w in lines["workload"].unique()})


def _by_workload_type(lines: pd.DataFrame, clouds: list[str], move_usd: dict[str, float],
                      values: InputValues) -> Placement:
    """Return inference where it is, training and experiments on their cheapest cloud."""
    typed_cost = typed_switch = 0.0
    typed: dict[str, str] = {}
    for workload, group in lines.groupby("workload"):
        cloud = str(group["cloud"].iloc[-1])  # where the plan has it by the end
        best_cost, best_cloud = float(group["cost_usd"].sum()), cloud
        if group["category"].iloc[0] in CHECKPOINTABLE_CATEGORIES:
            for other in clouds:
                if other == cloud:
                    continue
                cost, priced = _cost_on(group, other, values)
                if priced and cost < best_cost:
                    best_cost, best_cloud = cost, other
        typed_cost += best_cost
        typed[str(workload)] = best_cloud
        if best_cloud != cloud:
            typed_switch += move_usd[str(workload)]
    typed_hours = lines.assign(to=lines["workload"].map(typed)).groupby("to")["gpu_hours"].sum()
    return Placement("by workload type: inference stays, training where GPUs are cheapest",
                     typed_cost, float(typed_hours.max() / typed_hours.sum()), typed_switch,
                     typed)


def _even_split(lines: pd.DataFrame, primary: str, secondary: str, move_usd: dict[str, float],
                values: InputValues) -> Placement:
    """Return every GPU workload half on the primary cloud, half on the secondary."""
    split_cost = split_switch = 0.0
    for workload, group in lines.groupby("workload"):
        other = secondary if str(group["cloud"].iloc[-1]) == primary else primary
        here = float(group["cost_usd"].sum()) / 2
        there, priced = _cost_on(group, other, values, 0.5)
        split_cost += here + (there if priced else here)
        split_switch += move_usd[str(workload)]
    return Placement(f"even split {primary}/{secondary}", split_cost, 0.5, split_switch,
                     {str(w): f"{primary}+{secondary}" for w in lines["workload"].unique()})
