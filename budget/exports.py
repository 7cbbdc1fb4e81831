"""FOCUS billing and serving telemetry exports: read with DuckDB, normalise and roll up with Ibis.

Paths are bound parameters of DuckDB's read functions; the normalisation and the rollups are Ibis
expressions, so the same definitions can compile for another engine when exports outgrow one
machine (`ibis.to_sql(expr, dialect="trino")`).
"""

from __future__ import annotations

import csv
import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from budget.errors import BudgetInputError

REQUIRED_FOCUS = ("BilledCost", "EffectiveCost", "ChargePeriodStart", "ChargePeriodEnd",
                  "BillingCurrency", "ChargeCategory", "ServiceCategory", "ServiceName")
PROVIDER_COLUMNS = ("ProviderName", "ServiceProviderName")  # 1.0–1.2, and 1.3's successor
COST_COLUMNS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
DIMENSIONS = ("model", "endpoint", "team", "environment", "workload_class", "deployment_id",
              "experiment")
UNALLOCATED = "unallocated"
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
TELEMETRY_OPTIONAL = ("queue_seconds_p95", "errors", "deployment_id")
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
    """Resolved export files of one kind, all Parquet or all CSV."""

    files: tuple[str, ...]
    format: str  # "parquet" | "csv"
    label: str  # what the user named, for messages


def resolve(specs: Sequence[str]) -> Sources:
    """Turn files, globs and folders (hive-partitioned ones included) into a file list."""
    files: list[str] = []
    label = ", ".join(specs)
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = sorted(glob.glob(str(path / "**" / "*.parquet"), recursive=True)) or sorted(
                glob.glob(str(path / "**" / "*.csv"), recursive=True))
            if not found:
                raise BudgetInputError(spec, "folder has no .parquet or .csv files",
                                       fix="point at the export folder or a file")
            files += found
        elif any(ch in spec for ch in "*?["):
            found = sorted(glob.glob(spec, recursive=True))
            if not found:
                raise BudgetInputError(spec, "no file matches this pattern",
                                       fix="check the pattern, or name the folder")
            files += found
        elif path.is_file():
            files.append(str(path))
        else:
            raise BudgetInputError(spec, "file not found", fix="check the path")
    kinds = {_format(f) for f in files}
    if len(kinds) > 1 or None in kinds:
        odd = next((f for f in files if _format(f) is None), files[0])
        raise BudgetInputError(odd if None in kinds else label,
                               "exports must all be Parquet (.parquet) or all CSV (.csv)",
                               fix="convert or separate the files, then read each kind alone")
    return Sources(tuple(files), kinds.pop() or "csv", label)


def _format(file: str) -> str | None:
    lower = file.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith((".csv", ".csv.gz")):
        return "csv"
    return None


def check_upload_size(total_bytes: int, limit_mb: int) -> None:
    """Refuse an upload over the limit before anything is written or read."""
    if total_bytes > limit_mb * 1024 * 1024:
        raise BudgetInputError("upload", f"is {total_bytes / 1024 / 1024:,.1f} MB; the limit is "
                               f"{limit_mb} MB", fix="upload fewer months at a time, or the "
                               "same data as Parquet (several times smaller than CSV)")


def file_columns(file: str, fmt: str) -> list[str]:
    """Return a file's column names, or raise a message saying why it cannot be read."""
    if Path(file).stat().st_size == 0:
        raise BudgetInputError(file, "is empty (0 bytes)", fix="export the data again")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(file).names)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise BudgetInputError(file, f"is not a readable Parquet file ({exc})",
                                   fix="the file is truncated or corrupt: export it again"
                                   ) from None
    raw = Path(file).read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BudgetInputError(file, f"is not UTF-8 text (bad byte at line {line}, offset "
                               f"{exc.start})", fix="export the file as UTF-8 CSV") from None
    with open(file, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    if not header:
        raise BudgetInputError(file, "has no header row", fix="export the file with headers")
    return header


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
            fix="export FOCUS 1.0 or later (column names are case-sensitive)")


def check_telemetry_columns(file: str, columns: Sequence[str]) -> None:
    """Demand the telemetry schema's required columns (docs/exports.md)."""
    missing = [c for c in TELEMETRY_REQUIRED if c not in columns]
    if missing:
        raise BudgetInputError(file, "missing telemetry column(s) " + ", ".join(missing),
                               fix="see docs/exports.md for the telemetry schema")


# Constant statements: every value (file list, null strings, column types) is a bound parameter.
PARQUET_SQL = "SELECT * FROM read_parquet($files, hive_partitioning = true, union_by_name = true)"
CSV_SQL = ("SELECT * FROM read_csv($files, header = true, union_by_name = true, "
           "nullstr = $nulls)")
CSV_TYPED_SQL = ("SELECT * FROM read_csv($files, header = true, union_by_name = true, "
                 "nullstr = $nulls, types = $types)")


