"""Time tornado + 10k-draw Monte Carlo and Sobol on the sample scenario, against one forecast.

Prints medians in ms and ratios to a single forecast() run measured in the same process.
Target: tornado + Monte Carlo ≤ 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from budget.forecast import forecast
from budget.scenario import load_scenario
from budget.scenario_model import Scenario
from budget.sensitivity import monte_carlo, scenario_sobol, tornado

ROOT = Path(__file__).resolve().parent.parent
RUNS = 15


def median_ms(work: Callable[[], object], runs: int = RUNS) -> float:
    """Return the median wall time of `work` in milliseconds after one warm-up call."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    """Print the figures."""
    scenario = load_scenario(ROOT / "data" / "scenarios" / "fy27-plan.toml")
    # vary the scenario each call, as a slider move does, so no cache can help
    counter = iter(range(10**9))

    def moved() -> Scenario:
        return scenario.with_drivers(inference_volume=1.0 + next(counter) * 1e-6)

    baseline = median_ms(lambda: forecast(moved()))
    sens = median_ms(lambda: (tornado(s := moved()), monte_carlo(s)))
    tor = median_ms(lambda: tornado(moved()))
    mc = median_ms(lambda: monte_carlo(moved()))
    sobol = median_ms(lambda: scenario_sobol(moved()), runs=7)
    print(f"baseline forecast(): {baseline:.2f} ms")
    print(f"tornado (9 inputs × 3 runs): {tor:.1f} ms ({tor / baseline:.1f}× baseline)")
    print(f"Monte Carlo, 10,000 draws: {mc:.1f} ms ({mc / baseline:.1f}× baseline)")
    print(f"tornado + Monte Carlo: {sens:.1f} ms ({sens / baseline:.1f}× baseline; "
          "target ≤ 100 ms)")
    print(f"Sobol (1,024 base samples, 11,264 runs): {sobol:.1f} ms ({sobol / baseline:.1f}× "
          "baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
