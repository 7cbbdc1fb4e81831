"""FOCUS billing and serving telemetry exports: read with DuckDB, normalise and roll up with Ibis.

Paths are bound parameters of DuckDB's read functions; the normalisation and the rollups are Ibis
expressions, so the same definitions can compile for another engine when exports outgrow one
machine (`ibis.to_sql(expr, dialect="trino")`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from budget.deliveries import (
    ExportFile,
    PeriodKey,
    PeriodRows,
    drop_copies,
    find_files,
    repeated_periods,
)
from budget.dimensions import DIMENSIONS, NO_TAG
from budget.errors import BudgetInputError
from budget.export_columns import (
    DELIMITERS,
    FOCUS_BY_KEY,
    FileLayout,
    column_key,
    export_format,
    inspect_file,
)
from budget.export_scan import FILE_COLUMN, quoted, scan

REQUIRED_FOCUS = ("BilledCost", "EffectiveCost", "ChargePeriodStart", "ChargePeriodEnd",
                  "BillingCurrency", "ChargeCategory", "ServiceCategory", "ServiceName")
PROVIDER_COLUMNS = ("ProviderName", "ServiceProviderName")  # 1.0–1.2, and 1.3's successor
COST_COLUMNS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
PROCUREMENT = {"standard": "on_demand", "dynamic": "spot", "committed": "reserved",
               "other": "other"}
DEFAULT_TAG_KEYS: dict[str, tuple[str, ...]] = {
    "model": ("model", "ai_model"),
    "endpoint": ("endpoint", "application", "app"),
    "team": ("team", "business_unit", "owner"),
    "environment": ("environment", "env"),
    "workload_class": ("workload_class", "workload"),
    "deployment_id": ("deployment_id", "deployment"),
    "experiment": ("experiment", "experiment_name"),
}
# Column sets that give away a native (non-FOCUS) export, with what to enable instead.
NATIVE_EXPORTS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("an Azure usage-details export (EA/MCA 'Usage details', not FOCUS)",
     frozenset({"metercategory", "costinbillingcurrency"}),
     "in Azure Cost Management → Exports, create an export of the 'Cost and usage details "
     "(FOCUS)' dataset (FocusCost, version 1.0 or later) and use that file"),
    ("an Oracle Cloud (OCI) native cost report, not FOCUS",
     frozenset({"lineitem/intervalusagestart", "cost/mycost"}),
     "in OCI Billing → Cost and Usage Reports, use the reports in the FOCUS folder"),
    ("an AWS Cost and Usage Report (CUR), not FOCUS",
     frozenset({"lineitem/unblendedcost"}),
     "in AWS Billing → Data Exports, create a 'FOCUS 1.0 with AWS columns' export"),
    ("an AWS Cost and Usage Report 2.0 (CUR), not FOCUS",
     frozenset({"line_item_unblended_cost"}),
     "in AWS Billing → Data Exports, create a 'FOCUS 1.0 with AWS columns' export"),
    ("a Google Cloud standard billing export, not FOCUS",
     frozenset({"usage_start_time", "cost", "billing_account_id"}),
     "in BigQuery, query the FOCUS view of your billing export (Google Cloud's FOCUS guide) "
     "and export that"),
)
TELEMETRY_REQUIRED = ("date", "model", "endpoint", "team", "environment", "requests",
                      "input_tokens", "output_tokens", "gpu_hours")
TELEMETRY_COUNTS = ("requests", "input_tokens", "output_tokens", "gpu_hours")


@dataclass(frozen=True)
class TagMap:
    """Which tag keys carry each AI dimension; the first key present wins."""

    keys: tuple[tuple[str, tuple[str, ...]], ...] = tuple(DEFAULT_TAG_KEYS.items())

    def with_overrides(self, assignments: Sequence[str]) -> TagMap:
        """Return a map where each 'DIMENSION=TAG' puts TAG first for that dimension."""
        keys = dict(self.keys)
        for text in assignments:
            dimension, sep, tag = (part.strip() for part in text.partition("="))
            if not sep or not tag:
                raise BudgetInputError("--tag-map", f'"{text}" is not DIMENSION=TAG',
                                       fix="write it like --tag-map team=business_unit")
            if dimension not in keys:
                raise BudgetInputError("--tag-map", f'unknown dimension "{dimension}"',
                                       fix="use one of " + ", ".join(DIMENSIONS))
            keys[dimension] = (tag, *(k for k in keys[dimension] if k != tag))
        return TagMap(tuple(keys.items()))


@dataclass(frozen=True)
class Sources:
    """Export files of one kind (billing or telemetry), as the user named them."""

    files: tuple[ExportFile, ...]
    label: str  # what the user named, for messages


def resolve(specs: Sequence[str]) -> Sources:
    """Turn files, patterns and folders (hive-partitioned ones included) into export files."""
    files = find_files(specs)
    odd = next((f.path for f in files if export_format(f.path) is None), None)
    if odd is not None:
        raise BudgetInputError(odd, "is not an export file: its name ends in neither .parquet, "
                               ".csv nor .csv.gz", fix="export the data as FOCUS CSV or "
                               "Parquet, or rename the file if it is one")
    return Sources(tuple(files), ", ".join(specs))


def check_upload_size(total_bytes: int, limit_mb: int) -> None:
    """Refuse an upload over the limit before anything is written or read."""
    if total_bytes > limit_mb * 1024 * 1024:
        raise BudgetInputError("upload", f"is {total_bytes / 1024 / 1024:,.1f} MB; the limit is "
                               f"{limit_mb} MB", fix="upload fewer months at a time, or the "
                               "same data as Parquet (several times smaller than CSV)")


def check_focus_columns(file: str, columns: Sequence[str]) -> None:
    """Refuse native exports by name, then demand the Mandatory FOCUS columns the app uses."""
    lower = {c.lower() for c in columns}
    for what, signature, fix in NATIVE_EXPORTS:
        if signature <= lower:
            raise BudgetInputError(file, f"this is {what}", fix=fix)
    missing = [c for c in REQUIRED_FOCUS if c not in columns]
    if not any(c in columns for c in PROVIDER_COLUMNS):
        missing.append("ProviderName (or ServiceProviderName)")
    if missing:
        raise BudgetInputError(
            file, "missing FOCUS column(s) " + ", ".join(missing),
            fix="export FOCUS 1.0 or later (names are matched in any case, with or without _)")


def check_telemetry_columns(file: str, columns: Sequence[str]) -> None:
    """Demand the telemetry schema's required columns (docs/exports.md)."""
    missing = [c for c in TELEMETRY_REQUIRED if c not in columns]
    if missing:
        raise BudgetInputError(file, "missing telemetry column(s) " + ", ".join(missing),
                               fix="see docs/exports.md for the telemetry schema")


