"""Real deliveries built from the real FOCUS sample: every variant reads exactly as the source.

Each variant is made at test time from `tests/data/focus/focus_sample.csv` (the FinOps
Foundation's 1,000-row multi-cloud FOCUS 1.0 export) the way a cloud, a data tool or a user
delivers it; rows, BilledCost, EffectiveCost and per-provider totals are checked against an
independent Decimal sum of the source, through the CLI and through the Actuals page.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from budget.cli import main
from budget.errors import BudgetInputError
from budget.exports import exact_totals, ingest_summary, open_exports, reading_notes
from tests.conftest import ROOT
from tests.pages.apptest import open_page

REAL = ROOT / "tests" / "data" / "focus" / "focus_sample.csv"
COSTS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
TOLERANCE = Decimal("1e-9")


def source_rows() -> tuple[list[str], list[dict[str, str]]]:
    """Return the real sample's header and rows as text."""
    with REAL.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


HEADER, ROWS = source_rows()


def totals(rows: list[dict[str, str]]) -> dict[str, object]:
    """Sum the source independently: rows, billed, effective and billed per provider."""
    by_provider: dict[str, Decimal] = {}
    for row in rows:
        by_provider[row["ProviderName"]] = (by_provider.get(row["ProviderName"], Decimal(0))
                                            + Decimal(row["BilledCost"]))
    return {"rows": len(rows), "billed": sum((Decimal(r["BilledCost"]) for r in rows), Decimal(0)),
            "effective": sum((Decimal(r["EffectiveCost"]) for r in rows), Decimal(0)),
            "by_provider": by_provider}


SOURCE = totals(ROWS)


def csv_text(rows: list[dict[str, str]], header: list[str] | None = None, delimiter: str = ",",
             newline: str = "\n") -> str:
    """Return rows as CSV text with the given header names (same order as the source)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header or HEADER)
    for row in rows:
        writer.writerow([row[c] for c in HEADER])
    return out.getvalue()


def write_gz(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def parse_tags(text: str) -> dict[str, str]:
    return json.loads(text) if text not in ("", "NULL") else {}


def arrow_table(rows: list[dict[str, str]], tags: str = "text",
                rename: Callable[[str], str] = lambda c: c) -> pa.Table:
    """Return the rows as an Arrow table: exact decimal costs, tags in the given shape."""
    columns: dict[str, pa.Array] = {}
    keys = sorted({k for r in rows for k in parse_tags(r["Tags"])})
    for name in HEADER:
        values = [None if r[name] in ("", "NULL") else r[name] for r in rows]
        if name in COSTS:
            array = pa.array([Decimal(v) if v is not None else None for v in values],
                             pa.decimal128(38, 18))
        elif name == "Tags" and tags == "map":
            array = pa.array([list(parse_tags(r["Tags"]).items()) for r in rows],
                             pa.map_(pa.string(), pa.string()))
        elif name == "Tags" and tags == "struct":
            array = pa.array([{k: parse_tags(r["Tags"]).get(k) for k in keys} for r in rows],
                             pa.struct([(k, pa.string()) for k in keys]))
        elif name == "Tags" and tags == "entries":
            entry = pa.struct([("key", pa.string()), ("value", pa.string())])
            array = pa.array([[{"key": k, "value": v} for k, v in parse_tags(r["Tags"]).items()]
                              for r in rows], pa.list_(entry))
        else:
            array = pa.array(values, pa.string())
        columns[rename(name)] = array
    return pa.table(columns)


def snake(name: str) -> str:
    """BilledCost → billed_cost (what Glue and Spark jobs often write)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def halves() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    return ROWS[:500], ROWS[500:]


# Each variant writes files under a folder and returns what the user names (one or more specs).
Variant = Callable[[Path], list[str]]


def gzip_file(d: Path) -> list[str]:
    return [str(write_gz(d / "focus.csv.gz", csv_text(ROWS)))]


def gzip_folder(d: Path) -> list[str]:
    """AWS Data Exports' layout: gzip parts under BILLING_PERIOD=YYYY-MM/."""
    first, second = halves()
    data = d / "focus-export" / "data" / "BILLING_PERIOD=2024-09"
    write_gz(data / "focus-export-00001.csv.gz", csv_text(first))
    write_gz(data / "focus-export-00002.csv.gz", csv_text(second))
    (d / "focus-export" / "metadata").mkdir()
    (d / "focus-export" / "metadata" / "focus-export-Manifest.json").write_text("{}")
    return [str(d / "focus-export")]


def parquet_tags(shape: str) -> Variant:
    def make(d: Path) -> list[str]:
        pq.write_table(arrow_table(ROWS, tags=shape), d / f"focus-{shape}.parquet")
        return [str(d / f"focus-{shape}.parquet")]
    make.__name__ = f"parquet_{shape}"
    return make


