"""Which files are read: exact names, folder keys, copies once, repeated periods once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budget.deliveries import (
    ExportFile,
    PeriodKey,
    PeriodRows,
    drop_copies,
    find_files,
    hive_keys,
    repeated_periods,
)
from budget.errors import BudgetInputError


def touch(path: Path, text: str = "x", mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_hive_keys_are_folder_names_with_an_equals_sign():
    assert hive_keys("/x/BILLING_PERIOD=2024-09/sub/month=09/f.csv") == (
        ("BILLING_PERIOD", "2024-09"), ("month", "09"))
    assert hive_keys("/x/plain/f.csv") == ()


def test_a_folder_is_walked_in_name_order_without_hidden_or_foreign_files(tmp_path):
    for name in ("b/2.csv", "a/1.csv.gz", "a/.hidden.csv", ".git/x.csv", "a/Manifest.json",
                 "c/part-0.parquet"):
        touch(tmp_path / name)
    found = [Path(f.path).relative_to(tmp_path).as_posix() for f in find_files([str(tmp_path)])]
    assert found == ["a/1.csv.gz", "b/2.csv", "c/part-0.parquet"]


def test_names_are_literal_and_patterns_only_when_nothing_is_named(tmp_path):
    for name in ("*.csv", "a.csv", "bill[1].csv", "bill1.csv"):
        touch(tmp_path / name)
    assert [f.path for f in find_files([str(tmp_path / "*.csv")])] == [str(tmp_path / "*.csv")]
    assert [f.path for f in find_files([str(tmp_path / "bill[1].csv")])] == [
        str(tmp_path / "bill[1].csv")]
    assert [Path(f.path).name for f in find_files([str(tmp_path / "bill?.csv")])] == ["bill1.csv"]
    with pytest.raises(BudgetInputError, match="no file matches this pattern"):
        find_files([str(tmp_path / "nothing-*.csv")])


def test_the_same_file_named_twice_is_read_once(tmp_path):
    touch(tmp_path / "a.csv")
    files = find_files([str(tmp_path / "a.csv"), str(tmp_path), str(tmp_path / "." / "a.csv")])
    assert [f.path for f in files] == [str(tmp_path / "a.csv")]


def test_copies_are_dropped_by_content_not_name(tmp_path):
    a = touch(tmp_path / "one" / "part-0.csv", "same")
    b = touch(tmp_path / "two" / "part-0.csv", "same")
    c = touch(tmp_path / "two" / "other.csv", "diff")  # same size, other bytes
    files = [ExportFile(str(p), str(p.parent)) for p in (a, b, c)]
    kept, notes = drop_copies(files)
    assert [f.path for f in kept] == [str(a), str(c)]
    assert notes == [f"{b} has the same bytes as {a}: read once, from {a}"]


def period_rows(files: list[ExportFile], key: PeriodKey, rows: int) -> list[PeriodRows]:
    return [PeriodRows(f.path, key, rows) for f in files]


def test_a_repeated_period_is_read_from_the_delivery_written_last(tmp_path):
    sep, oct_ = PeriodKey("AWS", "123", "2024-09-01"), PeriodKey("AWS", "123", "2024-10-01")
    old = [ExportFile(str(touch(tmp_path / "old" / n, mtime=1_000)), str(tmp_path / "old"))
           for n in ("a.csv", "b.csv")]
    new = ExportFile(str(touch(tmp_path / "new" / "a.csv", mtime=2_000)), str(tmp_path / "new"))
    rows = [*period_rows(old, sep, 10), PeriodRows(old[1].path, oct_, 5),
            PeriodRows(new.path, sep, 30)]
    dropped, notes = repeated_periods([*old, new], rows)
    # September comes from the newer delivery; October only the old one has, so it stays
    assert dropped == {(old[0].path, sep), (old[1].path, sep)}
    assert notes == [f"{tmp_path / 'old'} repeats what {tmp_path / 'new'} delivers (AWS billing "
                     f"account 123, billing period from 2024-09-01): read from "
                     f"{tmp_path / 'new'} (written last); 20 rows of {tmp_path / 'old'} left out"]


def test_parts_of_one_delivery_are_all_read(tmp_path):
    key = PeriodKey("AWS", "", "2024-09-01")
    parts = [ExportFile(str(touch(tmp_path / "d" / f"export-0000{i}.csv.gz")), str(tmp_path / "d"))
             for i in (1, 2)]
    assert repeated_periods(parts, period_rows(parts, key, 500)) == (set(), [])


def test_on_a_tie_the_later_folder_by_name_is_read(tmp_path):
    key = PeriodKey("Microsoft", "", "2024-09-01")
    a = ExportFile(str(touch(tmp_path / "a" / "x.csv", mtime=5)), str(tmp_path / "a"))
    b = ExportFile(str(touch(tmp_path / "b" / "x.csv", mtime=5)), str(tmp_path / "b"))
    dropped, _ = repeated_periods([a, b], [PeriodRows(a.path, key, 1), PeriodRows(b.path, key, 1)])
    assert dropped == {(a.path, key)}
