"""The app's folders and limits are read in ui/config.py, and only there."""

from __future__ import annotations

from tests.conftest import ROOT
from ui import config


def test_folders_follow_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGET_SCENARIO_DIR", raising=False)
    monkeypatch.delenv("BUDGET_EXPORTS_DIR", raising=False)
    assert config.scenario_dir() == ROOT / "data" / "scenarios"
    assert config.exports_dir() == ROOT / "data" / "exports" == config.SAMPLE_EXPORTS
    for name in ("b.toml", "a.toml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(tmp_path / "exports"))
    assert config.scenario_dir() == tmp_path
    assert list(config.scenario_files().items()) == [("a", tmp_path / "a.toml"),
                                                     ("b", tmp_path / "b.toml")]
    assert config.exports_dir() == tmp_path / "exports"


def test_no_other_ui_module_reads_the_environment():
    readers = [p.name for p in sorted((ROOT / "ui").glob("*.py"))
               if "os.environ" in p.read_text(encoding="utf-8") or "getenv" in
               p.read_text(encoding="utf-8")]
    assert readers == ["config.py"]