COST_DECIMAL = "DECIMAL(38,18)"  # 20 digits before the point, 18 after: exact sums to 1e-18
COST_TYPE = "decimal(38, 18)"  # the same, as Ibis names it
MAX_ABS_COST = Decimal(10) ** 12  # one charge or day of a trillion is a broken export
DUPLICATE_KEY = ("ChargePeriodStart", "ChargePeriodEnd", "ProviderName", "ServiceProviderName",
                 "BillingAccountId", "SubAccountId", "ResourceId", "SkuId", "SkuPriceId",
                 "ChargeCategory", "ChargeDescription", "BilledCost", "EffectiveCost", "Tags")
PERIOD_COLUMNS = (*PROVIDER_COLUMNS, "BillingAccountId", "BillingPeriodStart", "ChargePeriodStart")
UTC_COLUMNS = ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd",
               "date")
MEMORY_LIMIT_MB = int(os.environ.get("BUDGET_DUCKDB_MEMORY_MB", "1024"))


def connect(memory_limit_mb: int = MEMORY_LIMIT_MB) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB that spills to a temporary folder beyond its memory limit."""
    return duckdb.connect(config={"memory_limit": f"{int(memory_limit_mb)}MB",
                                  "temp_directory": tempfile.gettempdir(),
                                  "preserve_insertion_order": False})


@dataclass
class Exports:
    """One DuckDB connection with the billing (and optional telemetry) exports as Ibis tables.

    `notes` says, once each, what was read in a way the user should know: names matched but
    for case, copies and repeated deliveries left out, folder keys ignored.
    """

    billing_sources: Sources
    telemetry_sources: Sources | None = None
    tag_map: TagMap = field(default_factory=TagMap)
    con: duckdb.DuckDBPyConnection = field(default_factory=connect)
    max_rows: int | None = None

    def __post_init__(self) -> None:
        self.notes: list[str] = []
        self._charges: ir.Table | None = None
        self.backend = ibis.duckdb.from_connection(self.con)
        self.raw_billing = self._register("billing_raw", self.billing_sources,
                                          check_focus_columns,
                                          {c: COST_DECIMAL for c in COST_COLUMNS}, True)
        self.billing = normalize_billing(self.raw_billing, self.tag_map)
        self.telemetry: ir.Table | None = None
        if self.telemetry_sources is not None:
            raw = self._register("telemetry_raw", self.telemetry_sources,
                                 check_telemetry_columns,
                                 {c: "DOUBLE" for c in TELEMETRY_COUNTS}, False)
            self.telemetry = normalize_telemetry(raw)

    def _fetch(self, sql: str, label: str) -> list[tuple[Any, ...]]:
        """Run a query of ours; a read failure becomes a message naming the files."""
        try:
            return self.con.sql(sql).fetchall()
        except duckdb.Error as exc:
            raise _read_error(label, exc) from None

    def _register(self, name: str, sources: Sources, check: Any, csv_types: dict[str, str],
                  by_period: bool) -> ir.Table:
        """Create a view over the files, each charge once; return it as an Ibis table."""
        files, copies = drop_copies(sources.files)
        self.notes += copies
        layouts = []
        for file in files:
            layout = inspect_file(file.path)
            check(file.path, layout.canonical)
            layouts.append(layout)
        self._note_layouts(layouts)
        statement = scan(layouts, csv_types)
        view = f"{name}_files"
        try:
            self.con.sql(statement.sql, params=statement.params).create_view(view)
        except duckdb.Error as exc:
            raise _read_error(sources.label, exc) from None
        view = self._in_utc(name, view, sources.label)
        view = self._join_folder_keys(name, view, files, layouts)
        columns = {c for layout in layouts for c in layout.canonical}
        if by_period and len({f.delivery for f in files}) > 1:
            view = self._drop_repeated_periods(name, view, files, columns, sources.label)
        self._check_rows(view, sources.label)
        return self.backend.table(view)

    def _in_utc(self, name: str, view: str, label: str) -> str:
        """Read zoned date-times (`…Z` in CSV, tz-aware Parquet) as UTC, whatever the server's zone.

        DuckDB casts a TIMESTAMP WITH TIME ZONE to a date in the machine's zone: midnight UTC on
        1 November is 31 October on a server in California. Epoch microseconds carry no zone.
        """
        described = self._fetch(f"DESCRIBE {view}", label)
        zoned = [str(row[0]) for row in described if str(row[0]) in UTC_COLUMNS
                 and str(row[1]).startswith("TIMESTAMP WITH TIME ZONE")]
        if not zoned:
            return view
        replaced = ", ".join(f"make_timestamp(epoch_us({quoted(c, UTC_COLUMNS)})) AS "
                             f"{quoted(c, UTC_COLUMNS)}" for c in zoned)
        utc = f"{name}_utc"
        self.con.sql(f"SELECT * REPLACE ({replaced}) FROM {view}").create_view(utc)  # noqa: S608
        return utc

    def _note_layouts(self, layouts: Sequence[FileLayout]) -> None:
        """Note names matched but for case, and CSV files read with another delimiter."""
        renames = sorted({pair for layout in layouts for pair in layout.renames})
        if renames:
            shown = ", ".join(f"{a} → {b}" for a, b in renames[:6])
            more = f" and {len(renames) - 6} more" if len(renames) > 6 else ""
            self.notes.append(f"column names matched to FOCUS names in any case and without "
                              f"underscores: {shown}{more}")
        for layout in layouts:
            if layout.delimiter != ",":
                self.notes.append(f"{layout.path} is read as {DELIMITERS[layout.delimiter]}-"
                                  "delimited CSV")

    def _join_folder_keys(self, name: str, view: str, files: Sequence[ExportFile],
                          layouts: Sequence[FileLayout]) -> str:
        """Add folder keys as columns, except those that name a column of the file or of FOCUS."""
        rows: list[dict[str, str]] = []
        ignored: dict[str, str] = {}
        kept_names: dict[str, str] = {}
        for file, layout in zip(files, layouts, strict=True):
            own = {c.lower() for c in layout.columns} | {column_key(c) for c in layout.columns}
            row = {FILE_COLUMN: file.path}
            for key, value in file.hive:
                if (key.lower() in own or column_key(key) in own or column_key(key) in FOCUS_BY_KEY
                        or key.lower() == FILE_COLUMN):
                    ignored.setdefault(key, os.path.dirname(file.path))
                    continue
                canonical = kept_names.setdefault(key.lower(), key)
                row.setdefault(canonical, value)
            rows.append(row)
        for key, folder in ignored.items():
            self.notes.append(f"folder key {key}= (in {folder}) is ignored: it names a column, "
                              "and the file's own values are read")
        if not kept_names:
            return view
        import pyarrow as pa

        keys = [FILE_COLUMN, *kept_names.values()]
        table = pa.table({k: pa.array([r.get(k) for r in rows], pa.string()) for k in keys})
        self.con.register(f"{name}_folder_keys", table)
        keyed = f"{name}_keyed"
        self.con.sql(f"SELECT * FROM {view} LEFT JOIN {name}_folder_keys "  # noqa: S608
                     f"USING ({FILE_COLUMN})").create_view(keyed)
        return keyed

    def _drop_repeated_periods(self, name: str, view: str, files: Sequence[ExportFile],
                               columns: set[str], label: str) -> str:
        """Leave out the rows of a billing period that an older delivery repeats."""
        provider = "COALESCE(" + ", ".join(
            f"CAST({quoted(c, PROVIDER_COLUMNS)} AS VARCHAR)" for c in PROVIDER_COLUMNS
            if c in columns) + ", '')"
        account = ('COALESCE(CAST("BillingAccountId" AS VARCHAR), \'\')'
                   if "BillingAccountId" in columns else "''")
        start = '"BillingPeriodStart"' if "BillingPeriodStart" in columns else (
            "date_trunc('month', CAST(\"ChargePeriodStart\" AS TIMESTAMP))")
        period = f"COALESCE(strftime(CAST({start} AS TIMESTAMP), '%Y-%m-%d'), '')"
        # count by the raw columns first, then format the few groups (strftime per row is slow)
        wanted = [c for c in PERIOD_COLUMNS if c in columns and (
            c != "ChargePeriodStart" or "BillingPeriodStart" not in columns)]
        raw = [FILE_COLUMN, *(quoted(c, PERIOD_COLUMNS) for c in wanted)]
        inner = (f"SELECT {', '.join(raw)}, count(*) AS n FROM {view} "  # noqa: S608
                 f"GROUP BY ALL")
        counted = self._fetch(f"SELECT {FILE_COLUMN}, {provider}, {account}, {period}, "  # noqa: S608
                              f"sum(n) FROM ({inner}) GROUP BY ALL", label)
        rows = [PeriodRows(f, PeriodKey(p, a, d), int(n)) for f, p, a, d, n in counted]
        dropped, notes = repeated_periods(files, rows)
        self.notes += notes
        if not dropped:
            return view
        import pyarrow as pa

        pairs = sorted(dropped, key=lambda p: (p[0], p[1].provider, p[1].account, p[1].period))
        self.con.register(f"{name}_repeated", pa.table({
            "file": [f for f, _ in pairs], "provider": [k.provider for _, k in pairs],
            "account": [k.account for _, k in pairs], "period": [k.period for _, k in pairs]}))
        kept = f"{name}_once"
        self.con.sql(f"SELECT * FROM {view} WHERE NOT EXISTS (SELECT 1 FROM {name}_repeated r "  # noqa: S608
                     f"WHERE r.file = {FILE_COLUMN} AND r.provider = {provider} AND "
                     f"r.account = {account} AND r.period = {period})").create_view(kept)
        return kept

    def _check_rows(self, view: str, label: str) -> None:
        """Refuse more rows than the limit before any of them is rolled up."""
        if self.max_rows is None:
            return
        count = int(self._fetch(f"SELECT count(*) FROM {view}", label)[0][0])  # noqa: S608
        if count > self.max_rows:
            raise BudgetInputError(label, f"holds {count:,} rows; the limit here is "
                                   f"{self.max_rows:,}", fix="read fewer months at a time, or "
                                   "run `python -m budget` on the exports instead")

    def charges(self) -> ir.Table:
        """Return the billing charges cleaned per group of `charges_by_kind`, summed once.

        The groups are kept in a temporary table: the rollup reads them twice (their distinct
        tag sets, then the join), and DuckDB would otherwise sum every raw row twice.
        """
        if self._charges is None:
            try:
                sql = self.backend.compile(charges_by_kind(self.raw_billing))
                # Ibis's own SQL over the view _register made: no value of the export in it
                self.con.sql(f"CREATE OR REPLACE TEMP TABLE billing_charges AS {sql}")
            except duckdb.Error as exc:
                raise _value_error(self.billing_sources.label, exc) from None
            self._charges = normalize_billing(self.backend.table("billing_charges"),
                                              self.tag_map)
        return self._charges

    def duplicate_rows(self) -> int:
        """Return how many billing rows repeat another row in every identifying column."""
        columns = set(self.raw_billing.columns)
        key = ", ".join(f"CAST({quoted(c, DUPLICATE_KEY)} AS {COST_DECIMAL})" if c in COST_COLUMNS
                        else quoted(c, DUPLICATE_KEY) for c in DUPLICATE_KEY if c in columns)
        view = self.raw_billing.get_name()
        rows = self._fetch(f"SELECT count(*) - count(DISTINCT hash({key})) FROM "  # noqa: S608
                           f"{view}", self.billing_sources.label)
        return int(rows[0][0])


def reading_notes(exports: Exports) -> list[str]:
    """Return the notes of the read, with the count of rows that repeat another row."""
    repeated = exports.duplicate_rows()
    extra = [f"{repeated:,} billing rows repeat another row exactly (same charge period, "
             "account, resource, SKU, cost and tags); they are counted as billed — check the "
             "export if that is not expected"] if repeated else []
    return [*exports.notes, *extra]


def _read_error(label: str, exc: Exception) -> BudgetInputError:
    """Return the message for exports DuckDB could not read: where, what, and what to do."""
    return BudgetInputError(label, f"could not be read: {_first_line(exc)}",
                            fix="check the named file and line; export it again if it is damaged")


def _first_line(exc: Exception) -> str:
    """Return DuckDB's message in one line: what failed, where, and the offending value.

    Lines that quote the generated query (LINE n:, the caret under it) are left out: they
    describe our SQL, not the user's file.
    """
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    keep = [line for line in lines[:4] if not line.startswith(("Column ", "LINE ", "^"))
            and "COALESCE(" not in line]
    return " — ".join(keep)[:600]


def run(expr: ir.Expr, label: str) -> pd.DataFrame:
    """Execute an Ibis expression; a read or conversion failure becomes a BudgetInputError."""
    try:
        result: pd.DataFrame = expr.execute()
    except duckdb.Error as exc:
        raise _value_error(label, exc) from None
    return result


def _value_error(label: str, exc: Exception) -> BudgetInputError:
    """Return the message for a value DuckDB could not convert while rolling up."""
    return BudgetInputError(label, f"could not be read: {_first_line(exc)}",
                            fix="correct or remove the value on that line, or export the "
                            "file again")


def _column(t: ir.Table, name: str) -> ir.Value | None:
    return t[name] if name in t.columns else None


def _text(value: ir.Value | None) -> ir.StringValue:
    """Return a trimmed string column with '' as null (real exports write both)."""
    if value is None:
        return ibis.null().cast("string")
    text = value.cast("string").strip()
    return text.nullif("")


def tag_dimensions(raw: ir.Table, tag_map: TagMap) -> ir.Table:
    """Return one row per distinct Tags value with the AI dimensions it carries.

    Exports repeat a few hundred tag sets over millions of rows: parsing each distinct set once
    and joining back is far cheaper than parsing JSON on every row.
    """
    distinct = raw.select(tags_key=raw.Tags.cast("string")).distinct()
    tags_json = _text(distinct.tags_key).cast("json")
    dims = {dimension: ibis.coalesce(*[_text(tags_json[k].str) for k in keys])
            for dimension, keys in tag_map.keys}
    return distinct.mutate(
        tag_gpu=_text(tags_json["gpu"].str),
        tag_allocated=dims["team"].notnull(),
        **{f"tag_{d}": v for d, v in dims.items()},
    )


# The raw columns the rollup keeps apart; every other column is summed or left out.
CHARGE_KEYS = ("ChargePeriodStart", *PROVIDER_COLUMNS, "BillingCurrency", "ChargeCategory",
               "ServiceCategory", "ServiceName", "PricingCategory", "CommitmentDiscountStatus",
               "CommitmentDiscountId", "x_GpuType", "ConsumedUnit", "Tags")


def charges_by_kind(raw: ir.Table) -> ir.Table:
    """Return raw charges summed per day and per raw value of every column the rollup reads.

    Cleaning (trim, case, tags) is many-to-one, so cleaning these groups and summing again gives
    the rollup of cleaning every row — on thousands of groups instead of millions of rows.
    Costs are summed as exact decimals; `source_rows` counts the charges of each group.
    """
    keys: dict[str, ir.Value] = {c: raw[c] for c in CHARGE_KEYS if c in raw.columns}
    keys["ChargePeriodStart"] = raw.ChargePeriodStart.cast("timestamp").date()
    billed = raw.BilledCost.cast(COST_TYPE)
    effective = raw.EffectiveCost.cast(COST_TYPE)
    sums: dict[str, ir.Value] = {
        "BilledCost": billed.sum(), "EffectiveCost": effective.sum(),
        "source_rows": raw.count(),
        "largest_charge": ibis.greatest(billed.abs().max(), effective.abs().max())}
    if "ConsumedQuantity" in raw.columns:
        # exact decimals for the GPU-hours; a quantity too large for them (only ever tokens or
        # bytes, or a damaged row) sums as nothing here and is judged by its largest value below
        sums["ConsumedQuantity"] = raw.ConsumedQuantity.try_cast(COST_TYPE).sum()
        sums["largest_quantity"] = raw.ConsumedQuantity.cast("float64").abs().max()
    return raw.group_by(**keys).aggregate(**sums)


def normalize_billing(raw: ir.Table, tag_map: TagMap) -> ir.Table:
    """Return one row per charge (or per group of `charges_by_kind`) typed, cleaned and tagged."""
    if "Tags" in raw.columns:
        tags = tag_dimensions(raw, tag_map)
        joined = raw.mutate(tags_key=raw.Tags.cast("string")).left_join(tags, "tags_key")
    else:  # an export without tags: every dimension is unallocated
        none = ibis.null().cast("string")
        joined = raw.mutate(tag_gpu=none, tag_allocated=ibis.literal(False),
                            **{f"tag_{d}": none for d, _ in tag_map.keys})
    pricing = _text(_column(joined, "PricingCategory")).lower()
    commitment = _text(_column(joined, "CommitmentDiscountId"))
    unit = _text(_column(joined, "ConsumedUnit"))
    gpu = ibis.coalesce(_text(_column(joined, "x_GpuType")), joined.tag_gpu)
    quantity = _column(joined, "ConsumedQuantity")
    # GPU-hours stay exact decimals until the rollup: a float sum depends on the order the
    # database happens to add rows in, so the same export would give other last digits
    is_gpu_hours = unit.lower() == "gpu-hours"
    zero = ibis.literal(0).cast(COST_TYPE)
    gpu_hours = ibis.ifelse(is_gpu_hours, quantity.try_cast(COST_TYPE), zero).fill_null(zero) \
        if quantity is not None else zero
    largest = (joined.largest_quantity if "largest_quantity" in joined.columns
               else quantity.cast("float64").abs() if quantity is not None else None)
    largest_gpu_hours = (ibis.ifelse(is_gpu_hours, largest, 0.0).fill_null(0.0)
                         if largest is not None else ibis.literal(0.0))
    status = _text(_column(joined, "CommitmentDiscountStatus")).lower()
    billed = joined.BilledCost.cast(COST_TYPE)
    effective = joined.EffectiveCost.cast(COST_TYPE)
    return joined.select(
        day=joined.ChargePeriodStart.cast("timestamp").date(),
        provider=ibis.coalesce(*[_text(joined[c]) for c in PROVIDER_COLUMNS
                                 if c in joined.columns]).fill_null("unknown"),
        currency=_text(joined.BillingCurrency).upper().fill_null("unknown"),
        charge_category=_text(joined.ChargeCategory).lower().fill_null("unknown"),
        service_category=_text(joined.ServiceCategory).fill_null("unknown"),
        service_name=_text(joined.ServiceName).fill_null("unknown"),
        # a commitment's purchase is priced Standard in FOCUS 1.2, yet it buys reserved capacity
        procurement=ibis.ifelse(commitment.notnull(), "reserved",
                                pricing.substitute(PROCUREMENT, else_=pricing)
                                ).fill_null("unspecified"),
        commitment_status=status.fill_null("none"),
        gpu=gpu.fill_null(""),
        gpu_hours=gpu_hours,
        largest_gpu_hours=largest_gpu_hours,
        billed_cost=billed,
        effective_cost=effective,
        source_rows=(joined.source_rows if "source_rows" in joined.columns
                     else ibis.literal(1)),
        largest_charge=(joined.largest_charge if "largest_charge" in joined.columns
                        else ibis.greatest(billed.abs(), effective.abs())),
        allocated=joined.tag_allocated.fill_null(False),
        **{d: joined[f"tag_{d}"].fill_null(NO_TAG[d]) for d, _ in tag_map.keys},
    )


def normalize_telemetry(raw: ir.Table) -> ir.Table:
    """Return telemetry rows with typed counts; optional columns filled as documented."""
    optional = {
        "queue_seconds_p95": (raw["queue_seconds_p95"].cast("float64")
                              if "queue_seconds_p95" in raw.columns
                              else ibis.null().cast("float64")),
        "errors": (raw["errors"].cast("int64").fill_null(0) if "errors" in raw.columns
                   else ibis.literal(0)),
        "deployment_id": _text(_column(raw, "deployment_id")).fill_null(""),
    }
    return raw.select(
        day=raw["date"].cast("date"),
        **{d: _text(raw[d]).fill_null(NO_TAG[d]) for d in ("model", "endpoint", "team",
                                                           "environment")},
        **{c: raw[c].cast("float64").fill_null(0.0) for c in TELEMETRY_COUNTS},
        **optional,
    )


ROLLUP_KEYS = ("day", "provider", "currency", "model", "endpoint", "team", "environment",
               "workload_class", "procurement", "charge_category", "service_category", "gpu",
               "commitment_status", "deployment_id", "experiment", "allocated")


def billing_rollup_expr(billing: ir.Table) -> ir.Table:
    """Return the daily rollup over every dimension the pages filter and group by."""
    return billing.group_by(list(ROLLUP_KEYS)).aggregate(
        billed_cost=billing.billed_cost.sum(),
        effective_cost=billing.effective_cost.sum(),
        gpu_hours=billing.gpu_hours.sum(),
        rows=billing.source_rows.sum(),
        largest_charge=billing.largest_charge.max(),
        largest_gpu_hours=billing.largest_gpu_hours.max(),
    )


TELEMETRY_KEYS = ("day", "model", "endpoint", "team", "environment", "deployment_id")


def in_key_order(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Return a rollup's rows sorted by all its keys, so the same export gives the same frame.

    The database returns groups in no set order, and float sums over them (per day, per team)
    would otherwise differ in their last digits from one run to the next.
    """
    return frame.sort_values(list(keys), kind="stable", na_position="first").reset_index(drop=True)


