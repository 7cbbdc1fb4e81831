"""Cell edit → KPIs repainted in a real browser, on the Edit page: p50 and p95 over 15 edits.

Each edit types a new requests_per_month into the inference grid's first row and presses Enter;
it is timed in the page, from the Enter key event's own timestamp to the first animation frame
after the Horizon total KPI's text changed (the frame that paints it). The baseline, measured on
the same key press, is the first animation frame after it (the browser's floor for any change).
Measured on the bundled plan and on a generated plan of 1,000 workloads × 36 months, each on a
freshly started server, and on a reference page (bench/reference_edit_page.py: one data_editor
and one metric of its sum, the least any Streamlit page does per cell edit) in the same run.
Target: p50 ≤ 200 ms on the bundled plan; the big plan within 1 s.

    python bench/edit_latency.py [--edits 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from scale_speed import PLAN, scenario_data  # noqa: E402

from tests.browser.harness import Server  # noqa: E402

# The inference grid's columns left of requests_per_month: name, changed, team, model,
# environment, kind (as tests/browser/test_edit.py steps them)
STEPS_TO_REQUESTS = 6
KPI = "Horizon total"

_WATCH = """(kpi) => {
  const total = () => {
    const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
      .find(e => e.innerText.includes(kpi));
    return m ? m.innerText : null;
  };
  window.__edit = {before: total(), key: null, frame: null, painted: null};
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || window.__edit.key !== null) return;
    window.__edit.key = e.timeStamp;
    requestAnimationFrame(() => { window.__edit.frame = performance.now(); });
    const seen = new MutationObserver(() => {
      const now = total();
      if (now !== null && now !== window.__edit.before) {
        seen.disconnect();
        requestAnimationFrame(() => { window.__edit.painted = performance.now(); });
      }
    });
    seen.observe(document.body, {subtree: true, childList: true, characterData: true});
  }, {capture: true, once: true});
}"""


def _idle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has finished its run (no running status widget)."""
    page.wait_for_selector('[data-testid="stApp"]')
    for _ in range(240):
        if not page.query_selector('[data-testid="stStatusWidget"]'):
            return
        time.sleep(0.05)


def _edits(chromium: str, url: str, grid: str, edits: int) -> tuple[list[float], list[float]]:
    """Return (ms to the KPI's repaint, ms to the next frame) of each edit of the page at url."""
    from playwright.sync_api import sync_playwright

    painted: list[float] = []
    floor: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(url)
        _idle(page)
        page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        for i in range(edits + 1):  # the first edit warms the caches: not counted
            _idle(page)
            time.sleep(1.0)
            box = page.locator(grid).first.bounding_box()
            if box is None:
                raise SystemExit(f"no grid at {url}")
            page.mouse.click(box["x"] + 80, box["y"] + 35 + 17)
            for _ in range(STEPS_TO_REQUESTS):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")  # open the cell's editor, replace its value
            page.wait_for_timeout(300)
            page.keyboard.press("Control+A")
            page.keyboard.type(str(1_000_000 + 1_000 * (i + 1)), delay=30)
            page.evaluate(_WATCH, KPI)  # timed from the Enter that commits it
            page.keyboard.press("Enter")
            page.wait_for_function("() => window.__edit && window.__edit.painted !== null",
                                   timeout=60_000)
            timing = page.evaluate("() => window.__edit")
            if i:
                painted.append(timing["painted"] - timing["key"])
                floor.append(timing["frame"] - timing["key"])
        browser.close()
    return painted, floor


def _edit_page(chromium: str, folder: Path, edits: int) -> tuple[list[float], list[float]]:
    """Return _edits of the Edit page on a fresh server over the scenarios in `folder`."""
    server = Server({"BUDGET_SCENARIO_DIR": str(folder)})
    try:
        return _edits(chromium, f"{server.url}/edit",
                      '[data-testid="stTabs"] [data-testid="stDataFrame"]', edits)
    finally:
        server.close()


def _reference(chromium: str, edits: int) -> tuple[list[float], list[float]]:
    """Return _edits of bench/reference_edit_page.py on a fresh Streamlit server."""
    server = Server(script=ROOT / "bench" / "reference_edit_page.py")
    try:
        return _edits(chromium, f"{server.url}/", '[data-testid="stDataFrame"]', edits)
    finally:
        server.close()


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    """Print p50/p95 of edit → repaint per plan, and the ratio to the frame floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if not chromium:
        print("needs Debian's chromium (apt-get install chromium)")
        return 1
    reference, _ = _reference(chromium, args.edits)
    ref50 = statistics.median(reference)
    print(f"reference page (one data_editor, one metric): cell edit → metric repainted p50 "
          f"{ref50:.0f} ms, p95 {_percentile(reference, 95):.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        plans = {"bundled plan (15 workloads × 12 months)": tomllib.loads(PLAN.read_text()),
                 "1,000 workloads × 36 months": scenario_data(1_000, 36)}
        for label, data in plans.items():
            folder = Path(tmp) / str(len(list(Path(tmp).iterdir())))
            folder.mkdir()
            (folder / "fy27-plan.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
            painted, floor = _edit_page(chromium, folder, args.edits)
            p50, p95 = statistics.median(painted), _percentile(painted, 95)
            base = statistics.median(floor)
            print(f"{label}: cell edit → Horizon total repainted p50 {p50:.0f} ms, p95 "
                  f"{p95:.0f} ms over {len(painted)} edits (target p50 ≤ 200 ms); "
                  f"{p50 / ref50:.1f}× the reference page; next frame (browser floor) p50 "
                  f"{base:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
