"""What one export file holds before it is read: format, header, delimiter and FOCUS column names.

Exports arrive as the clouds and the data tools write them: gzip CSV (AWS Data Exports), Parquet
with `Tags` as a map or a list of key/value structs, lower-case or snake_case names (Athena, Glue,
Spark), a byte-order mark and CRLF line ends, semicolons. `inspect_file` looks at one file and says
how to read it, or raises a message naming the file and what to do.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from budget.errors import BudgetInputError

# Every column of FOCUS 1.0–1.2 (shared/reference/focus/focus_columns_v1.0-v1.2.csv) and 1.3's
# provider columns: the names matched case-insensitively and protected from folder keys.
FOCUS_COLUMNS = (
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName",
    "BillingAccountType", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart",
    "CapacityReservationId", "CapacityReservationStatus", "ChargeCategory", "ChargeClass",
    "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart",
    "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
    "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
    "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
    "ContractedUnitPrice", "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost",
    "ListUnitPrice", "PricingCategory", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "PricingQuantity",
    "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId",
    "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "ServiceSubcategory",
    "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
    "SubAccountType", "Tags",
    "ServiceProviderName", "HostProviderName",  # FOCUS 1.3
)
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
HEADER_BYTES = 1 << 20  # the header (and the delimiter) is read from the first MiB
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_ ]+$")


def column_key(name: str) -> str:
    """Return a name folded for case-insensitive matching: `billed_cost` ~ `BilledCost`."""
    return re.sub(r"[\s_]", "", name).lower()


FOCUS_BY_KEY = {column_key(c): c for c in FOCUS_COLUMNS}


@dataclass(frozen=True)
class FileLayout:
    """How to read one export file: its format, columns and the FOCUS names they stand for."""

    path: str
    format: str  # "parquet" | "csv"
    columns: tuple[str, ...]  # as written in the file
    renames: tuple[tuple[str, str], ...] = ()  # (as written, FOCUS name) where they differ
    delimiter: str = ","
    tags_type: str = "text"  # text | map | struct | entries | none
    compression: str = "none"  # none | gzip (CSV only; found from the bytes, not the name)

    @property
    def canonical(self) -> tuple[str, ...]:
        """Return the columns under their FOCUS names."""
        renamed = dict(self.renames)
        return tuple(renamed.get(c, c) for c in self.columns)

    def schema_key(self) -> tuple[object, ...]:
        """Return what files must share to be read by one scan."""
        return (self.format, self.columns, self.delimiter, self.tags_type, self.compression)


def export_format(path: str) -> str | None:
    """Return "parquet" or "csv" from a file's name (gzip CSV included), else None."""
    lower = path.lower()
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if lower.endswith((".csv", ".csv.gz", ".csv.gzip")):
        return "csv"
    return None


def _duplicates(columns: Sequence[str]) -> list[str]:
    """Return the header names that occur twice, exactly or but for case (DuckDB folds case)."""
    seen: dict[str, str] = {}
    twice: list[str] = []
    for name in columns:
        folded = name.lower()
        if folded in seen:
            first = seen[folded]
            twice.append(name if first == name else f"{first} / {name}")
        else:
            seen[folded] = name
    return twice