def telemetry_rollup_expr(telemetry: ir.Table) -> ir.Table:
    """Return daily telemetry per model, endpoint, team, environment and deployment."""
    return telemetry.group_by(list(TELEMETRY_KEYS)).aggregate(
        requests=telemetry.requests.sum(),
        input_tokens=telemetry.input_tokens.sum(),
        output_tokens=telemetry.output_tokens.sum(),
        gpu_hours=telemetry.gpu_hours.cast(COST_TYPE).sum(),  # exact: the same digits every run
        queue_seconds_p95=telemetry.queue_seconds_p95.max(),
        errors=telemetry.errors.sum(),
    )


FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_days(table: ir.Table, label: str, what: str = "charge") -> None:
    """Refuse days outside 2000–2100 before any rollup is built: a broken export, not spend.

    Checked in the database, so a small file of millions of far-apart days (a damaged column)
    is refused before it becomes millions of groups in memory.
    """
    day = table.day
    frame = run(table.aggregate(first=day.min().cast("string"), last=day.max().cast("string"),
                                low=day.min().year(), high=day.max().year()), label)
    if frame.empty or pd.isna(frame["low"].iloc[0]):
        return  # no rows: the caller says so
    if int(frame["low"].iloc[0]) < FIRST_YEAR or int(frame["high"].iloc[0]) > LAST_YEAR:
        column = "ChargePeriodStart" if what == "charge" else "date"
        raise BudgetInputError(label, f"{what} dates run from {frame['first'].iloc[0]} to "
                               f"{frame['last'].iloc[0]}, outside {FIRST_YEAR}-01-01 to "
                               f"{LAST_YEAR}-12-31", fix=f"check {column}: it may hold another "
                               "column's values, or the export is damaged")


