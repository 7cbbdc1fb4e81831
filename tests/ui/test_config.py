"""The app's folders and limits are read in ui/config.py, and only there."""

from __future__ import annotations

import os

from tests.conftest import ROOT
from ui import config


def test_folders_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGET_SCENARIO_DIR", raising=False)
    monkeypatch.delenv("BUDGET_EXPORTS_DIR", raising=False)
    assert config.scenario_dir() == ROOT / "data" / "scenarios"
    assert config.exports_dir() == ROOT / "data" / "exports" == config.SAMPLE_EXPORTS
    for name in ("b.toml", "a.toml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
        os.utime(tmp_path / name, ns=(10**18, 10**18))  # one date: by name
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(tmp_path / "exports"))
    assert config.scenario_dir() == tmp_path
    assert list(config.scenario_files().items()) == [("a", tmp_path / "a.toml"),
                                                     ("b", tmp_path / "b.toml")]
    assert config.exports_dir() == tmp_path / "exports"


def test_scenario_files_are_listed_oldest_first_ties_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    dates = {"a": 3, "b": 1, "c": 2, "d": 2}  # seconds after 10**9
    for stem, second in dates.items():
        (tmp_path / f"{stem}.toml").write_text("", encoding="utf-8")
        os.utime(tmp_path / f"{stem}.toml", ns=((10**9 + second) * 10**9,) * 2)
    # b (1) first, then c and d (2, by name), a (3) last
    assert list(config.scenario_files()) == ["b", "c", "d", "a"]
    (tmp_path / "a-v2.toml").write_text("", encoding="utf-8")  # saved now: listed last at once
    assert list(config.scenario_files()) == ["b", "c", "d", "a", "a-v2"]
    (tmp_path / "gone.toml").symlink_to(tmp_path / "nowhere.toml")  # listed; opening says why
    assert "gone" in config.scenario_files()


def test_no_other_ui_module_reads_the_environment():
    readers = [p.name for p in sorted((ROOT / "ui").glob("*.py"))
               if "os.environ" in p.read_text(encoding="utf-8") or "getenv" in
               p.read_text(encoding="utf-8")]
    assert readers == ["config.py"]
