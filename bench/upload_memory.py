"""Peak memory of reading a small upload that holds many rows (run-length encoded Parquet).

A Parquet file of well under a megabyte can hold 20 M identical rows. The app reads uploads with
a DuckDB memory limit and a row limit (`BUDGET_MAX_UPLOAD_ROWS`, default 50 M); this prints the
peak memory (max RSS of a fresh process) of the app's read against DuckDB's default settings
(no memory limit) on the same file, and the read refused by a row limit below the file's rows.

    python bench/upload_memory.py [--rows 20000000] [--code DIR]

`--code DIR` runs the reads with another checkout's `budget` (e.g. a worktree of an older
commit) for a before/after figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_file(path: Path, rows: int) -> None:
    """Write `rows` copies of one sample charge as Parquet (dictionary + run-length encoded)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = next((ROOT / "data" / "exports" / "billing").rglob("*.parquet"))
    one = pq.read_table(source).slice(0, 1)
    step = 1_000_000
    with pq.ParquetWriter(path, one.schema) as writer:
        block = pa.concat_tables([one] * 1_000).combine_chunks()
        chunk = pa.concat_tables([block] * (step // 1_000)).combine_chunks()
        for start in range(0, rows, step):
            writer.write_table(chunk.slice(0, min(step, rows - start)))


def child(mode: str, file: str) -> None:
    """Read the file one way and print seconds, outcome and this process's peak memory."""
    import duckdb

    from budget.errors import BudgetInputError
    from budget.exports import Exports, billing_rollup, resolve

    start = time.perf_counter()
    outcome = "read"
    try:
        if mode == "default":  # DuckDB's own defaults: memory up to 80% of RAM, no row limit
            exports = Exports(resolve([file]), con=duckdb.connect())
        else:
            limit = int(os.environ.get("BUDGET_MAX_UPLOAD_ROWS", "50000000"))
            exports = Exports(resolve([file]), max_rows=limit) if "max_rows" in (
                Exports.__dataclass_fields__) else Exports(resolve([file]))
        rows = int(billing_rollup(exports)["rows"].sum())
        outcome = f"read {rows:,} rows"
    except BudgetInputError as exc:
        outcome = f"refused: {str(exc)[-90:]}"
    print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome,
                      "peak_mb": peak_mb()}))


def peak_mb() -> float:
    """Return this process's peak resident memory since it started (Linux VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(mode: str, file: Path, code: Path, env: dict[str, str] | None = None,
            ) -> dict[str, object]:
    """Run one read in a fresh process and return its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(file), "--code", str(code)],
        capture_output=True, text=True, check=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(code)})
    figures: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Build the file, read it three ways, print peaks and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--code", default=str(ROOT))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"))
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, args.code)
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "part-0.parquet"
        make_file(file, args.rows)
        print(f"upload: {args.rows:,} rows in {file.stat().st_size / 1024:,.0f} KB of Parquet")
        code = Path(args.code)
        base = measure("default", file, code)
        app = measure("app", file, code)
        refused = measure("app", file, code, {"BUDGET_MAX_UPLOAD_ROWS": str(args.rows // 2)})
        for label, figures in (("DuckDB defaults (baseline)", base), ("app read", app),
                               (f"app read, limit {args.rows // 2:,} rows", refused)):
            peak = float(figures["peak_mb"])  # type: ignore[arg-type]
            print(f"{label:<36} peak {peak:>7,.0f} MB  ({peak / float(base['peak_mb']):.2f}× "  # type: ignore[arg-type]
                  f"baseline)  {float(figures['seconds']):5.1f} s  {figures['outcome']}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