def focus_renames(file: str, columns: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Return (as written, FOCUS name) for columns that match a FOCUS name but for case or `_`."""
    renames: list[tuple[str, str]] = []
    claimed: dict[str, str] = {}
    for name in columns:
        canonical = FOCUS_BY_KEY.get(column_key(name))
        if canonical is None or not _PLAIN_NAME.match(name):
            continue
        if canonical in claimed:
            raise BudgetInputError(file, f"columns {claimed[canonical]} and {name} both stand "
                                   f"for the FOCUS column {canonical}",
                                   fix="keep one of them and export the file again")
        claimed[canonical] = name
        if name != canonical:
            renames.append((name, canonical))
    return tuple(renames)


def _open_text(path: str) -> IO[str]:
    """Open a CSV file (plain or gzip, whatever its name says) as UTF-8 text, BOM skipped."""
    with open(path, "rb") as probe:
        magic = probe.read(2)
    raw = gzip.open(path, "rb") if magic == GZIP_MAGIC else open(path, "rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _check_utf8(path: str, chunks: Iterable[bytes]) -> None:
    """Raise a message with the line of the first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset = 1, 0
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            line += chunk[: exc.start].count(b"\n")
            raise BudgetInputError(path, f"is not UTF-8 text (bad byte at line {line}, offset "
                                   f"{offset + exc.start})",
                                   fix="export the file as UTF-8 CSV") from None
        line += chunk.count(b"\n")
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise BudgetInputError(path, f"is not UTF-8 text (the file ends inside a character, "
                               f"offset {offset})", fix="export the file as UTF-8 CSV") from None


def _raw_chunks(path: str) -> Iterable[bytes]:
    """Yield a CSV file's bytes (decompressed when gzip); a damaged gzip stream is a message."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    try:
        with (gzip.open(path, "rb") if compressed else open(path, "rb")) as handle:
            while chunk := handle.read(1 << 22):
                yield chunk
    except (OSError, EOFError, zlib.error) as exc:
        raise BudgetInputError(path, f"is not a complete gzip file ({exc})",
                               fix="the download was cut short or the file is damaged: "
                               "download it again") from None


def _sniff_delimiter(path: str, header_line: str) -> str:
    """Return the header's delimiter: the one of , ; tab | that splits it into most columns."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d), [])) for d in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    if counts[best] < 2:
        raise BudgetInputError(path, "has a header row with one column only",
                               fix="export the file as CSV with a comma between columns")
    return best


def csv_layout(path: str) -> FileLayout:
    """Return how to read a CSV file: its header, delimiter and FOCUS names."""
    _check_utf8(path, _raw_chunks(path))
    with _open_text(path) as text:
        head = text.read(HEADER_BYTES)
    first = head.splitlines()[0] if head.strip() else ""
    if not first.strip():
        raise BudgetInputError(path, "has no header row", fix="export the file with headers")
    delimiter = _sniff_delimiter(path, first)
    header = next(csv.reader(io.StringIO(head), delimiter=delimiter))
    with open(path, "rb") as probe:
        compression = "gzip" if probe.read(2) == GZIP_MAGIC else "none"
    return _layout(path, "csv", [h.strip() for h in header], delimiter, "text", compression)


def parquet_layout(path: str) -> FileLayout:
    """Return how to read a Parquet file: its columns, FOCUS names and the type of its tags."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise BudgetInputError(path, f"is not a readable Parquet file ({exc})",
                               fix="the file is truncated or corrupt: export it again") from None
    tags_type = "none"
    for field_ in schema:
        if column_key(field_.name) != "tags":
            continue
        kind = field_.type
        if pa.types.is_map(kind):
            tags_type = "map"
        elif pa.types.is_struct(kind):
            tags_type = "struct"
        elif (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and _is_entries(kind):
            tags_type = "entries"
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
            tags_type = "text"
        else:
            raise BudgetInputError(path, f"column {field_.name} is of type {kind}, not tags",
                                   fix="Tags must be a JSON text, a map of strings or a list "
                                   "of key/value pairs")
    return _layout(path, "parquet", list(schema.names), ",", tags_type)


def _is_entries(kind: object) -> bool:
    """Return whether a list type holds key/value structs (BigQuery's way of writing labels)."""
    import pyarrow as pa

    value = kind.value_type  # type: ignore[attr-defined]
    return bool(pa.types.is_struct(value) and {f.name for f in value} == {"key", "value"})


def _layout(path: str, fmt: str, columns: list[str], delimiter: str, tags_type: str,
            compression: str = "none") -> FileLayout:
    """Refuse a header that names a column twice; map the FOCUS names."""
    twice = _duplicates(columns)
    if twice:
        raise BudgetInputError(path, "names the column " + ", ".join(twice) + " twice",
                               fix="keep one of each and export the file again")
    renames = focus_renames(path, columns)
    if "Tags" not in {dict(renames).get(c, c) for c in columns}:
        tags_type = "none"
    return FileLayout(path, fmt, tuple(columns), renames, delimiter, tags_type, compression)


def inspect_file(path: str) -> FileLayout:
    """Return how to read one export file, or raise a message saying why it cannot be read."""
    if Path(path).stat().st_size == 0:
        raise BudgetInputError(path, "is empty (0 bytes)", fix="export the data again")
    with open(path, "rb") as probe:
        magic = probe.read(4)
    fmt = export_format(path)
    if fmt == "parquet" or magic == PARQUET_MAGIC:
        return parquet_layout(path)
    return csv_layout(path)
