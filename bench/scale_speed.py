"""Time `python -m budget sensitivity` and `report` on big plans, each in a fresh process.

Generates scenarios of N workloads × M months from data/scenarios/fy27-plan.toml (its
workloads copied with new names and scaled volumes, so a copy keeps its growth rates and
utilisations) into a temporary folder, then runs each command in a fresh process and prints
its whole-process wall time and peak memory (VmHWM) against a baseline measured the same way
in the same run: `python -m budget forecast` of the bundled scenario. Each child is capped
(resident memory and time) so a plan too big for the engine shows as "did not finish" instead of
eating the machine. Target at 5,000 × 120: ≤ 10 s and ≤ 1 GB each.

    python bench/scale_speed.py [--sizes 500x120,5000x12,5000x120] [--cap-gb 8] [--timeout 120]
        [--commands sensitivity,report,capacity] [--distinct-growth]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"
from budget.scenario_model import WORKLOAD_TABLES as TABLES  # noqa: E402

DEFAULT_SIZES = "500x120,5000x12,5000x120"


def scenario_data(workloads: int, months: int, distinct_growth: bool = False) -> dict[str, Any]:
    """Return the bundled plan's TOML data with `workloads` lines over `months` months.

    Needs at least as many workloads as the plan has (15), so every original has a copy.
    With `distinct_growth` every inference copy grows at a rate of its own (the worst case for
    the simulations, which sum the workloads that share a growth rate).
    """
    data = tomllib.loads(PLAN.read_text())
    data["scenario"]["months"] = months
    data["scenario"]["name"] = f"Scale {workloads} x {months}"
    rows = [(table, row) for table in TABLES for row in data.get(table, [])]
    copies: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    for i in range(workloads):
        table, row = rows[i % len(rows)]
        name = row.get("name") or f"{row['team']}-experimentation"
        copy = dict(row, name=f"{name}-{i:05d}")
        scale = 0.5 + (i * 7919 % 1000) / 1000  # 0.5–1.5, deterministic
        for key in ("requests_per_month", "gpu_hours_per_run", "gpu_hours_per_week",
                    "monthly_cost"):
            if key in copy:
                copy[key] = copy[key] * scale / (workloads / len(rows))
        if distinct_growth and table == "inference":
            copy["monthly_growth"] = row["monthly_growth"] + i * 1e-6
        copies[table].append(copy)
    data.update(copies)
    # rows that name a workload name its first copy (the copies start with every original)
    first = {(row.get("name") or f"{row['team']}-experimentation"): f"-{i:05d}"
             for i, (_, row) in enumerate(rows)}
    for value in data.values():
        for row in value if isinstance(value, list) else [value]:
            for key in ("workload", "workload_forecast", "unit_workload"):
                if isinstance(row, dict) and row.get(key) in first:
                    row[key] = row[key] + first[row[key]]
    return data


def child(command: str, path: str, out: str) -> None:
    """In a fresh process: run one CLI command; print its exit code and peak MB as JSON."""
    import contextlib
    import io

    from bench._memory import peak_mb
    from budget.cli import main

    args = {"sensitivity": ["sensitivity", path, "--format", "json"],
            "report": ["report", path, "--out", out],
            "forecast": ["forecast", path, "--format", "json"],
            "capacity": ["capacity", path, "--format", "json"]}[command]
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    if code != 0:
        sys.exit(code)
    print(json.dumps({"code": code, "peak_mb": peak_mb()}))


def _rss_mb(pid: int) -> float:
    """Return a running process's resident memory in MB (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(command: str, path: Path, out: Path, cap_gb: float, timeout: float) -> dict[str, Any]:
    """Run the child in a fresh process; return wall seconds and peak MB, or why it stopped.

    The child is killed when its resident memory passes `cap_gb` (polled every 20 ms; an
    address-space limit would break vl-convert, whose JavaScript engine reserves a lot of it)
    or when it runs longer than `timeout` seconds.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", command, str(path), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    stopped = ""
    while proc.poll() is None:
        if _rss_mb(proc.pid) > cap_gb * 1024:
            stopped = f"did not finish: over {cap_gb:g} GB resident"
        elif time.perf_counter() - start > timeout:
            stopped = f"did not finish in {timeout:.0f} s"
        if stopped:
            proc.kill()
            proc.communicate()
            return {"error": f"{stopped} (killed after {time.perf_counter() - start:.1f} s)"}
        time.sleep(0.02)
    wall = time.perf_counter() - start
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        tail = (stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"did not finish (exit {proc.returncode}): {tail[:120]}"}
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return {**result, "wall": wall}


def describe(r: dict[str, Any], base: dict[str, Any]) -> str:
    """Return one result as text with its ratios to the baseline."""
    if "error" in r:
        return str(r["error"])
    return (f"{r['wall']:6.2f} s ({r['wall'] / base['wall']:5.1f}× baseline), "
            f"peak {r['peak_mb']:7,.0f} MB ({r['peak_mb'] / base['peak_mb']:4.1f}× baseline)")


def main() -> int:
    """Generate the plans, run the commands, print figures and ratios."""
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        child(*sys.argv[i + 1:i + 4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="WORKLOADSxMONTHS,…")
    parser.add_argument("--cap-gb", type=float, default=8.0, help="resident-memory cap per child")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per child")
    parser.add_argument("--commands", default="sensitivity,report",
                        help="of sensitivity, report, capacity, forecast")
    parser.add_argument("--distinct-growth", action="store_true",
                        help="every inference line grows at a rate of its own (worst case)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ai-budget-scale-") as tmp:
        folder = Path(tmp)
        out = folder / "summary.pdf"
        base = run("forecast", PLAN, out, args.cap_gb, args.timeout)
        if "error" in base:
            print(f"baseline failed: {base['error']}")
            return 1
        print(f"baseline (fresh process, forecast of {PLAN.name}): {base['wall']:.2f} s, "
              f"peak {base['peak_mb']:,.0f} MB")
        for size in args.sizes.split(","):
            workloads, months = (int(p) for p in size.lower().split("x"))
            path = folder / f"scale-{workloads}x{months}.toml"
            path.write_text(tomli_w.dumps(scenario_data(workloads, months,
                                                        args.distinct_growth)))
            for command in args.commands.split(","):
                r = run(command, path, out, args.cap_gb, args.timeout)
                print(f"{workloads:>6,} × {months:>3} {command:<12} {describe(r, base)}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
