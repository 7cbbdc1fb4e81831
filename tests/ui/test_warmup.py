"""ui.warmup: the modules a fresh server imports before the first page asks for them."""

from __future__ import annotations

import gc
from pathlib import Path

from ui.warmup import page_modules, warm

ROOT = Path(__file__).resolve().parent.parent.parent


def test_page_modules_are_the_project_imports_in_first_seen_order(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os\nfrom budget.forecast import forecast\n"
                                   "import ui.text\nfrom budget.forecast import Forecast\n")
    (tmp_path / "b.py").write_text("from pandas import DataFrame\nfrom ui.cache import load\n"
                                   "from . import x\n")
    assert page_modules(tmp_path) == ["budget.forecast", "ui.text", "ui.cache"]


def test_every_module_the_pages_import_is_warmed_and_the_heap_frozen() -> None:
    names = page_modules(ROOT / "pages")
    assert "budget.forecast" in names and "ui.picker" in names
    assert warm(ROOT / "pages") == []
    assert gc.get_freeze_count() > 0
    gc.unfreeze()


def test_a_module_that_does_not_import_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "p.py").write_text("from budget.no_such_module import x\n")
    assert warm(tmp_path) == ["budget.no_such_module"]
    gc.unfreeze()
