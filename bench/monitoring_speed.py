"""Time the monitoring computations on the sample exports, against reading the exports.

The baseline is the app's own rollup of the same exports (DuckDB + Ibis) in this process, so
the ratios say how much each monitoring step adds to a page that has already read its data.
Medians over repeated runs after one warm-up (statsmodels' import is paid in the warm-up).

    python bench/monitoring_speed.py [--repeat 5] [--copies 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_seconds(step: Callable[[], object], repeat: int) -> float:
    """Return the median wall time of `step` after one warm-up run."""
    step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print each step's median time and its ratio to the rollup."""
    from budget.alerts import all_alerts
    from budget.allocation import chargeback, showback
    from budget.burn import VARIANCE_DIMENSIONS, burn_rate, variance_by
    from budget.digest import digest_markdown
    from budget.exports import billing_rollup, open_exports, telemetry_rollup
    from budget.governance import guardrail_status
    from budget.reforecast import leading_indicators, reforecast
    from budget.sample_data import generate
    from budget.scenario import load_scenario

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=1,
                        help="billing rows × N (same totals) to see how the steps scale")
    args = parser.parse_args()
    folder = ROOT / "data" / "exports"
    if args.copies > 1:
        folder = Path(tempfile.mkdtemp(prefix="bench-monitoring-"))
        generate(folder, copies=args.copies)
    plan = load_scenario(ROOT / "data" / "scenarios" / "fy27-plan.toml")

    def rollups() -> tuple[object, object]:
        exports = open_exports([str(folder / "billing")], [str(folder / "telemetry")])
        return billing_rollup(exports), telemetry_rollup(exports)

    billing, telemetry = rollups()
    burn = burn_rate(billing, plan)  # type: ignore[arg-type]
    steps: dict[str, Callable[[], object]] = {
        "rollups (baseline)": rollups,
        "burn rate + 4 variances": lambda: [variance_by(billing, burn, plan, d)  # type: ignore
                                            for d in VARIANCE_DIMENSIONS],
        "alerts (all kinds)": lambda: all_alerts(billing, telemetry),  # type: ignore[arg-type]
        "reforecast (ETS, 1,000 paths)": lambda: reforecast(billing),  # type: ignore[arg-type]
        "leading indicators": lambda: leading_indicators(billing, telemetry),  # type: ignore
        "weekly digest": lambda: digest_markdown(billing, telemetry, "2026-W47", plan),  # type: ignore
        "showback + chargeback": lambda: (showback(billing),  # type: ignore[arg-type]
                                          chargeback(billing, "even")),  # type: ignore[arg-type]
        "guardrail status": lambda: guardrail_status(billing, burn, plan),  # type: ignore
    }
    print(f"sample exports: {len(billing):,} billing rollup rows, {len(telemetry):,} telemetry "
          f"rows; median of {args.repeat} after a warm-up")
    base = None
    for name, step in steps.items():
        seconds = median_seconds(step, args.repeat)
        base = base or seconds
        print(f"  {name:<32} {seconds * 1000:8.1f} ms   {seconds / base:5.2f}× the rollups")


if __name__ == "__main__":
    main()