def lower_case_csv(d: Path) -> list[str]:
    return [str(write_text(d / "athena.csv", csv_text(ROWS, [h.lower() for h in HEADER])))]


def snake_case_parquet(d: Path) -> list[str]:
    pq.write_table(arrow_table(ROWS, tags="map", rename=snake), d / "glue.parquet")
    return [str(d / "glue.parquet")]


def split_files(d: Path) -> list[str]:
    for i in range(4):
        write_text(d / "split" / f"part-{i:05d}.csv", csv_text(ROWS[i * 250:(i + 1) * 250]))
    return [str(d / "split")]


def copied_folder(d: Path) -> list[str]:
    """A user copies the month's folder twice: the same bytes in two places."""
    write_gz(d / "exports" / "2024-09" / "export-00001.csv.gz", csv_text(ROWS))
    shutil.copytree(d / "exports" / "2024-09", d / "exports" / "2024-09 copy")
    return [str(d / "exports")]


def rerun_month(d: Path) -> list[str]:
    """An export re-run writes the month again (other bytes: another order, another file)."""
    write_text(d / "exports" / "run-1" / "export.csv", csv_text(ROWS))
    write_gz(d / "exports" / "run-2" / "export-00001.csv.gz", csv_text(list(reversed(ROWS))))
    return [str(d / "exports")]


def glob_names(d: Path) -> list[str]:
    """Files literally called `*.csv` and `bill[1].csv` beside `a.csv` and `bill1.csv`."""
    quarters = [ROWS[i * 250:(i + 1) * 250] for i in range(4)]
    for name, part in zip(("*.csv", "a.csv", "bill[1].csv", "bill1.csv"), quarters, strict=True):
        write_text(d / "odd" / name, csv_text(part))
    return [str(d / "odd")]


def colliding_folder_keys(d: Path) -> list[str]:
    folder = d / "BilledCost=0" / "BillingCurrency=EUR" / "providername=aws" / "month=2024-09"
    write_text(folder / "part-0.csv", csv_text(ROWS))
    return [str(d / "BilledCost=0")]


def bom_crlf(d: Path) -> list[str]:
    return [str(write_text(d / "excel.csv", "\ufeff" + csv_text(ROWS, newline="\r\n")))]


def semicolons(d: Path) -> list[str]:
    return [str(write_text(d / "semi.csv", csv_text(ROWS, delimiter=";")))]


def scientific(d: Path) -> list[str]:
    rows = [{**r, **{c: f"{Decimal(r[c]):E}" for c in COSTS if r[c] not in ("", "NULL")}}
            for r in ROWS]
    return [str(write_text(d / "sci.csv", csv_text(rows)))]


VARIANTS: list[Variant] = [
    gzip_file, gzip_folder, parquet_tags("map"), parquet_tags("struct"), parquet_tags("entries"),
    lower_case_csv, snake_case_parquet, split_files, copied_folder, rerun_month, glob_names,
    colliding_folder_keys, bom_crlf, semicolons, scientific,
]
IDS = [v.__name__ for v in VARIANTS]


def assert_matches_source(summary: dict[str, object], expected: dict[str, object]) -> None:
    assert summary["rows"] == expected["rows"]
    assert summary["currencies"] == ["USD"]
    assert abs(Decimal(str(summary["billed_cost"])) - expected["billed"]) < TOLERANCE  # type: ignore[operator]
    assert abs(Decimal(str(summary["effective_cost"])) - expected["effective"]) < TOLERANCE  # type: ignore[operator]
    by_provider = summary["by_provider"]
    assert isinstance(by_provider, dict)
    want = expected["by_provider"]
    assert isinstance(want, dict)
    assert set(by_provider) == set(want)
    for provider, billed in want.items():
        assert abs(Decimal(str(by_provider[provider]["billed_cost"])) - billed) < TOLERANCE


@pytest.mark.parametrize("make", VARIANTS, ids=IDS)
def test_variant_reads_as_the_source(tmp_path, make):
    exports = open_exports(make(tmp_path))
    assert_matches_source(ingest_summary(exports), SOURCE)


