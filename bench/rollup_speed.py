"""Time the billing rollup (DuckDB + Ibis) against pandas doing the same work, on N rows.

Each engine runs in its own process so its peak memory (VmHWM) is its own. Prints both times,
both peaks and the ratios, and the rollup's rows per second against DuckDB's raw-scan floor (a
bare scan summing one cost column, measured in the same run) and against the grouping alone
(DuckDB summing the raw key columns exactly, the rollup's own first step). Targets at 10M rows:
≥ 5× faster, ≤ ¼ of pandas' peak memory. `--realistic` shuffles the rows within each month,
jitters every cost by up to ±1% and gives every copy its own resources (the sample repeated back
to back compresses to ~1 byte a row, which real exports never do).

    python bench/rollup_speed.py [--rows 10000000] [--engines duckdb,pandas] [--realistic] [--keep]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _memory import peak_mb  # noqa: E402

SAMPLE_ROWS = 9_527  # rows of one copy of the sample (budget/sample_data.py)


def run_duckdb(folder: Path) -> dict[str, float]:
    """Roll up with the app's own code: resolve, normalise, group (Ibis over DuckDB)."""
    start = time.perf_counter()
    import ibis.backends.duckdb  # noqa: F401  (once per process: the app server has it loaded)

    from budget.exports import billing_rollup, open_exports

    imported = time.perf_counter()
    rollup = billing_rollup(open_exports([str(folder)]))
    return {"seconds": time.perf_counter() - imported, "import_seconds": imported - start,
            "groups": len(rollup), "effective_cost": float(rollup["effective_cost"].sum())}


def run_grouping(folder: Path) -> dict[str, float]:
    """The rollup's own floor: DuckDB grouping the raw key columns with the same exact sums."""
    import duckdb

    from budget.exports import CHARGE_KEYS, COST_DECIMAL

    files = [str(p) for p in sorted(folder.rglob("*.parquet"))]
    decimal = COST_DECIMAL
    start = time.perf_counter()
    con = duckdb.connect(config={"preserve_insertion_order": False})
    raw = con.read_parquet(files, union_by_name=True)
    raw.create_view("raw")
    keys = ", ".join(f'"{k}"' for k in CHARGE_KEYS if k != "ChargePeriodStart"
                     and k in raw.columns)
    con.sql(f"""CREATE TEMP TABLE charges AS SELECT CAST(CAST(ChargePeriodStart AS TIMESTAMP)
        AS DATE) AS day, {keys}, sum(BilledCost::{decimal}) AS billed,
        sum(EffectiveCost::{decimal}) AS effective, count(*) AS n,
        greatest(max(abs(BilledCost::{decimal})), max(abs(EffectiveCost::{decimal}))) AS largest,
        sum(TRY_CAST(ConsumedQuantity AS {decimal})) AS quantity,
        max(abs(ConsumedQuantity)) AS largest_quantity FROM raw GROUP BY ALL""")  # noqa: S608
    groups, total = con.sql("SELECT count(*), sum(effective) FROM charges").fetchall()[0]
    return {"seconds": time.perf_counter() - start, "groups": groups,
            "effective_cost": float(total)}


def run_pandas(folder: Path) -> dict[str, float]:
    """The same normalisation and grouping with pandas.read_parquet + groupby."""
    import pandas as pd

    from budget.dimensions import NO_TAG
    from budget.exports import DEFAULT_TAG_KEYS, PROCUREMENT, ROLLUP_KEYS

    start = time.perf_counter()
    raw = pd.read_parquet(folder)
    tags = raw["Tags"].astype("string")
    parsed = {t: json.loads(t) for t in tags.dropna().unique()}  # parse each distinct tag once
    frame = pd.DataFrame({
        "day": pd.to_datetime(raw["ChargePeriodStart"]).dt.date,
        "provider": raw["ProviderName"], "currency": raw["BillingCurrency"].str.upper(),
        "charge_category": raw["ChargeCategory"].str.lower(),
        "service_category": raw["ServiceCategory"],
        "procurement": raw["PricingCategory"].str.lower().map(PROCUREMENT)
        .fillna("unspecified"),
        "commitment_status": raw["CommitmentDiscountStatus"].str.lower().fillna("none"),
        "gpu": raw["x_GpuType"].fillna(""),
        "gpu_hours": raw["ConsumedQuantity"].where(raw["ConsumedUnit"].str.lower()
                                                   == "gpu-hours", 0.0).fillna(0.0),
        "billed_cost": raw["BilledCost"], "effective_cost": raw["EffectiveCost"],
    })
    for dimension, keys in DEFAULT_TAG_KEYS.items():
        lookup = {t: next((d[k] for k in keys if k in d), None) for t, d in parsed.items()}
        values = tags.map(lookup)
        if dimension == "team":  # allocated: the cost has an owning team
            frame["allocated"] = values.notna()
        frame[dimension] = values.fillna(NO_TAG[dimension])
    rollup = frame.groupby(list(ROLLUP_KEYS), dropna=False).agg(
        billed_cost=("billed_cost", "sum"), effective_cost=("effective_cost", "sum"),
        gpu_hours=("gpu_hours", "sum"), rows=("billed_cost", "size")).reset_index()
    return {"seconds": time.perf_counter() - start, "groups": len(rollup),
            "effective_cost": float(rollup["effective_cost"].sum())}


