"""Slider → repaint time in a real browser: p50 and p95 over 20 moves, planner and sensitivity.

Each move is timed in the page, from the key event's own timestamp to the first animation frame
after the number's text changed (the frame that paints it). Two kinds of move: a walk, one step
further each time, so every value is new to the server (nothing cached: what exploring costs),
and back and forth between two values (what nudging costs once both are cached). On the
sensitivity page the expected total paints first and the Monte Carlo range (P90) after it: both
are timed.

One browser session against a server started as the README says, three runs per figure. The
baseline, measured in the same key press, is the frame that repaints the slider's own value
label (client-only work: the browser's floor for any move). For comparison it also prints the
time as the test driver sees it (Python → Playwright → DevTools and back, which no person waits
for). Target: p50 ≤ 150 ms.
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import Server  # noqa: E402
from tests.browser.load import LoadResult, run_load  # noqa: E402

MOVES = 20
RUNS = 3  # the machines are shared and noisy: each figure is the median of three runs


def main() -> int:
    """Print p50/p95 per page and kind of move, and the ratio to the client-only baseline."""
    chromium = shutil.which("chromium")
    if not chromium:
        print("needs Debian's chromium (apt-get install chromium)")
        return 1
    print(f"{RUNS} runs of {MOVES} moves each, every run on a freshly started server "
          "(so a walk's values are new to it); figures are medians over the runs")
    for target in ("planner", "sensitivity", "sensitivity-range"):
        for walk, kind in ((True, "new values"), (False, "back and forth")):
            runs: list[LoadResult] = []
            for _ in range(RUNS):
                server = Server()
                try:
                    runs.append(run_load(chromium, server.url, sessions=1, seconds=300,
                                         target=target, moves_cap=MOVES, think_s=0.3,
                                         walk=walk))
                finally:
                    server.close()
            p50s = [r.percentile(50) for r in runs]
            p50, p95 = statistics.median(p50s), statistics.median(r.percentile(95) for r in runs)
            base50 = statistics.median(r.percentile(50, thumb=True) for r in runs)
            driver50 = statistics.median(r.percentile(50, driver=True) for r in runs)
            problems = [p for r in runs for p in r.problems]
            print(f"{target}, {kind}: slider → number repainted: p50 {p50:.0f} ms (runs: "
                  f"{', '.join(f'{x:.0f}' for x in p50s)}), p95 {p95:.0f} ms (target p50 ≤ "
                  f"150 ms); the slider's own label (client-only baseline) p50 {base50:.0f} ms, "
                  f"ratio {p50 / base50:.1f}; as the test driver sees it p50 {driver50:.0f} ms; "
                  f"problems: {problems or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
