"""Scenario saving never overwrites and leaves no temporary files behind."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from budget.storage import safe_stem, save_new


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