def run_floor(folder: Path) -> dict[str, float]:
    """DuckDB's floor: scan the same files and sum one cost column, nothing else."""
    import duckdb

    start = time.perf_counter()
    files = [str(p) for p in sorted(folder.rglob("*.parquet"))]
    total = duckdb.connect().sql("SELECT sum(EffectiveCost) FROM read_parquet($f)",
                                 params={"f": files}).fetchall()[0][0]
    return {"seconds": time.perf_counter() - start, "groups": 0,
            "effective_cost": float(total)}


def make_realistic(folder: Path, seed: int = 18) -> None:
    """Rewrite each month's file: rows shuffled, costs jittered ±1%, resources per copy."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    for path in sorted(folder.rglob("*.parquet")):
        table = pq.read_table(path)
        n = table.num_rows
        table = table.take(pa.array(rng.permutation(n)))
        jitter = pa.array(1 + rng.uniform(-0.01, 0.01, n))
        for name in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
            i = table.schema.get_field_index(name)
            if i >= 0:
                table = table.set_column(i, name, pc.multiply(table[name], jitter))
        i = table.schema.get_field_index("ResourceId")
        if i >= 0:
            suffix = pa.array([f"-{k}" for k in rng.integers(0, 1000, n)])
            table = table.set_column(i, "ResourceId",
                                     pc.binary_join_element_wise(table["ResourceId"], suffix, ""))
        pq.write_table(table, path)


def child(engine: str, folder: Path) -> None:
    """Run one engine and print its result with this process's peak memory."""
    runs = {"duckdb": run_duckdb, "pandas": run_pandas, "floor": run_floor,
            "grouping": run_grouping}
    result = runs[engine](folder)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def measure(engine: str, folder: Path) -> dict[str, float]:
    """Run one engine in a fresh process; return its figures."""
    done = subprocess.run([sys.executable, __file__, "--child", engine, str(folder)],
                          capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    """Generate the data (or reuse it), run the engines, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--engines", default="duckdb,pandas")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--realistic", action="store_true",
                        help="shuffled rows, jittered costs, a resource per copy")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    from budget.sample_data import generate

    copies = max(1, math.ceil(args.rows / SAMPLE_ROWS))
    kind = "realistic" if args.realistic else "repeated"
    base = Path(tempfile.gettempdir()) / f"ai-budget-bench-{copies}-{kind}"
    folder = base / "billing"
    if not folder.exists():
        start = time.perf_counter()
        counts = generate(base, copies=copies)
        if args.realistic:
            make_realistic(folder)
        print(f"generated {counts['billing']:,} {kind} billing rows in "
              f"{time.perf_counter() - start:.1f} s under {base}")
    size_mb = sum(p.stat().st_size for p in folder.rglob("*.parquet")) / 1e6
    print(f"data: {copies * SAMPLE_ROWS:,} rows, {size_mb:,.0f} MB of Parquet, hive-partitioned "
          "by month")
    floor = measure("floor", folder)
    grouping = measure("grouping", folder)
    results = {e: measure(e, folder) for e in args.engines.split(",")}
    rows = copies * SAMPLE_ROWS
    print(f"  floor: {floor['seconds']:7.2f} s, DuckDB scanning and summing one column "
          f"({rows / floor['seconds'] / 1e6:,.0f}M rows/s)")
    print(f"grouping: {grouping['seconds']:6.2f} s, DuckDB grouping the raw key columns with "
          f"the same exact sums, nothing else ({int(grouping['groups']):,} groups; "
          f"{rows / grouping['seconds'] / 1e6:,.1f}M rows/s)")
    for engine, r in results.items():
        print(f"{engine:>7}: {r['seconds']:7.2f} s, peak {r['peak_mb']:7.0f} MB, "
              f"{int(r['groups']):,} groups, effective cost {r['effective_cost']:,.2f}, "
              f"{rows / r['seconds'] / 1e6:,.1f}M rows/s ({r['seconds'] / floor['seconds']:.1f}× "
              f"the floor, {r['seconds'] / grouping['seconds']:.2f}× the grouping)")
        if "import_seconds" in r:
            print(f"         (+{r['import_seconds']:.2f} s importing Ibis's DuckDB backend, once "
                  "per process)")
    if {"duckdb", "pandas"} <= set(results):
        d, p = results["duckdb"], results["pandas"]
        print(f"speed-up duckdb vs pandas: {p['seconds'] / d['seconds']:.1f}× (target ≥ 5×)")
        print(f"peak memory duckdb / pandas: {d['peak_mb'] / p['peak_mb']:.2f} (target ≤ 0.25)")
        print(f"same totals: {abs(d['effective_cost'] - p['effective_cost']) < 0.01}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