@pytest.mark.parametrize("make", VARIANTS, ids=IDS)
def test_variant_through_the_cli(tmp_path, make, capsys):
    assert main(["ingest", *make(tmp_path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert_matches_source(json.loads(captured.out), SOURCE)


def test_tag_shapes_give_the_same_dimensions(tmp_path):
    from budget.exports import billing_rollup

    def teams(spec: list[str]) -> dict[str, float]:
        rollup = billing_rollup(open_exports(spec))
        return rollup.groupby("team")["billed_cost"].sum().round(9).to_dict()

    text = teams([str(REAL)])
    assert "ViennaAI" in text
    for shape in ("map", "struct", "entries"):
        assert teams(parquet_tags(shape)(tmp_path)) == text, shape


def test_names_matched_but_for_case_are_said_once(tmp_path):
    notes = reading_notes(open_exports(snake_case_parquet(tmp_path)))
    matched = [n for n in notes if "matched to FOCUS names" in n]
    assert len(matched) == 1 and "billed_cost → BilledCost" in matched[0]


def test_a_truly_missing_column_is_still_refused(tmp_path):
    header = [h.lower() for h in HEADER if h != "EffectiveCost"]
    rows = [{k: v for k, v in r.items()} for r in ROWS[:3]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[c] for c in HEADER if c != "EffectiveCost"])
    path = write_text(tmp_path / "lower.csv", out.getvalue())
    with pytest.raises(BudgetInputError, match=r"missing FOCUS column\(s\) EffectiveCost"):
        open_exports([str(path)])


def test_copies_and_reruns_are_named_in_a_note(tmp_path, capsys):
    assert main(["ingest", *copied_folder(tmp_path / "a"), "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "2024-09 copy/export-00001.csv.gz has the same bytes as" in err
    assert main(["ingest", *rerun_month(tmp_path / "b"), "--format", "json"]) == 0
    err = capsys.readouterr().err
    periods = {(r["ProviderName"], r["BillingAccountId"], r["BillingPeriodStart"]) for r in ROWS}
    assert len(periods) == 4  # AWS, Microsoft and Oracle accounts (Oracle's in two periods)
    assert err.count("repeats what") == 1
    for provider, account, start in periods:
        assert f"{provider} billing account {account}, billing period from {start[:10]}" in err
    assert "run-2 (written last); 1,000 rows of" in err and "run-1 left out" in err


def test_glob_characters_are_names(tmp_path):
    [folder] = glob_names(tmp_path)
    quarters = [ROWS[i * 250:(i + 1) * 250] for i in range(4)]
    for name, part in zip(("*.csv", "a.csv", "bill[1].csv", "bill1.csv"), quarters, strict=True):
        summary = ingest_summary(open_exports([str(Path(folder) / name)]))
        assert summary["rows"] == 250, name
        assert abs(Decimal(str(summary["billed_cost"])) - totals(part)["billed"]) < TOLERANCE  # type: ignore[operator]
    # a pattern the user typed (naming no file) is still a pattern
    assert ingest_summary(open_exports([str(Path(folder) / "bill?.csv")]))["rows"] == 250


def test_folder_keys_never_override_columns(tmp_path):
    exports = open_exports(colliding_folder_keys(tmp_path))
    summary = ingest_summary(exports)
    assert summary["currencies"] == ["USD"]
    assert set(summary["by_provider"]) == {"AWS", "Microsoft", "Oracle"}
    notes = reading_notes(exports)
    for key in ("BilledCost", "BillingCurrency", "providername"):
        assert any(f"folder key {key}= " in n and "is ignored" in n for n in notes), key
    assert "month" in exports.raw_billing.columns  # a key that names no column is kept
    months = exports.raw_billing.select("month").distinct().execute()["month"].tolist()
    assert months == ["2024-09"]


def test_a_duplicated_header_column_is_refused(tmp_path):
    header = [*HEADER, "BilledCost"]
    text = csv_text(ROWS[:2], header).splitlines()
    lines = [text[0]] + [line + ",1" for line in text[1:]]
    path = write_text(tmp_path / "twice.csv", "\n".join(lines) + "\n")
    with pytest.raises(BudgetInputError, match="names the column BilledCost twice"):
        open_exports([str(path)])
    # the same in another case is the same column to DuckDB
    path = write_text(tmp_path / "case.csv", csv_text(ROWS[:2], [*HEADER[:-1], "billedcost"]))
    with pytest.raises(BudgetInputError, match="BilledCost / billedcost twice"):
        open_exports([str(path)])


def test_semicolons_are_named(tmp_path):
    notes = reading_notes(open_exports(semicolons(tmp_path)))
    assert any("semicolon-delimited" in n for n in notes)


def precise_csv(path: Path, rows: int, digits: int) -> tuple[Path, Decimal, Decimal]:
    """Write `rows` charges with 20 decimals (below 10**digits) and return their exact sums."""
    rng = random.Random(14)  # noqa: S311 - seeded test data
    header = ("BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,"
              "ChargeCategory,ServiceCategory,ServiceName,ProviderName")
    lines, billed, effective = [header], Decimal(0), Decimal(0)
    for i in range(rows):
        b = Decimal(rng.randrange(10 ** (20 + digits))) / Decimal(10**20)
        e = -Decimal(rng.randrange(10 ** (18 + digits))) / Decimal(10**20)
        billed, effective = billed + b, effective + e
        lines.append(f"{b},{e},2026-01-{1 + i % 28:02d},2026-01-{2 + i % 28:02d},USD,Usage,"
                     "Compute,EC2,AWS")
    return write_text(path, "\n".join(lines) + "\n"), billed, effective


def test_twenty_decimal_costs_sum_exactly(tmp_path, capsys):
    # totals near 50,000: a JSON number (a double) carries them to 1e-11
    path, billed, effective = precise_csv(tmp_path / "precise.csv", 10_000, 1)
    assert main(["ingest", str(path), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 10_000
    assert abs(Decimal(str(summary["billed_cost"])) - billed) < TOLERANCE
    assert abs(Decimal(str(summary["effective_cost"])) - effective) < TOLERANCE


def test_exact_totals_at_any_size(tmp_path):
    # totals near 50 million: the sums themselves stay exact to 1e-18 a row
    path, billed, effective = precise_csv(tmp_path / "large.csv", 10_000, 4)
    exact = exact_totals(open_exports([str(path)]))
    assert abs(exact["USD"].billed - billed) < TOLERANCE
    assert abs(exact["USD"].effective - effective) < TOLERANCE


def test_absurd_costs_are_refused(tmp_path):
    header = ("BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,"
              "ChargeCategory,ServiceCategory,ServiceName,ProviderName")
    path = write_text(tmp_path / "huge.csv", "\n".join(
        [header, f"{2**63},1,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS"]) + "\n")
    for run in (lambda: ingest_summary(open_exports([str(path)])),
                lambda: __import__("budget.exports").exports.billing_rollup(
                    open_exports([str(path)]))):
        with pytest.raises(BudgetInputError, match="a trillion or more"):
            run()


def test_row_level_duplicates_are_counted(tmp_path):
    rows = [*ROWS, *ROWS[:7]]
    path = write_text(tmp_path / "dup.csv", csv_text(rows))
    notes = reading_notes(open_exports([str(path)]))
    assert any(n.startswith("7 billing rows repeat another row exactly") for n in notes)
    assert not any("repeat another row" in n for n in reading_notes(open_exports([str(REAL)])))


def test_row_limit_refuses_before_reading(tmp_path):
    with pytest.raises(BudgetInputError, match="holds 1,000 rows; the limit here is 999"):
        open_exports([str(REAL)], max_rows=999)
    assert open_exports([str(REAL)], max_rows=1000).billing is not None


@pytest.mark.parametrize("make", [rerun_month, copied_folder, colliding_folder_keys],
                         ids=["rerun_month", "copied_folder", "colliding_keys"])
def test_chargeback_of_a_variant_equals_the_source(tmp_path, make, capsys):
    assert main(["chargeback", *make(tmp_path), "--method", "even", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cents = sum(round(Decimal(str(t["total"])) * 100) for t in data["teams"])
    cents += round(Decimal(str(data["unallocated"])) * 100)
    assert cents == round(SOURCE["effective"] * 100)  # type: ignore[operator]


@pytest.mark.parametrize("make", VARIANTS, ids=IDS)
def test_variant_on_the_actuals_page(tmp_path, monkeypatch, make):
    billing = tmp_path / "exports" / "billing"
    billing.mkdir(parents=True)
    (tmp_path / "made").mkdir()
    for spec in make(tmp_path / "made"):
        source = Path(spec)
        target = billing / source.name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(tmp_path / "exports"))
    at = open_page("actuals")
    assert not at.error, [e.value for e in at.error]
    if make in (copied_folder, rerun_month, colliding_folder_keys, semicolons,
                snake_case_parquet):
        labels = [e.label for e in at.expander]
        assert any(label.startswith("How the exports were read") for label in labels), labels
        notes = " ".join(m.value for m in at.markdown)
        assert str(tmp_path) not in notes  # names inside the exports folder, never server paths
    tables = [df.value for df in at.dataframe if "provider" in df.value.columns]
    assert tables, "no spend-by-provider table on the page"
    shown = dict(zip(tables[0]["provider"], tables[0]["cost"], strict=True))
    effective: dict[str, Decimal] = {}
    for row in ROWS:
        effective[row["ProviderName"]] = (effective.get(row["ProviderName"], Decimal(0))
                                          + Decimal(row["EffectiveCost"]))
    assert set(shown) == set(effective)
    for provider, cost in effective.items():  # the screen shows the bill's sum to the cent
        assert Decimal(str(shown[provider])) == cost.quantize(Decimal("0.01")), provider
