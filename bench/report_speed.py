"""Time the executive summary PDF cold (first call in a fresh process) and warm.

Prints both against one forecast() in the same process. Target: ≤ 2 s cold.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


def child() -> None:
    """In a fresh process: forecast once, then the PDF cold and warm; print JSON figures."""
    from budget.forecast import forecast
    from budget.report import report_results, results_pdf, summary_pdf
    from budget.scenario import load_scenario

    scenario = load_scenario(PLAN)
    start = time.perf_counter()
    forecast(scenario)
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    pdf = summary_pdf(scenario)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    summary_pdf(scenario.with_drivers(gpu_price=1.1))
    warm = time.perf_counter() - start
    moved = scenario.with_drivers(gpu_price=1.2)
    start = time.perf_counter()
    results = report_results(moved)  # what the Summary page has already computed and cached
    engine = time.perf_counter() - start
    start = time.perf_counter()
    results_pdf(results)  # the page's click: the PDF of the page's own results
    click = time.perf_counter() - start
    print(json.dumps({"baseline": baseline, "cold": cold, "warm": warm, "bytes": len(pdf),
                      "engine": engine, "click": click}))


def main() -> int:
    """Run the child twice and the CLI once; print figures and ratios."""
    if "--child" in sys.argv:
        child()
        return 0
    for run in (1, 2):
        done = subprocess.run([sys.executable, __file__, "--child"], capture_output=True,
                              text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"run {run}: PDF cold {r['cold']:.2f} s (target ≤ 2 s), warm {r['warm']:.2f} s; "
              f"one forecast {r['baseline'] * 1000:.1f} ms; cold = "
              f"{r['cold'] / r['baseline']:.0f}× a forecast; {r['bytes'] / 1024:.0f} KB")
        print(f"       page click (PDF of the page's cached results) {r['click']:.2f} s; "
              f"recomputing them as before added {r['engine']:.2f} s "
              f"({(r['click'] + r['engine']) / r['click']:.2f}× the click)")
    out = Path(tempfile.gettempdir()) / "ai-budget-bench-summary.pdf"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "budget", "report", str(PLAN), "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    print(f"whole CLI process (interpreter start, imports, PDF): "
          f"{time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
