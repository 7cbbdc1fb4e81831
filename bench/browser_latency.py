"""Slider → repaint time in a real browser: p50 and p95 over 20 moves, planner and sensitivity.

On the sensitivity page the expected total paints first and the Monte Carlo range (P90) after
it: both are timed.

One browser session against a server started as the README says. The baseline, measured in the
same key press, is the time until the slider's own value label repaints (client-only work, so
it measures the browser and the measuring). Target: p50 ≤ 150 ms.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import Server  # noqa: E402
from tests.browser.load import run_load  # noqa: E402

MOVES = 20


def main() -> int:
    """Print p50/p95 per page and the ratio to the client-only baseline."""
    chromium = shutil.which("chromium")
    if not chromium:
        print("needs Debian's chromium (apt-get install chromium)")
        return 1
    server = Server()
    try:
        for target in ("planner", "sensitivity", "sensitivity-range"):
            result = run_load(chromium, server.url, sessions=1, seconds=300, target=target,
                              moves_cap=MOVES, think_s=0.3)
            p50, p95 = result.percentile(50), result.percentile(95)
            base50 = result.percentile(50, thumb=True)
            print(f"{target}: slider → number repainted over {len(result.latencies)} moves: p50 "
                  f"{p50:.0f} ms, p95 {p95:.0f} ms (target p50 ≤ 150 ms); the slider's own "
                  f"label (client-only baseline) p50 {base50:.0f} ms; ratio "
                  f"{p50 / base50:.1f}; problems: {result.problems or 'none'}")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
