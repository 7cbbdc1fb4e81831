"""Time one edit of a big plan: a cell changed in the draft, the plan re-read, re-forecast.

What the Edit page does per edit, without the browser: change one value in the scenario's TOML
data, parse_scenario (every check, and one load per month with dated changes), forecast, and the
tables every page shows (workload table, by category, GPU-hours by pool). Measured on the
bundled plan (the baseline, same process) and on generated plans of 1,000 workloads × 36 months,
without and with dated changes (a lever on every eligible workload from month 7, and a volume
change on five more in five other months). Prints the median of 7 runs and the ratio to the
baseline. Target: ≤ 1 s per edit at 1,000 × 36.

    python bench/edit_speed.py [--workloads 1000] [--months 36] [--runs 7]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from scale_speed import PLAN, scenario_data  # noqa: E402

from budget.forecast import forecast  # noqa: E402
from budget.levers import lever_changes, lever_workloads  # noqa: E402
from budget.months import month_labels  # noqa: E402
from budget.scenario import parse_scenario  # noqa: E402


def one_edit(data: dict[str, Any], value: float) -> float:
    """Return the seconds one edit takes: set a cell, parse, forecast, build the page tables."""
    edited = copy.deepcopy(data)
    start = time.perf_counter()
    edited["inference"][0]["requests_per_month"] = value
    scenario = parse_scenario(edited, "edit")
    result = forecast(scenario)
    result.workload_table()
    _ = result.by_category, result.gpu_hours_by_pool()
    return time.perf_counter() - start


def median_s(data: dict[str, Any], runs: int) -> float:
    """Return the median seconds of `runs` edits after one warm-up."""
    one_edit(data, 1.0)
    return statistics.median(one_edit(data, 1_000.0 + i) for i in range(runs))


def with_changes(data: dict[str, Any]) -> dict[str, Any]:
    """Return `data` with a lever on every eligible workload from month 7 and five more changes."""
    scenario = parse_scenario(data, "plan")
    months = month_labels(scenario.start, scenario.months)
    eligible = lever_workloads("Prompt caching", scenario)
    changed = copy.deepcopy(data)
    changed["changes"] = lever_changes("Prompt caching", scenario, eligible, months[6]) + [
        {"month": months[2 + i], "workload": row["name"],
         "set": {"requests_per_month": row["requests_per_month"] * 0.5}}
        for i, row in enumerate(data["inference"][:5])]
    return changed


def main() -> None:
    """Print the edit times of the bundled plan and the big ones, and their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=1_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    baseline = median_s(tomllib.loads(PLAN.read_text()), args.runs)
    big = scenario_data(args.workloads, args.months)
    dated = with_changes(big)
    print(f"edit → parse → forecast → page tables, median of {args.runs}")
    print(f"  bundled plan (baseline)                 {baseline * 1000:8.1f} ms")
    for label, data in ((f"{args.workloads:,} workloads × {args.months} months", big),
                        (f"  … with {len(dated['changes']):,} dated changes", dated)):
        seconds = median_s(data, args.runs)
        verdict = "ok" if seconds <= 1.0 else "OVER the 1 s target"
        print(f"  {label:<40} {seconds * 1000:8.1f} ms  ({seconds / baseline:5.1f}× baseline; "
              f"{verdict})")


if __name__ == "__main__":
    main()