@dataclass
class Exports:
    """One DuckDB connection with the billing (and optional telemetry) exports as Ibis tables."""

    billing_sources: Sources
    telemetry_sources: Sources | None = None
    tag_map: TagMap = field(default_factory=TagMap)
    con: duckdb.DuckDBPyConnection = field(default_factory=duckdb.connect)

    def __post_init__(self) -> None:
        self.backend = ibis.duckdb.from_connection(self.con)
        self.raw_billing = self._register("billing_raw", self.billing_sources, check_focus_columns,
                                          {c: "DECIMAL(38,12)" for c in COST_COLUMNS})
        self.billing = normalize_billing(self.raw_billing, self.tag_map)
        self.telemetry: ir.Table | None = None
        if self.telemetry_sources is not None:
            raw = self._register("telemetry_raw", self.telemetry_sources, check_telemetry_columns,
                                 {c: "DOUBLE" for c in TELEMETRY_COUNTS})
            self.telemetry = normalize_telemetry(raw)

    def _register(self, name: str, sources: Sources, check: Any,
                  csv_types: dict[str, str]) -> ir.Table:
        """Create a view over the files (paths bound as parameters); return it as an Ibis table."""
        columns: set[str] = set()
        for file in sources.files:
            file_cols = file_columns(file, sources.format)
            check(file, file_cols)
            columns.update(file_cols)
        if sources.format == "parquet":
            sql = PARQUET_SQL
            params: dict[str, object] = {"files": list(sources.files)}
        else:
            types = {c: t for c, t in csv_types.items() if c in columns}
            sql = CSV_TYPED_SQL if types else CSV_SQL
            params = {"files": list(sources.files), "nulls": ["NULL", ""]}
            if types:
                params["types"] = types
        try:
            self.con.sql(sql, params=params).create_view(name)
            return self.backend.table(name)
        except duckdb.Error as exc:
            raise BudgetInputError(sources.label, f"could not be read: {_first_line(exc)}",
                                   fix="check the named file and line; export it again if "
                                   "it is damaged") from None


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
        raise BudgetInputError(label, f"could not be read: {_first_line(exc)}",
                               fix="correct or remove the value on that line, or export the "
                               "file again") from None
    return result


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
        tag_allocated=ibis.coalesce(*dims.values()).notnull(),
        **{f"tag_{d}": v for d, v in dims.items()},
    )


def normalize_billing(raw: ir.Table, tag_map: TagMap) -> ir.Table:
    """Return one row per charge with typed costs, lower-case enums and the AI dimensions."""
    if "Tags" in raw.columns:
        tags = tag_dimensions(raw, tag_map)
        joined = raw.mutate(tags_key=raw.Tags.cast("string")).left_join(tags, "tags_key")
    else:  # an export without tags: every dimension is unallocated
        none = ibis.null().cast("string")
        joined = raw.mutate(tag_gpu=none, tag_allocated=ibis.literal(False),
                            **{f"tag_{d}": none for d, _ in tag_map.keys})
    pricing = _text(_column(joined, "PricingCategory")).lower()
    unit = _text(_column(joined, "ConsumedUnit"))
    gpu = ibis.coalesce(_text(_column(joined, "x_GpuType")), joined.tag_gpu)
    quantity = _column(joined, "ConsumedQuantity")
    gpu_hours = ibis.ifelse(unit.lower() == "gpu-hours",
                            (quantity if quantity is not None else ibis.literal(0.0))
                            .cast("float64"), 0.0).fill_null(0.0)
    status = _text(_column(joined, "CommitmentDiscountStatus")).lower()
    return joined.select(
        day=joined.ChargePeriodStart.cast("timestamp").date(),
        provider=ibis.coalesce(*[_text(joined[c]) for c in PROVIDER_COLUMNS
                                 if c in joined.columns]).fill_null("unknown"),
        currency=_text(joined.BillingCurrency).upper().fill_null("unknown"),
        charge_category=_text(joined.ChargeCategory).lower().fill_null("unknown"),
        service_category=_text(joined.ServiceCategory).fill_null("unknown"),
        service_name=_text(joined.ServiceName).fill_null("unknown"),
        procurement=pricing.substitute(PROCUREMENT, else_=pricing).fill_null("unspecified"),
        commitment_status=status.fill_null("none"),
        gpu=gpu.fill_null(""),
        gpu_hours=gpu_hours,
        billed_cost=joined.BilledCost.cast("decimal(38, 12)"),
        effective_cost=joined.EffectiveCost.cast("decimal(38, 12)"),
        allocated=joined.tag_allocated.fill_null(False),
        **{d: joined[f"tag_{d}"].fill_null(UNALLOCATED) for d, _ in tag_map.keys},
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
        model=_text(raw.model).fill_null(UNALLOCATED),
        endpoint=_text(raw.endpoint).fill_null(UNALLOCATED),
        team=_text(raw.team).fill_null(UNALLOCATED),
        environment=_text(raw.environment).fill_null(UNALLOCATED),
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
        rows=billing.count(),
    )


