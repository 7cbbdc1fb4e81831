"""Scenario saving never overwrites, leaves no temporary files and keeps the folder's modes."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from budget.storage import file_mode, safe_stem, save_new, save_once


def test_save_new_never_overwrites(tmp_path):
    first = save_new(tmp_path, "FY27 plan", "a = 1\n")
    second = save_new(tmp_path, "FY27 plan", "a = 2\n")
    assert (first.name, second.name) == ("fy27-plan.toml", "fy27-plan-2.toml")
    assert first.read_text() == "a = 1\n" and second.read_text() == "a = 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fy27-plan-2.toml", "fy27-plan.toml"]


def test_concurrent_saves_keep_every_file(tmp_path):
    with ThreadPoolExecutor(max_workers=8) as pool:
        paths = list(pool.map(lambda i: save_new(tmp_path, "same", f"v = {i}\n"), range(16)))
    assert len(set(paths)) == 16
    assert sorted(p.read_text() for p in paths) == sorted(f"v = {i}\n" for i in range(16))


def test_safe_stem_strips_paths():
    assert safe_stem("../../etc/passwd") == "etc-passwd"
    assert safe_stem("<script>") == "script"
    assert safe_stem("///") == "scenario"


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_saved_file_is_0644_under_umask_022_in_a_folder_without_scenarios(tmp_path, umask_022):
    path = save_new(tmp_path, "plan", "a = 1\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # 0o666 & ~0o022, not mkstemp's 0o600
    assert file_mode(tmp_path / "empty") == 0o644


def test_a_saved_file_takes_the_mode_of_the_folders_scenarios(tmp_path, umask_022):
    for name, mode in (("a.toml", 0o640), ("b.toml", 0o640), ("c.toml", 0o600),
                       ("notes.txt", 0o666)):
        (tmp_path / name).write_text("")
        (tmp_path / name).chmod(mode)
    # two of the three .toml files are 0640 (the .txt does not count)
    assert stat.S_IMODE(save_new(tmp_path, "plan", "a = 1\n").stat().st_mode) == 0o640
    assert stat.S_IMODE(save_once(tmp_path, "other", "a = 2\n").path.stat().st_mode) == 0o640


def test_with_as_many_files_of_each_mode_the_newest_decides(tmp_path, umask_022):
    (tmp_path / "old.toml").write_text("")
    (tmp_path / "old.toml").chmod(0o600)
    os.utime(tmp_path / "old.toml", ns=(10**18, 10**18))
    (tmp_path / "new.toml").write_text("")
    (tmp_path / "new.toml").chmod(0o664)
    os.utime(tmp_path / "new.toml", ns=(2 * 10**18, 2 * 10**18))
    assert file_mode(tmp_path) == 0o664
    assert not list(tmp_path.glob(".saving-*"))
