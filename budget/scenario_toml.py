"""Scenario back to TOML data: the inverse of parse_scenario, for saving and diffing versions."""

from __future__ import annotations

import dataclasses
from typing import Any

from budget.inputs import INPUTS_BY_NAME
from budget.scenario import Scenario
from budget.schema import TABLES_BY_NAME


def _clean(row: dict[str, Any], table: str) -> dict[str, Any]:
    """Drop None values and keys the table does not have (in the schema's key order)."""
    spec = TABLES_BY_NAME[table]
    return {k.name: row[k.name] for k in spec.keys
            if row.get(k.name) is not None
            and (k.only_for is None or row.get("serving") == k.only_for)}


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as TOML-ready data; parse_scenario(scenario_data(s)) == s."""
    data: dict[str, Any] = {
        "scenario": {"name": scenario.name, "start": scenario.start, "months": scenario.months,
                     "currency": scenario.currency},
        "drivers": dataclasses.asdict(scenario.drivers),
    }
    if scenario.unit_name and scenario.unit_workload:
        data["narrative"] = {"unit_name": scenario.unit_name,
                             "unit_workload": scenario.unit_workload}
    if (scenario.stress_surge, scenario.interruption_overhead) != (2.0, 0.10):
        data["capacity"] = {"stress_surge": scenario.stress_surge,
                            "interruption_overhead": scenario.interruption_overhead}
    if scenario.ranges:
        ranges = {}
        for r in scenario.ranges:
            expected = float(getattr(scenario.drivers, r.name))
            low, high = INPUTS_BY_NAME[r.name].move(expected, r.relative)
            ranges[r.name] = [round(low, 10), round(high, 10)]
        data["ranges"] = ranges
    if scenario.budget_monthly is not None:
        data["budget"] = {"monthly": scenario.budget_monthly}
    for table in ("gpu_prices", "inference", "training", "experimentation", "platform",
                  "portability", "guardrails", "projects"):
        rows = [_clean(dataclasses.asdict(row), table) for row in getattr(scenario, table)]
        if rows:
            data[table] = rows
    return data


def scenario_toml(scenario: Scenario, comment: str = "") -> str:
    """Return the scenario as TOML text, with an optional leading comment."""
    import tomli_w

    header = "".join(f"# {line}\n" for line in comment.splitlines()) + ("\n" if comment else "")
    return header + tomli_w.dumps(scenario_data(scenario))