def telemetry_rollup_expr(telemetry: ir.Table) -> ir.Table:
    """Return daily telemetry per model, endpoint, team, environment and deployment."""
    keys = ["day", "model", "endpoint", "team", "environment", "deployment_id"]
    return telemetry.group_by(keys).aggregate(
        requests=telemetry.requests.sum(),
        input_tokens=telemetry.input_tokens.sum(),
        output_tokens=telemetry.output_tokens.sum(),
        gpu_hours=telemetry.gpu_hours.sum(),
        queue_seconds_p95=telemetry.queue_seconds_p95.max(),
        errors=telemetry.errors.sum(),
    )


EARLIEST_DAY, LATEST_DAY = pd.Timestamp("2000-01-01"), pd.Timestamp("2100-12-31")


def check_dates(first: Any, last: Any, label: str) -> None:
    """Refuse charge days outside 2000–2100: a wrong column or a broken export, not spend."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if first < EARLIEST_DAY or last > LATEST_DAY:
        raise BudgetInputError(label, f"charge dates run from {first:%Y-%m-%d} to "
                               f"{last:%Y-%m-%d}, outside 2000-01-01 to 2100-12-31",
                               fix="check ChargePeriodStart: it may hold another column's "
                               "values, or the export is damaged")


def billing_rollup(exports: Exports) -> pd.DataFrame:
    """Run the billing rollup; costs as floats, days as datetime64, sorted by day."""
    frame = run(exports.billing.pipe(billing_rollup_expr), exports.billing_sources.label)
    for column in ("billed_cost", "effective_cost"):
        frame[column] = frame[column].astype(float)
    frame["day"] = pd.to_datetime(frame["day"])
    if frame.empty:
        raise BudgetInputError(exports.billing_sources.label, "has no billing rows",
                               fix="export a period with charges")
    check_dates(frame["day"].min(), frame["day"].max(), exports.billing_sources.label)
    return frame.sort_values(list(ROLLUP_KEYS[:3]), kind="stable").reset_index(drop=True)


def telemetry_rollup(exports: Exports) -> pd.DataFrame:
    """Run the telemetry rollup (an empty frame when no telemetry was given)."""
    if exports.telemetry is None:
        return pd.DataFrame(columns=["day", "model", "endpoint", "team", "environment",
                                     "deployment_id", *TELEMETRY_COUNTS,
                                     "queue_seconds_p95", "errors"])
    label = exports.telemetry_sources.label if exports.telemetry_sources else "telemetry"
    frame = run(exports.telemetry.pipe(telemetry_rollup_expr), label)
    frame["day"] = pd.to_datetime(frame["day"])
    negative = frame[list(TELEMETRY_COUNTS)].lt(0).any(axis=1)
    if negative.any():
        row = frame[negative].iloc[0]
        raise BudgetInputError(
            label, f"negative counts on {int(negative.sum())} day(s), first {row['day']:%Y-%m-%d} "
            f"for endpoint {row['endpoint']}", fix="requests, tokens and GPU-hours are ≥ 0")
    return frame.sort_values(["day", "endpoint"], kind="stable").reset_index(drop=True)


def _cost_pair(billed: Any, effective: Any) -> dict[str, float]:
    return {"billed_cost": float(billed), "effective_cost": float(effective)}


def ingest_summary(exports: Exports) -> dict[str, Any]:
    """Return the ingest CLI's JSON: totals per currency, provider and service category."""
    b = exports.billing
    grouped = run(b.group_by(["currency", "provider", "service_category", "allocated"])
                  .aggregate(billed=b.billed_cost.sum(), effective=b.effective_cost.sum(),
                             rows=b.count(), start=b.day.min(), end=b.day.max()),
                  exports.billing_sources.label)
    if grouped.empty:
        raise BudgetInputError(exports.billing_sources.label, "has no billing rows",
                               fix="export a period with charges")
    check_dates(grouped["start"].min(), grouped["end"].max(), exports.billing_sources.label)
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


def _dsum(values: pd.Series) -> Decimal:
    """Return an exact sum of Decimal (or float) values."""
    return sum((Decimal(str(v)) if not isinstance(v, Decimal) else v for v in values),
               Decimal(0))


def open_exports(billing: Sequence[str], telemetry: Sequence[str] = (),
                 tag_map: TagMap | None = None) -> Exports:
    """Resolve paths and open the exports; raise BudgetInputError naming what is wrong."""
    return Exports(resolve(billing), resolve(telemetry) if telemetry else None,
                   tag_map or TagMap())
