"""Docs are tested: every scenario key is documented, every page input has help text."""

from __future__ import annotations

import re

import pytest

from budget.schema import TABLES
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")


def _section(table_header: str) -> str:
    start = DOC.index(f"## `{table_header}`")
    following = DOC.find("\n## ", start + 1)
    return DOC[start: following if following != -1 else len(DOC)]


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_every_key_documented(table):
    section = _section(f"[[{table.name}]]" if table.many else f"[{table.name}]")
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))
    assert {k.name for k in table.keys} <= documented
    assert documented <= {k.name for k in table.keys}, "docs list a key the schema lacks"


def test_readme_quickstart_has_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 dev.py run" in readme
    assert "python3 dev.py test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 dev.py test" in ci
