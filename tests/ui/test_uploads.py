"""Upload folders: same names all kept, nothing planted read, deleted at session end or TTL."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from budget.errors import BudgetInputError
from budget.exports import billing_rollup, open_exports
from tests.conftest import ROOT
from ui.cache import load_rollups
from ui.uploads import (
    GRACE_S,
    Uploads,
    layout,
    ordinal,
    public_message,
    safe_name,
    saved_files,
    shown_name,
)

BILLING = ROOT / "data" / "exports" / "billing"
NOV, DEC, JAN, MAY = (BILLING / f"month={m}" / "part-0.parquet"
                      for m in ("2025-11", "2025-12", "2026-01", "2026-05"))
FOCUS_CSV = ROOT / "tests" / "data" / "focus" / "focus_sample.csv"
TTL_S = 600.0


@pytest.fixture
def store():  # type: ignore[no-untyped-def]
    """An upload store of its own, closed (everything deleted) after the test."""
    made = Uploads(ttl_s=TTL_S)
    yield made
    made.close()


def months(billing: pd.DataFrame) -> list[str]:
    """Return the months that have rows in a billing rollup."""
    return sorted({f"{day:%Y-%m}" for day in billing["day"]})


def rows(file: Path) -> int:
    """Return the number of rows in a Parquet file."""
    import pyarrow.parquet as pq

    return int(pq.read_metadata(file).num_rows)


def effective_usd(files: list[Path]) -> float:
    """Return the effective cost of export files read directly (no upload in between)."""
    return float(billing_rollup(open_exports([str(f) for f in files]))["effective_cost"].sum())


def test_three_files_named_part_0_are_all_saved_and_read(store):
    folder = store.save("s1", [("part-0.parquet", m.read_bytes()) for m in (NOV, DEC, JAN)])
    assert saved_files(folder) == ["part-0.parquet", "2/part-0.parquet", "3/part-0.parquet"]
    assert (folder / "billing" / "2" / "part-0.parquet").read_bytes() == DEC.read_bytes()
    billing, _ = load_rollups(folder)
    assert months(billing) == ["2025-11", "2025-12", "2026-01"]
    assert billing["effective_cost"].sum() == pytest.approx(effective_usd([NOV, DEC, JAN]))


def test_two_identical_files_are_both_saved(store):
    folder = store.save("s1", [("part-0.parquet", NOV.read_bytes())] * 2)
    saved = [folder / "billing" / p for p in saved_files(folder)]
    assert len(saved) == 2  # dropping the copy is the reader's job
    assert saved[0].read_bytes() == saved[1].read_bytes() == NOV.read_bytes()


def test_a_name_is_a_name_never_a_pattern(store):
    pairs = [("*.parquet", NOV.read_bytes()), ("bill[1].parquet", DEC.read_bytes()),
             ("bill1.parquet", JAN.read_bytes()), ("?.parquet", MAY.read_bytes())]
    folder = store.save("s1", pairs)
    billing = folder / "billing"
    assert sorted(os.listdir(billing)) == sorted(name for name, _ in pairs)
    for name, data in pairs:
        assert (billing / name).read_bytes() == data
    billing_rows, _ = load_rollups(folder)  # each file read once, as itself
    assert billing_rows.groupby(billing_rows["day"].dt.strftime("%Y-%m"))["rows"].sum().to_dict(
        ) == {m: rows(f) for m, f in (("2025-11", NOV), ("2025-12", DEC), ("2026-01", JAN),
                                       ("2026-05", MAY))}


def test_gzip_csv_is_saved_under_its_name_and_read(store):
    folder = store.save("s1", [("focus-00001.csv.gz", gzip.compress(FOCUS_CSV.read_bytes()))])
    assert saved_files(folder) == ["focus-00001.csv.gz"]
    billing, _ = load_rollups(folder)
    assert months(billing) == ["2024-09"]
    assert billing["effective_cost"].sum() == pytest.approx(effective_usd([FOCUS_CSV]))


def test_identical_content_never_reuses_a_folder(store):
    first = store.save("s1", [("part-0.parquet", NOV.read_bytes())])
    second = store.save("s2", [("part-0.parquet", NOV.read_bytes())])
    again = store.save("s1", [("part-0.parquet", NOV.read_bytes())])
    assert len({first, second, again}) == 3
    assert not first.exists() and second.is_dir() and again.is_dir()


def test_a_planted_folder_where_an_upload_would_go_is_never_read(store, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # the old scheme's predictable place for this very content
    old = tmp_path / "ai-budget-uploads" / hashlib.sha256(NOV.read_bytes()).hexdigest()[:16]
    (old / "billing").mkdir(parents=True)
    shutil.copy(MAY, old / "billing" / "planted.parquet")
    # and the name the next batch folder would get, inside our parent
    planted = store.parent / "batch-planted"
    (planted / "billing").mkdir(parents=True)
    shutil.copy(MAY, planted / "billing" / "planted.parquet")
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: iter(["planted", "fresh"]))
    folder = store.save("s1", [("part-0.parquet", NOV.read_bytes())])
    assert folder.name == "batch-fresh"
    assert saved_files(folder) == ["part-0.parquet"]
    billing, _ = load_rollups(folder)
    assert months(billing) == ["2025-11"]  # not May's planted rows


def test_another_sessions_files_are_never_read(store):
    store.save("s1", [("part-0.parquet", NOV.read_bytes())])
    mine = store.save("s2", [("part-0.parquet", DEC.read_bytes())])
    other = store.current("s1")
    assert other is not None
    shutil.copy(MAY, other / "billing" / "added.parquet")  # a file added to the other session
    billing, _ = load_rollups(mine)
    assert months(billing) == ["2025-12"]


def test_folders_are_private(store):
    folder = store.save("s1", [("part-0.parquet", NOV.read_bytes())] * 2)
    for path in (store.parent, folder, folder / "billing", folder / "billing" / "2"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
        assert path.stat().st_uid == os.getuid()
    assert stat.S_IMODE((folder / "billing" / "part-0.parquet").stat().st_mode) == 0o600
    assert store.parent.name.startswith("ai-budget-uploads-") and folder.parent == store.parent


def test_a_session_that_ended_loses_its_folder_after_the_grace_time(store):
    folder = store.save("gone", [("a.parquet", NOV.read_bytes())], now_s=0.0)
    kept = store.save("here", [("a.parquet", NOV.read_bytes())], now_s=0.0)
    alive = {"here"}.__contains__
    assert store.sweep(alive, now_s=GRACE_S - 1) == []  # a reload may still resume it
    assert store.sweep(alive, now_s=GRACE_S + 1) == [folder]
    assert not folder.exists() and kept.is_dir()
    assert store.current("gone", now_s=GRACE_S + 2) is None


def test_a_folder_unused_for_the_ttl_is_deleted(store):
    folder = store.save("s1", [("a.parquet", NOV.read_bytes())], now_s=0.0)
    assert store.current("s1", now_s=TTL_S - 1) == folder  # use restarts the clock
    assert store.sweep(lambda s: True, now_s=2 * TTL_S - 2) == []
    assert store.sweep(lambda s: True, now_s=2 * TTL_S) == [folder]
    assert not folder.exists()


def test_an_expired_folder_is_not_handed_out(store):
    folder = store.save("s1", [("a.parquet", NOV.read_bytes())], now_s=0.0)
    assert store.current("s1", now_s=TTL_S + 1) is None
    assert not folder.exists()


def test_the_background_sweeper_deletes_without_a_page_run():
    quick = Uploads(ttl_s=0.05)
    try:
        folder = quick.save("s1", [("a.parquet", NOV.read_bytes())])
        quick.sweep_every(0.02, lambda s: True)
        deadline = time.monotonic() + 10
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not folder.exists()
    finally:
        quick.close()


def test_a_new_batch_or_back_to_the_sample_deletes_the_previous_folder(store):
    first = store.save("s1", [("a.parquet", NOV.read_bytes())], key=("f1",))
    other = store.save("s2", [("a.parquet", NOV.read_bytes())])
    assert store.current("s1", ("f1",)) == first and store.current("s1", ("f2",)) is None
    second = store.save("s1", [("b.parquet", DEC.read_bytes())], key=("f2",))
    assert not first.exists() and second.is_dir() and other.is_dir()
    store.discard("s1")  # "Back to the sample"
    assert not second.exists() and store.current("s1") is None and other.is_dir()


def test_close_deletes_everything_and_the_parent(store):
    folder = store.save("s1", [("a.parquet", NOV.read_bytes())])
    parent = store.parent
    store.close()
    assert not folder.exists() and not parent.exists()


def test_only_folders_we_made_are_deleted(store, tmp_path):
    outside = tmp_path / "someone-else"
    (outside / "billing").mkdir(parents=True)
    folder = store.save("s1", [("a.parquet", NOV.read_bytes())])
    link = folder / "billing" / "link"
    link.symlink_to(outside, target_is_directory=True)  # rmtree must not follow it
    stranger = store.parent / "not-a-batch"
    stranger.mkdir()
    store.discard("s1")
    store._remove(outside)  # not in our parent: refused
    assert not folder.exists() and (outside / "billing").is_dir() and stranger.is_dir()


@pytest.mark.parametrize(("name", "expected"), [
    ("part-0.parquet", "part-0.parquet"),
    ("../../etc/passwd", "passwd"),
    ("a/b/c.csv", "c.csv"),
    ("C:\\exports\\bill.csv", "bill.csv"),
    ("..", "upload.."),
    (".", "upload."),
    ("", "upload"),
    ("   ", "upload"),
    ("x/", "upload"),
    (".hidden.csv", "upload.hidden.csv"),
    ("a\x00b.csv", "a_b.csv"),
    ("line\nbreak.csv", "line_break.csv"),
    ("2", "upload-2"),  # would clash with the folder of second copies
    ("*.csv", "*.csv"),
    ("bill[1].csv", "bill[1].csv"),
    ("bad\udcff.csv", "bad?.csv"),
])
def test_safe_name(name, expected):
    assert safe_name(name) == expected


def test_a_long_name_keeps_its_extension():
    name = safe_name("é" * 300 + ".csv.gz")
    assert len(name.encode()) <= 200 and name.endswith("éé.csv.gz")


def test_hostile_names_stay_inside_the_batch_folder(store):
    names = ["../../escape.csv", "/etc/cron.d/x.csv", "..", ".", "", "a\x00.csv", "2",
             "C:\\x\\..\\y.csv", ".hidden.parquet"]
    folder = store.save("s1", [(n, b"x") for n in names])
    billing = (folder / "billing").resolve()
    found = [p for p in billing.rglob("*") if p.is_file()]
    assert len(found) == len(names)
    assert all(p.resolve().is_relative_to(billing) and not p.name.startswith(".") for p in found)
    assert sorted(os.listdir(store.parent)) == [folder.name]


def test_layout_numbers_repeated_names():
    assert layout(["a.csv", "b.csv", "a.csv", "A.CSV", "a.csv"]) == [
        "a.csv", "b.csv", "2/a.csv", "3/A.CSV", "4/a.csv"]


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
                                         (11, "11th"), (12, "12th"), (13, "13th"),
                                         (21, "21st"), (22, "22nd"), (101, "101st")])
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_shown_name():
    assert shown_name("part-0.parquet") == "part-0.parquet"
    assert shown_name("2/part-0.parquet") == "part-0.parquet (2nd of that name)"


def test_public_message_names_uploaded_files(store):
    folder = store.save("s1", [("part-0.parquet", b"1"), ("part-0.parquet", b"2")])
    billing = folder / "billing"
    text = (f"{billing}/2/part-0.parquet: is empty. {billing}/part-0.parquet has the same "
            f"bytes as {billing}/2/part-0.parquet; read from {billing}/2, left out in {billing}; "
            f"{store.parent}/batch-other/x.csv")
    assert public_message(text, folder) == (
        "uploaded file part-0.parquet (2nd of that name): is empty. uploaded file part-0.parquet "
        "has the same bytes as uploaded file part-0.parquet (2nd of that name); read from your "
        "upload (2nd of a name), left out in your upload; your upload")


def test_a_reader_error_names_the_upload_not_the_temp_path(store):
    bad = ROOT / "tests" / "data" / "bad" / "billing-truncated.parquet"
    folder = store.save("s1", [("part-0.parquet", NOV.read_bytes()),
                               ("part-0.parquet", bad.read_bytes())])
    with pytest.raises(BudgetInputError) as caught:
        load_rollups(folder)
    message = public_message(str(caught.value), folder)
    assert "uploaded file part-0.parquet (2nd of that name)" in message
    assert str(store.parent) not in message and tempfile.gettempdir() not in message