def check_costs(frame: pd.DataFrame, largest: str, label: str) -> None:
    """Refuse a charge, or a group of charges, of a trillion or more: a broken export."""
    sums = [frame[c].abs().max() for c in (largest, "billed_cost", "effective_cost", "billed",
                                            "effective") if c in frame.columns]
    worst = max((Decimal(str(v)) for v in sums), default=Decimal(0))
    if worst >= MAX_ABS_COST:
        raise BudgetInputError(label, f"has a cost of {worst:,.2f}, a trillion or more",
                               fix="check BilledCost and EffectiveCost: a column may hold "
                               "another column's values, or the export is damaged")


def check_gpu_hours(frame: pd.DataFrame, label: str) -> None:
    """Refuse a charge of a trillion GPU-hours or more (over 100 million GPU-years): damaged."""
    worst = float(frame["largest_gpu_hours"].max()) if len(frame) else 0.0
    if worst >= MAX_ABS_COST:
        raise BudgetInputError(label, f"has a charge of {worst:,.0f} GPU-hours, a trillion or more",
                               fix="check ConsumedQuantity on the GPU-Hours rows: the column may "
                               "hold another column's values, or the export is damaged")


FLOAT_SUMS = ("billed_cost", "effective_cost", "gpu_hours", "largest_charge")


