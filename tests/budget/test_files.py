"""The one reader of the user's TOML files and the atomic writer: every way a path can be wrong."""

from __future__ import annotations

import os

import pytest

from budget import files
from budget.errors import BudgetInputError
from budget.files import (
    MAX_FILE_BYTES,
    check_target,
    decode_toml,
    file_stamp,
    load_toml,
    read_bounded,
    write_atomically,
)

posix = pytest.mark.skipif(os.name != "posix", reason="needs POSIX files")


def test_reads_a_regular_file_and_a_link_to_one(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"a = 1\n")
    assert read_bounded(path) == b"a = 1\n"
    if os.name == "posix":
        (tmp_path / "link.toml").symlink_to(path)
        assert load_toml(tmp_path / "link.toml") == {"a": 1}


@posix
@pytest.mark.parametrize(("make", "words"), [
    (os.mkfifo, "is a named pipe (FIFO), not a regular file"),
    (lambda p: p.symlink_to("/dev/zero"), "is a device, not a regular file"),
    (lambda p: p.mkdir(), "is a folder, not a regular file"),
    (lambda p: p.symlink_to(p.with_name("gone.toml")),
     "is a symbolic link to a file that does not exist"),
    (lambda p: p.symlink_to(p.name), "cannot be read (Too many levels of symbolic links)"),
])
def test_refuses_what_is_not_a_regular_file(tmp_path, make, words):
    path = tmp_path / "x.toml"
    make(path)
    with pytest.raises(BudgetInputError) as caught:
        read_bounded(path, "x.toml")  # a FIFO would block here if it were opened blocking
    assert str(caught.value).startswith(f"x.toml: {words}")


def test_refuses_a_missing_file_with_the_callers_fix(tmp_path):
    with pytest.raises(BudgetInputError, match=r"nope.toml: file not found. Fix: see x\.$"):
        read_bounded(tmp_path / "nope.toml", "nope.toml", missing_fix="see x")


def test_size_limit_is_5_mb(tmp_path):
    path = tmp_path / "big.toml"
    path.write_bytes(b"#" * MAX_FILE_BYTES)
    assert len(read_bounded(path)) == MAX_FILE_BYTES  # exactly the limit is fine
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(BudgetInputError, match=r"is 5\.0 MB; TOML files are limited to 5 MB"):
        read_bounded(path)


def test_a_file_that_grows_while_read_is_cut_off(tmp_path, monkeypatch):
    path = tmp_path / "grows.toml"
    path.write_bytes(b"a = 1\n")
    real = os.read
    monkeypatch.setattr(files.os, "read", lambda fd, n: b"#" * n if n > 1 else real(fd, n))
    with pytest.raises(BudgetInputError, match="TOML files are limited to 5 MB"):
        read_bounded(path)


@pytest.mark.parametrize(("raw", "expected"), [
    (b"\xef\xbb\xbfa = 1\n", {"a": 1}),  # a UTF-8 byte-order mark is accepted
    (b"a = 1\n", {"a": 1}),
    (b'a = "caf\xc3\xa9"\n', {"a": "café"}),
])
def test_decodes_utf8_with_or_without_a_bom(raw, expected):
    assert decode_toml(raw, "f") == expected


@pytest.mark.parametrize(("raw", "words"), [
    ("a = 1\n".encode("utf-16"), "f: is UTF-16 text, not UTF-8. Fix: save the file as UTF-8."),
    (b'a = 1\nb = "caf\xe9"\n', "f: is not UTF-8 text (bad byte at line 2, offset 14)"),
    (b'\xef\xbb\xbfa = 1\nb = "caf\xe9"\n', "bad byte at line 2, offset 17"),  # BOM counted
    (b"a = [1,\n", "f: is not valid TOML"),
    (b"a = " + b"9" * 5000, "f: holds a whole number of more than 4,300 digits"),
    (b"a = " + b"[" * 5000 + b"]" * 5000, "f: nests arrays or tables too deeply to read"),
    (b"a = " + b"{b = " * 3000 + b"1" + b"}" * 3000, "nests arrays or tables too deeply"),
])
def test_decode_refusals(raw, words):
    with pytest.raises(BudgetInputError) as caught:
        decode_toml(raw, "f")
    assert words in str(caught.value)


def test_file_stamp(tmp_path):
    path = tmp_path / "a.toml"
    path.write_bytes(b"abc")
    assert file_stamp(path) == (path.stat().st_mtime_ns, 3)
    with pytest.raises(BudgetInputError, match="file not found"):
        file_stamp(tmp_path / "gone.toml")


def test_write_atomically_replaces_and_leaves_nothing_else(tmp_path):
    out = tmp_path / "deep" / "er" / "summary.pdf"
    write_atomically(out, b"%PDF-1")
    write_atomically(out, "second")
    assert out.read_text() == "second"
    assert [p.name for p in out.parent.iterdir()] == ["summary.pdf"]


@pytest.mark.parametrize(("target", "words"), [
    (lambda t: t, "is a folder, not a file to write. Fix: give --out the name of a file, e.g."),
    (lambda t: t / "file.txt" / "out.pdf", "cannot be written (Not a directory)"),
])
def test_write_atomically_refuses(tmp_path, target, words):
    (tmp_path / "file.txt").write_text("x")
    path = target(tmp_path)
    with pytest.raises(BudgetInputError) as caught:
        write_atomically(path, b"data")
    assert str(caught.value).startswith(f"{path}: {words}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


@posix
def test_check_target_refuses_a_device():
    with pytest.raises(BudgetInputError, match="/dev/null: is a device, not a file to write"):
        check_target("/dev/null", "--out")


def test_a_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(BudgetInputError, match=r"out.toml: cannot be written \(No space left"):
        write_atomically(tmp_path / "out.toml", "a = 1\n", "--out")
    assert list(tmp_path.iterdir()) == []


def test_a_path_with_a_nul_character_is_refused(tmp_path):
    bad = tmp_path / "a\x00b.toml"
    for call in (read_bounded, file_stamp, lambda p: write_atomically(p, b"x")):
        with pytest.raises(BudgetInputError, match=r"is not a usable path \(it holds a NUL"):
            call(bad)
