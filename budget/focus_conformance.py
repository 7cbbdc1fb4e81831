"""Check a FOCUS export against the specification's column table; return problems a person can fix.

For FOCUS 1.0, 1.1 or 1.2 and a Parquet or CSV file (or a folder of them): Mandatory columns
present and custom ones prefixed `x_`, data types, nulls where the table allows none, allowed
values, a few rules between columns, and commitments that reconcile (each billing period, the
EffectiveCost of a commitment's Used and Unused rows equals the BilledCost of its Recurring
purchases). The column table and the allowed values are data in budget/data/, taken from the
FOCUS specification (CC BY 4.0, LICENSE-FOCUS.txt). DuckDB reads the files where they lie.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budget.deliveries import find_files
from budget.errors import BudgetInputError
from budget.export_columns import export_format
from budget.export_scan import glob_literal

if TYPE_CHECKING:
    import duckdb

VERSIONS = ("1.0", "1.1", "1.2")
DATA = Path(__file__).parent / "data"
COLUMN_TABLE = DATA / "focus_columns_v1.0-v1.2.csv"
VALUE_TABLE = DATA / "focus_allowed_values_v1.0-v1.2.csv"
CSV_NULLS = ["NULL", ""]  # how CSV exports write null, as the app reads them (docs/exports.md)
HALF_CENT = Decimal("0.005")  # amounts that round to the same cent reconcile
LISTED_VALUES = 20  # allowed values are listed in a message up to this many
WANTED = {"Decimal": "a decimal number (Parquet decimal, double or integer)",
          "Date/Time": "a timestamp in UTC", "String": "a string",
          "JSON": "a JSON object written as a string"}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_OFFSET = r"[+-][0-9]{2}:?[0-9]{2}$"  # a UTC offset at the end of a date/time text
_UTC_OFFSET = r"[+-]00:?00$"

PARQUET_SQL = ("SELECT * FROM read_parquet($files, union_by_name = true, "
               "hive_partitioning = false)")  # folder keys are not columns of the files
CSV_SQL = ("SELECT * FROM read_csv($files, header = true, union_by_name = true, "
           "all_varchar = true, nullstr = $nulls)")


@dataclass(frozen=True)
class FocusColumn:
    """One column of the FOCUS column table: feature level, nullability, data type, versions."""

    name: str
    feature_level: str  # Mandatory | Conditional | Recommended
    allows_nulls: bool
    data_type: str  # Decimal | Date/Time | String | JSON
    introduced: str
    versions: frozenset[str]


@dataclass(frozen=True)
class Problem:
    """One way an export breaks FOCUS: the column, the rows (or files) affected, what to do."""

    column: str
    message: str  # a sentence naming the column, how many rows and an example, and the fix
    rows: int = 0

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Rule:
    """A requirement between columns; `where` selects the rows that break it (our own SQL).

    A rule runs when its column is in the export; the others it reads are null where absent.
    """

    column: str  # the column the problem is reported on
    where: str
    says: str  # what those rows do, after "N of M rows"
    fix: str
    since: str = "1.0"


RULES = (
    *(Rule(c, f'"CommitmentDiscountId" IS NULL AND "{c}" IS NOT NULL',
           f"have a {c} but no CommitmentDiscountId",
           "fill in the CommitmentDiscountId of the commitment, or leave the column null")
      for c in ("CommitmentDiscountStatus", "CommitmentDiscountCategory",
                "CommitmentDiscountType", "CommitmentDiscountName")),
    Rule("CommitmentDiscountStatus",
         '"CommitmentDiscountId" IS NOT NULL AND "ChargeCategory" = \'Usage\' '
         'AND "CommitmentDiscountStatus" IS NULL',
         "are Usage rows of a commitment with no CommitmentDiscountStatus",
         "set it to Used, or to Unused for the idle part of the commitment"),
    *(Rule(c, f'"CommitmentDiscountId" IS NOT NULL AND "{c}" IS NULL',
           f"name a CommitmentDiscountId but no {c}", f"fill in the commitment's {c}")
      for c in ("CommitmentDiscountCategory", "CommitmentDiscountType")),
    Rule("ChargeFrequency",
         '"ChargeCategory" = \'Purchase\' AND "ChargeFrequency" = \'Usage-Based\'',
         "are purchases with ChargeFrequency Usage-Based", "use One-Time or Recurring"),
    Rule("PricingCategory",
         '"ChargeCategory" IN (\'Usage\', \'Purchase\') '
         'AND "ChargeClass" IS DISTINCT FROM \'Correction\' AND "PricingCategory" IS NULL',
         "are Usage or Purchase charges (not corrections) with no PricingCategory",
         "set Standard, Dynamic, Committed or Other"),
    Rule("PricingCategory",
         '"ChargeCategory" = \'Tax\' AND "PricingCategory" IS NOT NULL',
         "are taxes with a PricingCategory", "leave PricingCategory null on Tax rows"),
    Rule("PricingCategory",
         '"PricingCategory" = \'Committed\' AND "CommitmentDiscountId" IS NULL',
         "are priced Committed but name no CommitmentDiscountId",
         "fill in the CommitmentDiscountId of the commitment that priced them"),
    Rule("ConsumedQuantity",
         '"CommitmentDiscountStatus" = \'Unused\' AND "ConsumedQuantity" IS NOT NULL',
         "are Unused commitment rows with a ConsumedQuantity",
         "leave ConsumedQuantity and ConsumedUnit null on Unused rows (nothing was consumed; the "
         "idle amount is CommitmentDiscountQuantity)", since="1.1"),
)


def _check_version(version: str) -> None:
    if version not in VERSIONS:
        raise BudgetInputError("FOCUS version", f'"{version}" is not a version this checker '
                               "knows", fix="use one of " + ", ".join(VERSIONS))


@cache
def _column_table() -> tuple[FocusColumn, ...]:
    with COLUMN_TABLE.open(encoding="utf-8", newline="") as handle:
        return tuple(FocusColumn(r["ColumnId"], r["FeatureLevel"], r["AllowsNulls"] == "True",
                                 r["DataType"], r["IntroducedIn"],
                                 frozenset(v for v in VERSIONS if r[f"in_v{v}"] == "Y"))
                     for r in csv.DictReader(handle))


@cache
def _value_table() -> tuple[tuple[str, str, str, frozenset[str]], ...]:
    with VALUE_TABLE.open(encoding="utf-8", newline="") as handle:
        return tuple((r["ColumnId"], r["Value"], r["ParentServiceCategory"],
                      frozenset(v for v in VERSIONS if r[f"in_v{v}"] == "Y"))
                     for r in csv.DictReader(handle))


def focus_columns(version: str) -> dict[str, FocusColumn]:
    """Return the columns of one FOCUS version by name, in the table's (alphabetical) order."""
    _check_version(version)
    return {c.name: c for c in _column_table() if version in c.versions}


