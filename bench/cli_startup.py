"""Time the CLI's start-up: whole-process wall time of `python -m budget forecast`, `capacity`,
`compare` and `new`, against `python -c "import numpy, pandas"` measured the same way in the
same run.

Each figure is the median of 7 fresh processes, the commands taken in turn so that a busy machine
slows them alike. Target: `forecast` ≤ 0.4 s (each command imports only the engine it uses;
`forecast` as JSON or a table imports numpy but not pandas; tests/budget/test_cli_imports.py pins
which modules that is).

`--before DIR` also times the commands in another checkout, in the same run (e.g.
`git archive COMMIT budget data | tar -x -C DIR`: a `budget` folder in DIR wins over this one).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = "data/scenarios/fy27-plan.toml"
COST_DOWN = "data/scenarios/fy27-cost-down.toml"
RUNS = 7
TARGET_S = 0.4


def commands(folder: Path) -> dict[str, list[str]]:
    """Return each timed command by its label; `new` writes a fresh file in `folder` each run."""
    return {
        "python (nothing imported)": ["-c", "pass"],
        "numpy + pandas (floor)": ["-c", "import numpy, pandas"],
        "forecast --format json": ["-m", "budget", "forecast", PLAN, "--format", "json"],
        "capacity": ["-m", "budget", "capacity", PLAN],
        "compare (2 files)": ["-m", "budget", "compare", PLAN, COST_DOWN],
        "new --template blank": ["-m", "budget", "new", "--template", "blank", "--out",
                                 str(folder / "{run}.toml")],
    }


def wall_s(args: list[str], cwd: Path) -> float:
    """Return the wall time of one fresh `python ARGS` process in `cwd` (output discarded)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed_commands(folder: Path, before: Path | None) -> dict[str, tuple[list[str], Path]]:
    """Return (args, folder to run in) by label: this checkout's, then --before's commands."""
    now = commands(folder)
    timed = {label: (args, ROOT) for label, args in now.items()}
    if before is not None:
        timed |= {f"before: {label}": (args, before) for label, args in now.items()
                  if args[0] == "-m"}
    return timed


def main() -> int:
    """Time every command RUNS times in turn; print medians and ratios to the floor."""
    before = Path(sys.argv[sys.argv.index("--before") + 1]) if "--before" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        timed = timed_commands(Path(tmp), before)
        times: dict[str, list[float]] = {label: [] for label in timed}
        for run in range(RUNS):
            for label, (args, cwd) in timed.items():
                out = f"{run}-{len(times[label])}-{'b' if cwd != ROOT else 'n'}"
                times[label].append(wall_s([a.replace("{run}", out) for a in args], cwd))
    median = {label: statistics.median(t) for label, t in times.items()}
    floor = median["numpy + pandas (floor)"]
    print(f"CLI start-up, whole process, median of {RUNS} (target: forecast ≤ {TARGET_S} s)")
    for label, seconds in median.items():
        print(f"  {label:<36} {seconds:6.3f} s  {seconds / floor:5.2f}× numpy + pandas  "
              f"(min {min(times[label]):.3f} s)")
    forecast_s = median["forecast --format json"]
    print(f"forecast: {forecast_s:.3f} s, {forecast_s / floor:.2f}× importing numpy + pandas "
          f"(it imports no pandas); {'within' if forecast_s <= TARGET_S else 'above'} the "
          f"{TARGET_S} s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