def billing_rollup(exports: Exports) -> pd.DataFrame:
    """Run the billing rollup; costs as floats, days as datetime64, rows in key order."""
    label = exports.billing_sources.label
    grouped = exports.charges()
    check_days(grouped, label)
    rollup = grouped.pipe(billing_rollup_expr)
    # summed exactly, handed over as floats by the database (the nearest double, as Python's
    # float(Decimal) gives, without a Decimal object per value)
    frame = run(rollup.mutate(**{c: rollup[c].cast("float64") for c in FLOAT_SUMS}), label)
    if frame.empty:
        raise BudgetInputError(label, "has no billing rows", fix="export a period with charges")
    check_costs(frame, "largest_charge", label)
    check_gpu_hours(frame, label)
    frame = frame.drop(columns=["largest_charge", "largest_gpu_hours"])
    frame["day"] = pd.to_datetime(frame["day"])
    return in_key_order(frame, ROLLUP_KEYS)


def telemetry_rollup(exports: Exports) -> pd.DataFrame:
    """Run the telemetry rollup (an empty frame when no telemetry was given)."""
    if exports.telemetry is None:
        return pd.DataFrame(columns=[*TELEMETRY_KEYS, *TELEMETRY_COUNTS,
                                     "queue_seconds_p95", "errors"])
    label = exports.telemetry_sources.label if exports.telemetry_sources else "telemetry"
    check_days(exports.telemetry, label, "telemetry")
    frame = run(exports.telemetry.pipe(telemetry_rollup_expr), label)
    frame["day"] = pd.to_datetime(frame["day"])
    frame["gpu_hours"] = frame["gpu_hours"].astype(float)
    negative = frame[list(TELEMETRY_COUNTS)].lt(0).any(axis=1)
    if negative.any():
        row = frame[negative].iloc[0]
        raise BudgetInputError(
            label, f"negative counts on {int(negative.sum())} day(s), first {row['day']:%Y-%m-%d} "
            f"for endpoint {row['endpoint']}", fix="requests, tokens and GPU-hours are ≥ 0")
    return in_key_order(frame, TELEMETRY_KEYS)


