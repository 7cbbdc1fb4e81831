"""Time the planner's rerun on a generated big plan against the reference page (AppTest).

The same method as bench/planner_rerun.py (median of 20 slider moves each, measured
alternately in one process, after 3 warm-up moves) with a scenario of N workloads × M months
made by bench/scale_speed.py's scenario_data in a temporary folder (BUDGET_SCENARIO_DIR).
Target at 5,000 × 120: ratio ≤ 4.

    python bench/planner_scale.py [--size 5000x120] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import tomli_w
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.planner_rerun import _time_move  # noqa: E402
from bench.scale_speed import scenario_data  # noqa: E402

RUNS = 20
WARMUP = 3


PROFILE: list[cProfile.Profile] = []  # the profile of the script runs, when one is set


def _profile_script_runs() -> None:
    """Profile each script run into PROFILE[0] (AppTest runs the script in its own thread)."""
    run = ScriptRunner._run_script

    def wrapped(self: ScriptRunner, *args: Any, **kwargs: Any) -> None:
        if not PROFILE:
            return run(self, *args, **kwargs)
        PROFILE[0].enable()
        try:
            return run(self, *args, **kwargs)
        finally:
            PROFILE[0].disable()

    ScriptRunner._run_script = wrapped  # type: ignore[method-assign]


def main() -> int:
    """Print the planner's and the reference page's medians (ms) and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="5000x120", help="WORKLOADSxMONTHS")
    parser.add_argument("--profile", action="store_true",
                        help="profile the planner's moves (their figures then include "
                        "cProfile's overhead) and print the costliest functions")
    args = parser.parse_args()
    workloads, months = (int(p) for p in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory(prefix="ai-budget-planner-") as tmp:
        (Path(tmp) / "scale.toml").write_text(tomli_w.dumps(scenario_data(workloads, months)))
        os.environ["BUDGET_SCENARIO_DIR"] = tmp  # the only file: the picker opens it
        start = time.perf_counter()
        planner = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        planner.switch_page("pages/planner.py")
        planner.run()
        if planner.exception:
            sys.exit(f"planner raised: {planner.exception}")
        first_s = time.perf_counter() - start
        reference = AppTest.from_file(str(ROOT / "bench" / "reference_page.py"),
                                      default_timeout=60)
        reference.run()
        stats: pstats.Stats | None = None
        if args.profile:
            _profile_script_runs()
        page_s: list[float] = []
        reference_s: list[float] = []
        for i in range(WARMUP + RUNS):
            value = round(0.5 + 0.05 * (i % 30), 2)
            if args.profile and i >= WARMUP:  # the planner's measured moves only
                PROFILE[:] = [cProfile.Profile()]
            p = _time_move(planner, "plan_volume", value)
            if PROFILE:
                stats = pstats.Stats(PROFILE[0]) if stats is None else stats.add(PROFILE[0])
                PROFILE.clear()
            r = _time_move(reference, "ref_scale", value)
            if i >= WARMUP:
                page_s.append(p)
                reference_s.append(r)
    p_med, r_med = statistics.median(page_s) * 1000, statistics.median(reference_s) * 1000
    p90 = statistics.quantiles(page_s, n=10)[-1] * 1000
    print(f"planner at {workloads:,} workloads × {months} months: first run {first_s:.2f} s; "
          f"rerun after a slider move: median {p_med:.1f} ms over {RUNS} (p90 {p90:.1f} ms); "
          f"reference page (two Altair charts): median {r_med:.1f} ms; "
          f"ratio {p_med / r_med:.2f} (target ≤ 4)")
    if stats is not None:  # profiling slows the moves: the figures above are without it
        stats.sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
