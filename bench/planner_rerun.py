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


def _page(name: str) -> tuple[AppTest, str]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"pages/{name}.py")
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


def _medians(page: str) -> tuple[float, float, float]:
    """Return median ms of the page and of the reference, and the page's p90, interleaved."""
    target, target_key = _page(page)
    reference, reference_key = _reference()
    values = [round(0.5 + 0.05 * (i % 30), 2) for i in range(WARMUP + RUNS)]
    page_s: list[float] = []
    reference_s: list[float] = []
    for i, value in enumerate(values):
        p = _time_move(target, target_key, value)
        r = _time_move(reference, reference_key, value)
        if i >= WARMUP:
            page_s.append(p)
            reference_s.append(r)
    return (statistics.median(page_s) * 1000, statistics.median(reference_s) * 1000,
            statistics.quantiles(page_s, n=10)[-1] * 1000)


def main() -> int:
    """Print medians (ms) and the page / reference ratios."""
    for page, target in (("planner", "target ≤ 4"), ("sensitivity", "for information")):
        p_med, r_med, p90 = _medians(page)
        print(f"{page} rerun after a slider move: median {p_med:.1f} ms over {RUNS} "
              f"(p90 {p90:.1f} ms); reference page (two Altair charts): median {r_med:.1f} ms; "
              f"ratio {p_med / r_med:.2f} ({target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
