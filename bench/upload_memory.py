"""Peak memory of reading a small upload that holds many rows (run-length encoded Parquet).

A Parquet file of well under a megabyte can hold 20 M identical rows. The app reads uploads with
a DuckDB memory limit and a row limit (`BUDGET_MAX_UPLOAD_ROWS`, default 50 M); this prints the
peak memory (max RSS of a fresh process) of the app's read against DuckDB's default settings
(no memory limit) on the same file, and the read refused by a row limit below the file's rows.

    python bench/upload_memory.py [--rows 20000000] [--code DIR] [--server]

`--code DIR` runs the reads with another checkout's `budget` (e.g. a worktree of an older
commit) for a before/after figure. `--server` also starts that checkout's app, uploads the file on
the Actuals page in headless Chromium and samples the server's resident memory (its process tree)
from before the upload until the page has shown the upload or its error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _memory import peak_mb  # noqa: E402


def make_file(path: Path, rows: int, shape: str = "identical") -> None:
    """Write `rows` copies of one sample charge as Parquet (dictionary + run-length encoded).

    `far-days` puts each copy one day after the last (delta-encoded, still tiny): a damaged
    date column whose millions of days would each become a group of the rollup.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = next((ROOT / "data" / "exports" / "billing").rglob("*.parquet"))
    one = pq.read_table(source).slice(0, 1)
    step = 1_000_000
    encoding = {"ChargePeriodStart": "DELTA_BINARY_PACKED"} if shape == "far-days" else None
    dictionary: bool | list[str] = ([c for c in one.column_names if c != "ChargePeriodStart"]
                                    if shape == "far-days" else True)
    with pq.ParquetWriter(path, one.schema, use_dictionary=dictionary,
                          column_encoding=encoding) as writer:
        block = pa.concat_tables([one] * 1_000).combine_chunks()
        chunk = pa.concat_tables([block] * (step // 1_000)).combine_chunks()
        column = chunk.schema.get_field_index("ChargePeriodStart")
        for start in range(0, rows, step):
            part = chunk.slice(0, min(step, rows - start))
            if shape == "far-days":
                days = (np.datetime64("2000-01-01", "ms")
                        + np.arange(start, start + len(part)).astype("timedelta64[D]"))
                part = part.set_column(column, "ChargePeriodStart",
                                       pa.array(days, one.schema.field(column).type))
            writer.write_table(part)


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
    except Exception as exc:  # an older checkout may crash: that is the figure
        outcome = f"crashed: {type(exc).__name__}: {str(exc)[:60]}"
    print(json.dumps({"seconds": time.perf_counter() - start, "outcome": outcome,
                      "peak_mb": peak_mb()}))



def measure(mode: str, file: Path, code: Path, env: dict[str, str] | None = None,
            ) -> dict[str, object]:
    """Run one read in a fresh process and return its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(file), "--code", str(code)],
        capture_output=True, text=True, check=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(code)})
    figures: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _tree_rss_mb(pid: int) -> float:
    """Return the resident memory of a process and its children in MB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)
        todo += [int(c) for c in children]
    return total / 1024


def server_peak(code: Path, file: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Upload the file on a fresh server's Actuals page; return its memory before and at peak."""
    import socket
    import threading
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = open(Path(tempfile.gettempdir()) / f"upload-bench-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(code / "app.py"), "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=code, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(code)})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.3)
        args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path="/usr/bin/chromium", args=args)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{url}/actuals")
            page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=90_000)
            page.wait_for_timeout(3000)
            before = _tree_rss_mb(server.pid)
            peak = [before]
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak.append(_tree_rss_mb(server.pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            start = time.perf_counter()
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                str(file))
            shown = page.locator('[data-testid="stCaptionContainer"]:has-text("upload"), '
                                 '[data-testid="stAlertContentError"]').first
            shown.wait_for(timeout=600_000)
            seconds = time.perf_counter() - start
            page.wait_for_timeout(1000)
            done.set()
            sampler.join()
            outcome = shown.inner_text()[:110].replace("\n", " ")
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()
    return {"before_mb": before, "peak_mb": max(peak), "seconds": seconds, "outcome": outcome}


def main() -> None:
    """Build the file, read it three ways, print peaks and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--shape", choices=("identical", "far-days"), default="identical",
                        help="identical rows, or each row a day after the last")
    parser.add_argument("--code", default=str(ROOT))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"))
    parser.add_argument("--server", action="store_true",
                        help="also measure a server while the file is uploaded in a browser")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, args.code)
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "part-0.parquet"
        make_file(file, args.rows, args.shape)
        print(f"upload: {args.rows:,} {args.shape} rows in {file.stat().st_size / 1024:,.0f} KB "
              "of Parquet")
        code = Path(args.code)
        base = measure("default", file, code)
        app = measure("app", file, code)
        refused = measure("app", file, code, {"BUDGET_MAX_UPLOAD_ROWS": str(args.rows // 2)})
        for label, figures in (("DuckDB defaults (baseline)", base), ("app read", app),
                               (f"app read, limit {args.rows // 2:,} rows", refused)):
            peak = float(figures["peak_mb"])  # type: ignore[arg-type]
            print(f"{label:<36} peak {peak:>7,.0f} MB  ({peak / float(base['peak_mb']):.2f}× "  # type: ignore[arg-type]
                  f"baseline)  {float(figures['seconds']):5.1f} s  {figures['outcome']}")  # type: ignore[arg-type]
        if args.server:
            for label, env in (("server, upload read", None),
                               (f"server, limit {args.rows // 2:,} rows",
                                {"BUDGET_MAX_UPLOAD_ROWS": str(args.rows // 2)})):
                got = server_peak(code, file, env)
                before, peak = float(got["before_mb"]), float(got["peak_mb"])  # type: ignore[arg-type]
                print(f"{label:<36} {before:,.0f} MB before the upload, peak {peak:,.0f} MB "
                      f"({peak / before:.2f}× before), {float(got['seconds']):.1f} s: "  # type: ignore[arg-type]
                      f"{got['outcome']}")


if __name__ == "__main__":
    main()