def allowed_values(version: str) -> dict[str, dict[str, str]]:
    """Return column → {allowed value: its parent ServiceCategory, '' for other columns}."""
    _check_version(version)
    out: dict[str, dict[str, str]] = {}
    for column, value, parent, versions in _value_table():
        if version in versions:
            out.setdefault(column, {})[value] = parent
    return out


def export_files(path: str | Path) -> tuple[list[Path], str]:
    """Return an export's files and their format ("parquet" | "csv"): a file, or a folder's.

    Files are found as the reader finds them (budget.deliveries: exact names, hidden files and
    other kinds left out); one format is checked at a time.
    """
    files = [Path(f.path) for f in find_files([str(path)])]
    formats = {export_format(str(f)) for f in files}
    if len(formats) != 1 or None in formats:
        raise BudgetInputError(str(path), "is neither all Parquet (.parquet) nor all CSV "
                               "(.csv, .csv.gz)", fix="check one kind of file at a time")
    return files, str(formats.pop())


def _kind(arrow_type: Any) -> str:
    """Return the FOCUS-relevant kind of an Arrow type: decimal, datetime, string, map, null…"""
    import pyarrow as pa

    t = arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type
    checks = (("null", pa.types.is_null), ("decimal", pa.types.is_decimal),
              ("decimal", pa.types.is_floating), ("decimal", pa.types.is_integer),
              ("datetime", pa.types.is_timestamp), ("string", pa.types.is_string),
              ("string", pa.types.is_large_string), ("map", pa.types.is_map))
    return next((kind for kind, test in checks if test(t)), str(t))


EXPECTED_KINDS = {"Decimal": {"decimal"}, "Date/Time": {"datetime"}, "String": {"string"},
                  "JSON": {"string", "map"}}  # a MAP of strings is how Parquet exports write Tags