def _cost_pair(billed: Any, effective: Any) -> dict[str, float]:
    return {"billed_cost": float(billed), "effective_cost": float(effective)}


def ingest_summary(exports: Exports) -> dict[str, Any]:
    """Return the ingest CLI's JSON: totals per currency, provider and service category."""
    b = exports.charges()
    check_days(b, exports.billing_sources.label)
    grouped = run(b.group_by(["currency", "provider", "service_category", "allocated"])
                  .aggregate(billed=b.billed_cost.sum(), effective=b.effective_cost.sum(),
                             rows=b.source_rows.sum(), start=b.day.min(), end=b.day.max(),
                             largest=b.largest_charge.max()),
                  exports.billing_sources.label)
    if grouped.empty:
        raise BudgetInputError(exports.billing_sources.label, "has no billing rows",
                               fix="export a period with charges")
    check_costs(grouped, "largest", exports.billing_sources.label)
    currencies = sorted(grouped["currency"].unique())
    single = len(currencies) == 1

    def totals(keys: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, part in grouped.groupby(keys, sort=True):
            pair = _cost_pair(_dsum(part["billed"]), _dsum(part["effective"]))
            parts = [str(k) for k in (key if isinstance(key, tuple) else (key,))]
            if len(parts) == 2:
                out.setdefault(parts[0], {})[parts[1]] = pair
            else:
                out[parts[0]] = pair
        return out

    by_currency = totals(["currency"])

    def group_keys(key: str) -> list[str]:
        return [key] if single else [key, "currency"]

    unallocated = grouped[~grouped["allocated"].astype(bool)]
    return {
        "rows": int(grouped["rows"].sum()),
        "start": f"{pd.Timestamp(grouped['start'].min()):%Y-%m-%d}",
        "end": f"{pd.Timestamp(grouped['end'].max()):%Y-%m-%d}",
        "currencies": currencies,
        "billed_cost": by_currency[currencies[0]]["billed_cost"] if single else None,
        "effective_cost": by_currency[currencies[0]]["effective_cost"] if single else None,
        "by_currency": by_currency,
        "by_provider": totals(group_keys("provider")),
        "by_service_category": totals(group_keys("service_category")),
        "unallocated_billed_cost": float(_dsum(unallocated["billed"])) if single else None,
    }


@dataclass(frozen=True)
class ExactTotal:
    """One currency's billed and effective cost as exact decimals (18 places), and its rows."""

    billed: Decimal
    effective: Decimal
    rows: int


def exact_totals(exports: Exports) -> dict[str, ExactTotal]:
    """Return billed and effective cost per currency, summed exactly in DECIMAL(38,18)."""
    b = exports.charges()
    frame = run(b.group_by("currency").aggregate(billed=b.billed_cost.sum(),
                                                effective=b.effective_cost.sum(),
                                                rows=b.source_rows.sum()),
                exports.billing_sources.label)
    return {str(currency): ExactTotal(_dsum([billed]), _dsum([effective]), int(rows))
            for currency, billed, effective, rows in frame[
                ["currency", "billed", "effective", "rows"]].itertuples(index=False)}


def _dsum(values: pd.Series | Sequence[Any]) -> Decimal:
    """Return an exact sum of Decimal (or float) values."""
    return sum((Decimal(str(v)) if not isinstance(v, Decimal) else v for v in values),
               Decimal(0))


def open_exports(billing: Sequence[str], telemetry: Sequence[str] = (),
                 tag_map: TagMap | None = None, max_rows: int | None = None) -> Exports:
    """Resolve paths and open the exports; raise BudgetInputError naming what is wrong."""
    return Exports(resolve(billing), resolve(telemetry) if telemetry else None,
                   tag_map or TagMap(), max_rows=max_rows)
