"""One export file before it is read: format by bytes, header, delimiter, FOCUS names, tags."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from budget.errors import BudgetInputError
from budget.export_columns import column_key, focus_renames, inspect_file


def test_column_key_folds_case_and_underscores():
    assert column_key("billed_cost") == column_key("BilledCost") == column_key("BILLEDCOST")
    assert column_key("x_GpuType") == "xgputype"


def test_focus_renames_map_only_what_differs_and_refuse_two_claims():
    assert focus_renames("f", ["billed_cost", "EffectiveCost", "x_Note", "tags"]) == (
        ("billed_cost", "BilledCost"), ("tags", "Tags"))
    with pytest.raises(BudgetInputError, match="columns billed_cost and BILLEDCOST both stand"):
        focus_renames("f", ["billed_cost", "BILLEDCOST"])


def test_gzip_is_found_from_the_bytes_whatever_the_name(tmp_path):
    path = tmp_path / "export.csv"  # gzip bytes behind a plain .csv name
    with gzip.open(path, "wt") as handle:
        handle.write("BilledCost;Tags\n1;{}\n")
    layout = inspect_file(str(path))
    assert (layout.format, layout.compression, layout.delimiter) == ("csv", "gzip", ";")
    assert layout.columns == ("BilledCost", "Tags")


def test_bom_and_crlf_header(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfbilled_cost,ProviderName\r\n1,AWS\r\n")
    layout = inspect_file(str(path))
    assert layout.columns == ("billed_cost", "ProviderName")
    assert layout.canonical == ("BilledCost", "ProviderName")


def test_a_cut_gzip_file_is_named(tmp_path):
    whole = gzip.compress(b"BilledCost,Tags\n" + b"1,{}\n" * 10_000)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(BudgetInputError, match="is not a complete gzip file"):
        inspect_file(str(path))


@pytest.mark.parametrize(("array", "kind"), [
    (pa.array([[("team", "a")]], pa.map_(pa.string(), pa.string())), "map"),
    (pa.array([{"team": "a"}]), "struct"),
    (pa.array([[{"key": "team", "value": "a"}]]), "entries"),
    (pa.array(['{"team": "a"}']), "text"),
])
def test_parquet_tags_type(tmp_path, array, kind):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"BilledCost": [1.0], "tags": array}), path)
    layout = inspect_file(str(path))
    assert layout.tags_type == kind and layout.renames == (("tags", "Tags"),)


def test_tags_of_another_type_are_refused(tmp_path):
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"BilledCost": [1.0], "Tags": [3]}), path)
    with pytest.raises(BudgetInputError, match="column Tags is of type int64, not tags"):
        inspect_file(str(path))


def test_one_column_header_is_refused(tmp_path):
    path = Path(tmp_path / "one.csv")
    path.write_text("BilledCost\n1\n")
    with pytest.raises(BudgetInputError, match="header row with one column only"):
        inspect_file(str(path))