def _file_schema(file: Path, fmt: str) -> dict[str, str]:
    """Return a file's columns with their kind ("text" for every CSV column)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            schema = pq.read_schema(file)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise BudgetInputError(str(file), f"is not a readable Parquet file ({exc})",
                                   fix="export it again") from None
        return {f.name: _kind(f.type) for f in schema}
    opener = gzip.open if file.name.lower().endswith(".gz") else open
    with opener(file, "rt", encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    if not header:
        raise BudgetInputError(str(file), "has no header row", fix="export it with headers")
    return {name.strip(): "text" for name in header}


def _q(name: str) -> str:
    """Quote a column identifier taken from the FOCUS table (never from user text)."""
    if not _NAME.match(name):
        raise ValueError(f"not a column identifier: {name!r}")
    return f'"{name}"'


def _label(file: Path, root: Path) -> str:
    return str(file.relative_to(root)) if root.is_dir() and file.is_relative_to(root) else str(file)


def _files_phrase(files: Sequence[str], total: int) -> str:
    if len(files) == total:
        return "every file" if total > 1 else files[0]
    return f"{len(files)} of {total} files (e.g. {files[0]})"


def _example(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "…")


def check_focus(path: str | Path, version: str = "1.2") -> list[Problem]:
    """Check a FOCUS export (file or folder) against one FOCUS version; return its problems."""
    columns = focus_columns(version)
    files, fmt = export_files(path)
    root = Path(path)
    schemas = {_label(f, root): _file_schema(f, fmt) for f in files}
    problems = _column_problems(schemas, columns, version) + _type_problems(schemas, columns,
                                                                            version)
    import duckdb  # only when a check runs: the CLI's other commands start without it

    con = duckdb.connect()
    con.sql("SET enable_progress_bar = false")
    params: dict[str, object] = {"files": [glob_literal(str(f)) for f in files]}
    if fmt == "csv":
        params["nulls"] = CSV_NULLS
    try:
        con.sql(PARQUET_SQL if fmt == "parquet" else CSV_SQL, params=params).create_view("raw")
    except duckdb.Error as exc:
        raise BudgetInputError(str(path), f"could not be read ({str(exc).splitlines()[0]})",
                               fix="check the named file; export it again if it is damaged"
                               ) from None
    db_types = {str(r[0]): str(r[1]) for r in con.sql("DESCRIBE raw").fetchall()}
    # every column of the version, typed; one no file has is null (what an absent column means)
    typed = ", ".join(_typed(c, columns[c].data_type, db_types.get(c)) for c in columns)
    con.sql(f"CREATE VIEW typed AS SELECT {typed} FROM raw")  # noqa: S608
    present = [c for c in columns if c in db_types]
    in_every_file = [c for c in present if all(c in s for s in schemas.values())]
    total, value_problems = _value_problems(con, present, in_every_file, columns, fmt, db_types,
                                            version)
    problems += value_problems
    problems += _rule_problems(con, present, total, version)
    problems += _allowed_value_problems(con, present, version)
    problems += _json_problems(con, present, columns, db_types, total)
    problems += _reconcile(con)
    return problems


SQL_TYPES = {"Decimal": "DECIMAL(38, 12)", "Date/Time": "TIMESTAMP", "String": "VARCHAR",
             "JSON": "VARCHAR"}


def _typed(column: str, data_type: str, db_type: str | None) -> str:
    """Return the typed-view expression of a column: decimals exact, text as text, maps kept."""
    q = _q(column)
    if db_type is None:
        return f"CAST(NULL AS {SQL_TYPES[data_type]}) AS {q}"
    if data_type == "Decimal":
        return f"TRY_CAST({q} AS DECIMAL(38, 12)) AS {q}"
    if data_type in ("String", "JSON") and not db_type.startswith("MAP"):
        return f"CAST({q} AS VARCHAR) AS {q}"
    return q


def _column_problems(schemas: dict[str, dict[str, str]], columns: dict[str, FocusColumn],
                     version: str) -> list[Problem]:
    """Mandatory columns missing; columns that are neither FOCUS {version} nor custom (x_)."""
    known = {c.name: c for c in _column_table()}
    problems = []
    for name, spec in columns.items():
        missing = [f for f, s in schemas.items() if name not in s]
        if spec.feature_level == "Mandatory" and missing:
            problems.append(Problem(name, f"{name}: Mandatory in FOCUS {version} but missing from "
                                    f"{_files_phrase(missing, len(schemas))}; add the column "
                                    "(null where a row has no value, if the column allows it).",
                                    len(missing)))
    seen: dict[str, list[str]] = {}
    for label, schema in schemas.items():
        for name in schema:
            if name not in columns and not name.startswith("x_"):
                seen.setdefault(name, []).append(label)
    for name, where in seen.items():
        other = known.get(name)
        what = (f"a FOCUS {min(other.versions)} column, not part of FOCUS {version}"
                if other else f"not a FOCUS {version} column")
        problems.append(Problem(name, f"{name}: {what}, in {_files_phrase(where, len(schemas))}; "
                                f"custom columns must start with x_ (x_{name}), or check the "
                                "FOCUS version.", len(where)))
    return problems


def _type_problems(schemas: dict[str, dict[str, str]], columns: dict[str, FocusColumn],
                   version: str) -> list[Problem]:
    """Parquet columns whose type is not the FOCUS data type (CSV values are checked per row)."""
    wrong: dict[tuple[str, str], list[str]] = {}
    for label, schema in schemas.items():
        for name, kind in schema.items():
            if name in columns and kind != "text" and kind not in EXPECTED_KINDS[
                    columns[name].data_type]:
                wrong.setdefault((name, kind), []).append(label)
    problems = []
    for (name, kind), where in wrong.items():
        want = WANTED[columns[name].data_type]
        what = ("has no type at all (Arrow's null type, what a writer gives a column that is "
                "always empty)" if kind == "null" else f"is of type {kind}")
        problems.append(Problem(name, f"{name}: {what} in {_files_phrase(where, len(schemas))}; "
                                f"FOCUS {version} wants {want}: write it with that type "
                                "(null values are fine where the column allows them).",
                                len(where)))
    return problems


def _value_problems(con: duckdb.DuckDBPyConnection, present: Sequence[str],
                    in_every_file: Sequence[str], columns: dict[str, FocusColumn], fmt: str,
                    db_types: dict[str, str], version: str) -> tuple[int, list[Problem]]:
    """Nulls where FOCUS allows none, empty strings, and CSV values that are not of the type.

    Nulls are counted only in columns every file has: a column missing from a file is named
    as missing, not as a file's worth of nulls.
    """
    checks: list[tuple[str, str, str]] = []  # (column, kind of check, SQL condition)
    for name in present:
        spec, q = columns[name], _q(name)
        if not spec.allows_nulls and name in in_every_file:
            checks.append((name, "null", f"{q} IS NULL"))
        if spec.data_type in ("String", "JSON") and db_types.get(name) == "VARCHAR":
            checks.append((name, "empty", f"{q} = ''"))
        if fmt == "csv" and spec.data_type == "Decimal":
            checks.append((name, "decimal", f"{q} IS NOT NULL AND TRY_CAST({q} AS DOUBLE) IS NULL"))
        if fmt == "csv" and spec.data_type == "Date/Time":
            checks.append((name, "datetime", f"{q} IS NOT NULL AND TRY_CAST({q} AS TIMESTAMPTZ) "
                           "IS NULL"))
            checks.append((name, "utc", f"regexp_matches({q}, '{_OFFSET}') "
                           f"AND NOT regexp_matches({q}, '{_UTC_OFFSET}')"))
    aggregates = ["count(*)"] + [  # an example value where the message shows one
        (f"count(*) - count({_q(name)}), NULL" if kind == "null" else
         f"count(*) FILTER (WHERE {cond}), NULL" if kind == "empty" else
         f"count(*) FILTER (WHERE {cond}), min({_q(name)}) FILTER (WHERE {cond})")
        for name, kind, cond in checks]
    row = con.sql(f"SELECT {', '.join(aggregates)} FROM raw").fetchall()[0]  # noqa: S608
    total = int(row[0])
    problems = []
    for i, (name, kind, _) in enumerate(checks):
        count, example = int(row[1 + 2 * i]), row[2 + 2 * i]
        if not count:
            continue
        of = f"{count:,} of {total:,} rows"
        text = {
            "null": f"{of} are null; FOCUS {version} does not allow nulls in {name}: fill in "
                    "the value",
            "empty": f"{of} hold an empty string; FOCUS writes null where there is no value",
            "decimal": f"{of} are not a number, e.g. {_example(example)}; write plain "
                       "decimals (no currency signs, commas or units)",
            "datetime": f"{of} are not an ISO 8601 date and time, e.g. {_example(example)}; "
                        "write YYYY-MM-DDTHH:mm:ssZ",
            "utc": f"{of} are not in UTC, e.g. {_example(example)}; convert them to UTC "
                   "(ending in Z)",
        }[kind]
        problems.append(Problem(name, f"{name}: {text}.", count))
    return total, problems


def _rule_problems(con: duckdb.DuckDBPyConnection, present: Sequence[str], total: int,
                   version: str) -> list[Problem]:
    """Rows that break a rule between columns (RULES), for the rules of this version."""
    rules = [r for r in RULES if VERSIONS.index(r.since) <= VERSIONS.index(version)
             and r.column in present]
    if not rules:
        return []
    counts = ", ".join(f"count(*) FILTER (WHERE {r.where})" for r in rules)
    row = con.sql(f"SELECT {counts} FROM typed").fetchall()[0]  # noqa: S608
    return [Problem(r.column, f"{r.column}: {int(n):,} of {total:,} rows {r.says}; {r.fix}.",
                    int(n)) for r, n in zip(rules, row, strict=True) if n]


def _allowed_value_problems(con: duckdb.DuckDBPyConnection, present: Sequence[str],
                            version: str) -> list[Problem]:
    """Values outside a column's allowed list (case-sensitive); subcategories under their parent."""
    problems = []
    for name, allowed in allowed_values(version).items():
        if name not in present:
            continue
        q = _q(name)
        counts = con.sql(f"SELECT {q}, count(*) FROM typed WHERE {q} IS NOT NULL "  # noqa: S608
                         f"GROUP BY {q} ORDER BY count(*) DESC, {q}").fetchall()
        bad = [(str(v), int(n)) for v, n in counts if str(v) not in allowed]
        if not bad:
            continue
        by_case = {a.lower(): a for a in allowed}
        shown = "; ".join(f"{v!r} ({n:,} rows" + (f", FOCUS spells it {by_case[v.lower()]!r}"
                                                   if v.lower() in by_case else "") + ")"
                          for v, n in bad[:3])
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        listed = (", ".join(allowed) if len(allowed) <= LISTED_VALUES
                  else f"see the {name} table of FOCUS {version}")
        rows = sum(n for _, n in bad)
        problems.append(Problem(name, f"{name}: {rows:,} rows hold values FOCUS {version} does "
                                f"not allow: {shown}{more}. Values are case-sensitive; allowed: "
                                f"{listed}.", rows))
    if version != "1.0" and {"ServiceCategory", "ServiceSubcategory"} <= set(present):
        problems += _subcategory_problems(con, allowed_values(version)["ServiceSubcategory"])
    if version == "1.2" and {"ServiceCategory", "ServiceName"} <= set(present):
        problems += _service_name_problems(con)
    return problems


