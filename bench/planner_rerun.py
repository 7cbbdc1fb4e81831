"""Time the planner's rerun after a slider move against a two-chart reference page (AppTest).

Prints the median of 20 reruns for each, measured alternately in one process, and their ratio.
Target: ratio ≤ 4.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20
WARMUP = 3


def _planner() -> tuple[AppTest, str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/planner.py")
    at.run()
    return at, "plan_volume"


def _reference() -> tuple[AppTest, str]:
    at = AppTest.from_file(str(ROOT / "bench" / "reference_page.py"), default_timeout=60)
    at.run()
    return at, "ref_scale"


def _time_move(at: AppTest, key: str, value: float) -> float:
    start = time.perf_counter()
    at.slider(key=key).set_value(value).run()
    elapsed = time.perf_counter() - start
    if at.exception:
        sys.exit(f"rerun raised: {at.exception}")
    return elapsed


def main() -> int:
    """Print medians (ms) and the planner / reference ratio."""
    planner, planner_key = _planner()
    reference, reference_key = _reference()
    values = [round(0.5 + 0.05 * (i % 30), 2) for i in range(WARMUP + RUNS)]
    planner_s: list[float] = []
    reference_s: list[float] = []
    for i, value in enumerate(values):
        p = _time_move(planner, planner_key, value)
        r = _time_move(reference, reference_key, value)
        if i >= WARMUP:
            planner_s.append(p)
            reference_s.append(r)
    p_med = statistics.median(planner_s) * 1000
    r_med = statistics.median(reference_s) * 1000
    print(f"planner rerun after a slider move: median {p_med:.1f} ms over {RUNS} "
          f"(p90 {statistics.quantiles(planner_s, n=10)[-1] * 1000:.1f} ms)")
    print(f"reference page (two Altair charts): median {r_med:.1f} ms over {RUNS}")
    print(f"ratio planner / reference: {p_med / r_med:.2f} (target ≤ 4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
