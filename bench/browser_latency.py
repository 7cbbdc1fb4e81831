"""Slider → repaint time in a real browser: p50 and p95 over 20 moves, planner and sensitivity.

Each move is timed in the page, from the key event's own timestamp to the first animation frame
after the number's text changed (the frame that paints it). Two kinds of move: a walk, one step
further each time, so every value is new to the server (nothing cached: what exploring costs),
and back and forth between two values (what nudging costs once both are cached). On the
sensitivity page the expected total paints first and the Monte Carlo range (P90) after it: both
are timed.

One browser session against a server started as the README says. The baseline, measured in the
same key press, is the frame that repaints the slider's own value label (client-only work: the
browser's floor for any move). For comparison it also prints the time as the test driver sees
it (Python → Playwright → DevTools and back, which no person waits for). Target: p50 ≤ 150 ms.
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
            for walk, kind in ((True, "new values"), (False, "back and forth")):
                result = run_load(chromium, server.url, sessions=1, seconds=300, target=target,
                                  moves_cap=MOVES, think_s=0.3, walk=walk)
                p50, p95 = result.percentile(50), result.percentile(95)
                base50 = result.percentile(50, thumb=True)
                print(f"{target}, {kind}: slider → number repainted over "
                      f"{len(result.latencies)} moves: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                      f"(target p50 ≤ 150 ms); slider's own label (client-only baseline) p50 "
                      f"{base50:.0f} ms, ratio {p50 / base50:.1f}; as the driver sees it p50 "
                      f"{result.percentile(50, driver=True):.0f} ms; problems: "
                      f"{result.problems or 'none'}")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
