"""FOCUS conformance: the column table, the bundled and the real sample, and broken copies named."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from budget.errors import BudgetInputError
from budget.focus_conformance import (
    COLUMN_TABLE,
    allowed_values,
    check_focus,
    export_files,
    focus_columns,
)
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "exports" / "billing"
NOVEMBER = SAMPLE / "month=2026-11" / "part-0.parquet"
REAL = ROOT / "tests" / "data" / "focus" / "focus_sample.csv"
SHARED_TABLE = ROOT.parent / "shared" / "reference" / "focus" / COLUMN_TABLE.name
Row = dict[str, object]


def test_the_column_table_is_the_shared_reference_copy():
    if not SHARED_TABLE.exists():
        pytest.skip(f"no {SHARED_TABLE} beside the clone to compare with")
    assert COLUMN_TABLE.read_bytes() == SHARED_TABLE.read_bytes()


@pytest.mark.parametrize(("version", "columns", "mandatory"), [
    ("1.0", 43, 21), ("1.1", 50, 21), ("1.2", 57, 21),  # rows marked Y in each in_v column
])
def test_columns_per_version(version, columns, mandatory):
    table = focus_columns(version)
    assert len(table) == columns
    assert sum(c.feature_level == "Mandatory" for c in table.values()) == mandatory


@pytest.mark.parametrize(("version", "column", "present", "level", "nulls", "data_type"), [
    ("1.0", "BilledCost", True, "Mandatory", False, "Decimal"),
    ("1.0", "ChargeClass", True, "Mandatory", True, "String"),
    ("1.0", "ServiceSubcategory", False, None, None, None),  # introduced in 1.1
    ("1.1", "ServiceSubcategory", True, "Recommended", False, "String"),
    ("1.1", "BillingAccountType", False, None, None, None),  # introduced in 1.2
    ("1.2", "BillingAccountType", True, "Conditional", False, "String"),
    ("1.2", "Tags", True, "Conditional", True, "JSON"),
    ("1.2", "ChargePeriodStart", True, "Mandatory", False, "Date/Time"),
])
def test_column_facts(version, column, present, level, nulls, data_type):
    table = focus_columns(version)
    assert (column in table) is present
    if present:
        spec = table[column]
        assert (spec.feature_level, spec.allows_nulls, spec.data_type) == (level, nulls,
                                                                          data_type)


def test_allowed_values():
    v10, v12 = allowed_values("1.0"), allowed_values("1.2")
    assert set(v12["ChargeCategory"]) == {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
    assert set(v12["ChargeClass"]) == {"Correction"}
    assert set(v12["CommitmentDiscountStatus"]) == {"Used", "Unused"}
    assert set(v12["PricingCategory"]) == {"Standard", "Dynamic", "Committed", "Other"}
    assert len(v12["ServiceCategory"]) == 19
    assert len(v12["ServiceSubcategory"]) == 82  # the rows of the 1.2 table
    assert v12["ServiceSubcategory"]["Object Storage"] == "Storage"
    assert "CapacityReservationStatus" not in v10 and "ServiceSubcategory" not in v10


def test_unknown_version_and_paths_are_refused(tmp_path):
    with pytest.raises(BudgetInputError, match=r'"1\.3" is not a version.*1\.0, 1\.1, 1\.2'):
        check_focus(SAMPLE, "1.3")
    with pytest.raises(BudgetInputError, match="not found"):
        export_files(tmp_path / "nowhere")
    with pytest.raises(BudgetInputError, match=r"no \.parquet, \.csv or \.csv\.gz files"):
        export_files(tmp_path)
    (tmp_path / "a.parquet").write_bytes(NOVEMBER.read_bytes())
    (tmp_path / "b.txt").write_text("x")
    assert export_files(tmp_path) == ([tmp_path / "a.parquet"], "parquet")
    # a file called *.parquet is that file, not a pattern over its neighbours
    (tmp_path / "*.parquet").write_bytes(NOVEMBER.read_bytes())
    assert check_focus(tmp_path / "*.parquet", "1.2") == []
    assert export_files(tmp_path / "*.parquet") == ([tmp_path / "*.parquet"], "parquet")


def test_the_bundled_sample_is_focus_1_2():
    assert check_focus(SAMPLE, "1.2") == []


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_real_sample_breaks_four_focus_1_0_rules():
    # counted here from the CSV itself: its 7 Oracle rows leave ContractedCost and (on 5 Usage
    # rows) PricingCategory empty and spell Usage-based; "Id" is a column without the x_ prefix
    rows = _csv_rows(REAL)
    empty = {"", "NULL"}
    contracted = sum(r["ContractedCost"] in empty for r in rows)
    unpriced = sum(r["ChargeCategory"] in ("Usage", "Purchase") and r["PricingCategory"] in empty
                   for r in rows)
    misspelt = sum(r["ChargeFrequency"] == "Usage-based" for r in rows)
    assert (contracted, unpriced, misspelt) == (7, 5, 7)
    problems = check_focus(REAL, "1.0")
    assert [(p.column, p.rows) for p in problems] == [
        ("Id", 1), ("ContractedCost", contracted), ("PricingCategory", unpriced),
        ("ChargeFrequency", misspelt)]
    assert [str(p) for p in problems] == [
        "Id: not a FOCUS 1.0 column, in focus_sample.csv; custom columns must start with x_ "
        "(x_Id), or check the FOCUS version.".replace("focus_sample.csv", str(REAL)),
        "ContractedCost: 7 of 1,000 rows are null; FOCUS 1.0 does not allow nulls in "
        "ContractedCost: fill in the value.",
        "PricingCategory: 5 of 1,000 rows are Usage or Purchase charges (not corrections) with "
        "no PricingCategory; set Standard, Dynamic, Committed or Other.",
        "ChargeFrequency: 7 rows hold values FOCUS 1.0 does not allow: 'Usage-based' (7 rows, "
        "FOCUS spells it 'Usage-Based'). Values are case-sensitive; allowed: One-Time, "
        "Recurring, Usage-Based.",
    ]


def test_focus_1_2_adds_the_one_category_per_service_rule_to_the_real_sample():
    # Amazon EC2 bills instances under Compute and EBS volumes under Storage: 422 + 132 rows
    extra = [p for p in check_focus(REAL, "1.2") if p.column == "ServiceCategory"]
    assert [(p.rows, "'Amazon Elastic Compute Cloud'" in str(p), "(Compute, Storage)" in str(p))
            for p in extra] == [(554, True, True)]


# --- broken copies of one month of the bundled sample, one fault each -------------------------
# 2026-11 has 654 rows: 27 days × 24 (15 endpoint × environment rows, the commitment's Unused
# row, 2 experiments, 5 platform services, the untagged NAT), 4 retraining days of the reranker
# (t % 15 < 2 for t = 375, 376, 390, 391), and on the 1st the purchase and the credit.

def _rows() -> tuple[list[Row], pa.Schema]:
    table = pq.read_table(NOVEMBER)
    return table.to_pylist(), table.schema


def _first(rows: list[Row], **match: object) -> list[int]:
    return [i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())]


def drop_column(rows: list[Row], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema).drop_columns(["BillingAccountName"])


def null_billed_cost(rows: list[Row], schema: pa.Schema) -> pa.Table:
    for i in _first(rows, ServiceName="Amazon VPC")[:3]:
        rows[i]["BilledCost"] = None
    return pa.Table.from_pylist(rows, schema=schema)


def unknown_charge_category(rows: list[Row], schema: pa.Schema) -> pa.Table:
    for i in _first(rows, ServiceName="Amazon Simple Storage Service")[:2]:
        rows[i]["ChargeCategory"] = "Refund"
    return pa.Table.from_pylist(rows, schema=schema)


def lower_case_frequency(rows: list[Row], schema: pa.Schema) -> pa.Table:
    for i in _first(rows, ServiceName="Amazon CloudWatch")[:4]:
        rows[i]["ChargeFrequency"] = "Usage-based"
    return pa.Table.from_pylist(rows, schema=schema)


def empty_resource_name(rows: list[Row], schema: pa.Schema) -> pa.Table:
    rows[0]["ResourceName"] = ""
    return pa.Table.from_pylist(rows, schema=schema)


def tags_not_an_object(rows: list[Row], schema: pa.Schema) -> pa.Table:
    rows[0]["Tags"] = "team=search"
    return pa.Table.from_pylist(rows, schema=schema)


def idle_cost_off(rows: list[Row], schema: pa.Schema) -> pa.Table:
    i = _first(rows, CommitmentDiscountStatus="Unused")[0]
    rows[i]["EffectiveCost"] = float(rows[i]["EffectiveCost"]) + 10.0  # type: ignore[arg-type]
    return pa.Table.from_pylist(rows, schema=schema)


def billed_cost_as_text(rows: list[Row], schema: pa.Schema) -> pa.Table:
    for r in rows:
        r["BilledCost"] = str(r["BilledCost"])
    at = schema.get_field_index("BilledCost")
    return pa.Table.from_pylist(rows, schema=schema.set(at, pa.field("BilledCost", pa.string())))


def charge_class_untyped(rows: list[Row], schema: pa.Schema) -> pa.Table:
    at = schema.get_field_index("ChargeClass")
    return pa.Table.from_pylist(rows, schema=schema.set(at, pa.field("ChargeClass", pa.null())))


def custom_column_unprefixed(rows: list[Row], schema: pa.Schema) -> pa.Table:
    table = pa.Table.from_pylist(rows, schema=schema)
    return table.append_column("GpuType", table["x_GpuType"])


def subcategory_of_another_category(rows: list[Row], schema: pa.Schema) -> pa.Table:
    rows[0]["ServiceSubcategory"] = "Object Storage"  # rows[0] is Amazon Bedrock usage
    return pa.Table.from_pylist(rows, schema=schema)


BREAKAGES: list[tuple[Callable[[list[Row], pa.Schema], pa.Table], str, int, str]] = [
    (drop_column, "BillingAccountName", 1, "Mandatory in FOCUS 1.2 but missing from "
     "part-0.parquet"),
    (null_billed_cost, "BilledCost", 3, "3 of 654 rows are null; FOCUS 1.2 does not allow "
     "nulls in BilledCost"),
    (unknown_charge_category, "ChargeCategory", 2, "2 rows hold values FOCUS 1.2 does not "
     "allow: 'Refund' (2 rows)"),
    (lower_case_frequency, "ChargeFrequency", 4, "'Usage-based' (4 rows, FOCUS spells it "
     "'Usage-Based')"),
    (empty_resource_name, "ResourceName", 1, "1 of 654 rows hold an empty string; FOCUS writes "
     "null where there is no value"),
    (tags_not_an_object, "Tags", 1, "1 of 654 rows are not a flat JSON object of keys and "
     "values, e.g. 'team=search' (is not JSON)"),
    (idle_cost_off, "EffectiveCost", 1, "commitment 'aws:h100-commitment' does not reconcile "
     "in 1 of 1 billing periods: in the one starting 2026-11-01 its Used and Unused rows "
     "amortise 38,112.40 but its Recurring purchases bill 38,102.40 (+10.00)"),
    (billed_cost_as_text, "BilledCost", 1, "is of type string in part-0.parquet; FOCUS 1.2 "
     "wants a decimal number"),
    (charge_class_untyped, "ChargeClass", 1, "has no type at all (Arrow's null type"),
    (custom_column_unprefixed, "GpuType", 1, "not a FOCUS 1.2 column, in part-0.parquet; "
     "custom columns must start with x_ (x_GpuType)"),
    (subcategory_of_another_category, "ServiceSubcategory", 1, "1 rows pair 'Object Storage' "
     "with ServiceCategory 'AI and Machine Learning'; 'Object Storage' belongs to 'Storage'"),
]


@pytest.mark.parametrize(("breakage", "column", "rows", "says"), BREAKAGES,
                         ids=[b[0].__name__ for b in BREAKAGES])
def test_a_broken_copy_gets_its_problem_named(tmp_path, breakage, column, rows, says):
    pq.write_table(breakage(*_rows()), tmp_path / "part-0.parquet")
    problems = check_focus(tmp_path, "1.2")
    assert [(p.column, p.rows) for p in problems] == [(column, rows)]
    assert str(problems[0]).startswith(f"{column}: ")
    assert says in str(problems[0])


def test_a_status_without_its_commitment_breaks_every_rule_that_reads_the_id(tmp_path):
    rows, schema = _rows()
    used = _first(rows, CommitmentDiscountStatus="Used")[0]
    rows[used]["CommitmentDiscountId"] = None  # the old sample's fault, on one row
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp_path / "part-0.parquet")
    problems = check_focus(tmp_path, "1.2")
    assert [(p.column, p.rows) for p in problems] == [
        ("CommitmentDiscountStatus", 1), ("CommitmentDiscountCategory", 1),
        ("CommitmentDiscountType", 1), ("CommitmentDiscountName", 1), ("PricingCategory", 1),
        ("EffectiveCost", 1)]  # and its amortised cost no longer counts for the commitment


def test_a_missing_column_in_one_file_is_named_once(tmp_path):
    # BillingCurrency allows no nulls: the file without it is named, not its rows as nulls
    shutil.copytree(SAMPLE / "month=2026-10", tmp_path / "month=2026-10")
    table = pq.read_table(NOVEMBER).drop_columns(["BillingCurrency"])
    folder = tmp_path / "month=2026-11"
    folder.mkdir()
    pq.write_table(table, folder / "part-0.parquet")
    problems = check_focus(tmp_path, "1.2")
    assert [str(p) for p in problems] == [
        "BillingCurrency: Mandatory in FOCUS 1.2 but missing from 1 of 2 files (e.g. "
        "month=2026-11/part-0.parquet); add the column (null where a row has no value, if the "
        "column allows it)."]


def test_csv_values_that_are_not_of_their_type(tmp_path):
    rows = _csv_rows(REAL)
    rows[0]["BilledCost"] = "$1.50"
    rows[1]["ChargePeriodStart"] = "2024-09-31 00:00:00"  # there is no 31 September
    rows[2]["BillingPeriodEnd"] = "2024-10-01T00:00:00+02:00"
    rows[3]["Tags"] = '{"team": {"name": "search"}}'
    broken = tmp_path / "broken.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    known = {str(p).replace(str(REAL), str(broken)) for p in check_focus(REAL, "1.0")}
    new = [str(p) for p in check_focus(broken, "1.0") if str(p) not in known]
    assert new == [
        "BilledCost: 1 of 1,000 rows are not a number, e.g. '$1.50'; write plain decimals (no "
        "currency signs, commas or units).",
        "BillingPeriodEnd: 1 of 1,000 rows are not in UTC, e.g. '2024-10-01T00:00:00+02:00'; "
        "convert them to UTC (ending in Z).",
        "ChargePeriodStart: 1 of 1,000 rows are not an ISO 8601 date and time, e.g. "
        "'2024-09-31 00:00:00'; write YYYY-MM-DDTHH:mm:ssZ.",
        "Tags: 1 of 1,000 rows are not a flat JSON object of keys and values, e.g. "
        "'{\"team\": {\"name\": \"search\"}}' (nests an object or array under 'team'); write "
        "each as an object such as {\"team\": \"search\"}.",
    ]
