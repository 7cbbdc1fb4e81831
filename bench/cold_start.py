"""Cold start: a fresh server's first planner chart, and every page by deep link, in a browser.

Starts the app as the README says on a fresh server, then opens the planner in a fresh
browser context and times, in the page, from navigation start to the first frame in which the
page's main element has drawn (a chart's canvas or svg; a grid or KPI on pages without a
chart). Then each page by deep link, each in its own fresh browser context on the same (now
warm) server — a newcomer pasting a link. The baseline, measured the same way in the same run,
is a reference Streamlit page (bench/reference_page.py) on its own fresh server: what Streamlit
itself costs to paint its first element. Target: first planner chart ≤ 1.5 s on a fresh
server; every page ≤ 1.5 s by deep link.

    python bench/cold_start.py [--pages planner,summary] [--runs 3]
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import CHROMIUM_ARGS, Server  # noqa: E402

CHART = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
GRID = '[data-testid="stDataFrame"] canvas'
KPI = '[data-testid="stMetric"]'
# Each page's main element: its first chart, or what it shows first without one.
PAGES = {
    "": CHART, "planner": CHART, "sensitivity": CHART, "capacity": CHART,
    "multicloud": CHART, "assumptions": GRID, "edit": GRID,
    "summary": '[data-testid="stMain"] [data-testid="stDownloadButton"]',  # text, no chart
    "compare": CHART, "present": '[data-testid="stMain"] [data-testid="stMetric"]',
    "actuals": CHART, "monitoring": CHART, "chargeback": CHART, "governance": GRID,
}

# Records, in the page, when the main element first exists, then the frame that paints it.
_WATCH = """(selector) => {
  window.__cold = {seen: null, painted: null};
  const check = () => {
    if (window.__cold.seen !== null || !document.querySelector(selector)) return;
    window.__cold.seen = performance.now();
    requestAnimationFrame(() => { window.__cold.painted = performance.now(); });
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true});
  check();
}"""


def _open(browser, url: str, selector: str) -> float:  # type: ignore[no-untyped-def]
    """Return ms from navigation start to the frame that paints `selector`, fresh context."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = context.new_page()
        page.add_init_script(f"({_WATCH})({selector!r})")
        page.goto(url, wait_until="commit")
        try:
            page.wait_for_function("() => window.__cold && window.__cold.painted !== null",
                                   timeout=30_000)
        except PlaywrightTimeout:
            return math.inf  # printed as "not painted in 30 s"
        return float(page.evaluate("() => window.__cold.painted"))
    finally:
        context.close()


def _reference(browser, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Return ms to the reference page's first chart, each run on a fresh server."""
    times = []
    for _ in range(runs):
        server = Server(script=ROOT / "bench" / "reference_page.py")
        try:
            times.append(_open(browser, f"{server.url}/", CHART))
        finally:
            server.close()
    return times


def main() -> int:
    """Print the first planner chart on fresh servers and each page by deep link."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(p for p in PAGES if p),
                        help="comma-separated url paths to time by deep link")
    parser.add_argument("--runs", type=int, default=3, help="fresh servers per figure")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if not chromium:
        print("needs Debian's chromium (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    pages = [p for p in args.pages.split(",") if p in PAGES]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        reference = _reference(browser, args.runs)
        ref = statistics.median(reference)
        print(f"reference page (bench/reference_page.py), fresh server: first element painted "
              f"{ref:.0f} ms (median of {args.runs}: {', '.join(f'{t:.0f}' for t in reference)})")
        first: list[float] = []
        healthy: list[float] = []
        deep: dict[str, list[float]] = {page: [] for page in pages}
        for _ in range(args.runs):
            started = time.perf_counter()
            server = Server()
            healthy.append(time.perf_counter() - started)
            try:
                first.append(_open(browser, f"{server.url}/planner", PAGES["planner"]))
                for page in pages:
                    deep[page].append(_open(browser, f"{server.url}/{page}", PAGES[page]))
            finally:
                server.close()
        cold = statistics.median(first)
        up = statistics.median(healthy)
        print(f"fresh server (healthy after {up:.1f} s): first planner chart painted "
              f"{cold:.0f} ms ({cold / ref:.1f}× the reference; runs "
              f"{', '.join(f'{t:.0f}' for t in first)}; target ≤ 1,500 ms)")
        for page in pages:
            median = statistics.median(deep[page])
            flag = "" if median <= 1500 else "  (over 1,500 ms)"
            print(f"  /{page:<12} by deep link, fresh browser context, warm server: "
                  f"{median:5.0f} ms ({median / ref:.1f}× the reference){flag}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