def _subcategory_problems(con: duckdb.DuckDBPyConnection,
                          parents: dict[str, str]) -> list[Problem]:
    pairs = con.sql('SELECT "ServiceSubcategory", "ServiceCategory", count(*) FROM typed '
                    'WHERE "ServiceSubcategory" IS NOT NULL GROUP BY ALL ORDER BY ALL').fetchall()
    return [Problem("ServiceSubcategory", f"ServiceSubcategory: {int(n):,} rows pair {sub!r} with "
                    f"ServiceCategory {cat!r}; {sub!r} belongs to {parents[sub]!r}: fix one of the "
                    "two.", int(n))
            for sub, cat, n in pairs if sub in parents and parents[sub] != cat]


def _service_name_problems(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    names = con.sql('SELECT "ServiceName", list(DISTINCT "ServiceCategory" ORDER BY '
                    '"ServiceCategory"), count(*) FROM typed WHERE "ServiceName" IS NOT NULL '
                    'GROUP BY ALL HAVING count(DISTINCT "ServiceCategory") > 1 '
                    'ORDER BY ALL').fetchall()
    return [Problem("ServiceCategory", f"ServiceCategory: ServiceName {name!r} ({int(n):,} rows) "
                    f"has {len(cats)} categories ({', '.join(map(str, cats))}); FOCUS 1.2 gives "
                    "each service one: pick the one that fits its primary purpose.", int(n))
            for name, cats, n in names]


class _DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    if twice is not None:
        raise _DuplicateKey(twice)
    return dict(pairs)


def _json_flaw(text: str) -> str | None:
    """Return what keeps a text from being a FOCUS key-value object, or None when it is one."""
    try:
        value = json.loads(text, object_pairs_hook=_pairs)
    except _DuplicateKey as exc:
        return f"repeats the key {exc.args[0]!r}"
    except ValueError:
        return "is not JSON"
    if not isinstance(value, dict):
        return "is JSON but not an object"
    nested = next((k for k, v in value.items() if isinstance(v, dict | list)), None)
    return None if nested is None else f"nests an object or array under {nested!r}"


def _json_problems(con: duckdb.DuckDBPyConnection, present: Sequence[str],
                   columns: dict[str, FocusColumn], db_types: dict[str, str],
                   total: int) -> list[Problem]:
    """Key-value columns (Tags, SkuPriceDetails) whose texts are not flat JSON objects."""
    problems = []
    for name in present:
        if columns[name].data_type != "JSON" or db_types.get(name, "").startswith("MAP"):
            continue
        q = _q(name)
        distinct = con.sql(f"SELECT {q}, count(*) FROM typed WHERE {q} IS NOT NULL "  # noqa: S608
                           f"GROUP BY {q} ORDER BY {q}").fetchall()
        flawed = [(str(v), int(n), flaw) for v, n in distinct
                  if (flaw := _json_flaw(str(v))) is not None]
        if flawed:
            rows = sum(n for _, n, _ in flawed)
            text, _, flaw = flawed[0]
            problems.append(Problem(name, f"{name}: {rows:,} of {total:,} rows are not a flat "
                                    f"JSON object of keys and values, e.g. {_example(text)} "
                                    f"({flaw}); write each as an object such as "
                                    '{"team": "search"}.', rows))
    return problems


RECONCILE_SQL = """
SELECT "CommitmentDiscountId", CAST("BillingPeriodStart" AS VARCHAR),
  coalesce(sum("EffectiveCost") FILTER (WHERE "ChargeCategory" = 'Usage'
           AND "CommitmentDiscountStatus" IN ('Used', 'Unused')), 0),
  coalesce(sum("BilledCost") FILTER (WHERE "ChargeCategory" = 'Purchase'
           AND "ChargeFrequency" = 'Recurring'), 0),
  count(*) FILTER (WHERE "ChargeCategory" = 'Purchase' AND "ChargeFrequency" = 'Recurring'),
  count(*) FILTER (WHERE "ChargeCategory" = 'Purchase'
           AND "ChargeFrequency" IS DISTINCT FROM 'Recurring')
FROM typed WHERE "CommitmentDiscountId" IS NOT NULL GROUP BY ALL ORDER BY ALL
"""


def _reconcile(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Commitments bought by Recurring purchases whose amortisation misses a period's purchase.

    Commitments with a One-Time (upfront) purchase are left out: their amortisation spreads over
    the whole term, not one billing period; so are those whose purchases are not in the export.
    """
    periods: dict[str, list[tuple[str, Decimal, Decimal]]] = {}
    skip: set[str] = set()
    recurring: set[str] = set()
    for cid, period, amortised, billed, n_recurring, n_other in con.sql(RECONCILE_SQL).fetchall():
        periods.setdefault(str(cid), []).append((str(period)[:10], Decimal(amortised),
                                                 Decimal(billed)))
        if n_other:
            skip.add(str(cid))
        if n_recurring:
            recurring.add(str(cid))
    problems = []
    for cid in sorted(recurring - skip):
        off = [(p, a, b) for p, a, b in periods[cid] if abs(a - b) >= HALF_CENT]
        if not off:
            continue
        first, amortised, billed = off[0]
        problems.append(Problem(
            "EffectiveCost", f"EffectiveCost: commitment {cid!r} does not reconcile in "
            f"{len(off)} of {len(periods[cid])} billing periods: in the one starting {first} its "
            f"Used and Unused rows amortise {amortised:,.2f} but its Recurring purchases bill "
            f"{billed:,.2f} ({amortised - billed:+,.2f}); spread each period's purchase over that "
            "period's Used and Unused rows, to the cent.", len(off)))
    return problems
