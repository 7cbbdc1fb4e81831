"""budget/ is the pure core: it never imports streamlit."""

from __future__ import annotations

import ast

from tests.conftest import ROOT


def test_budget_never_imports_streamlit():
    offenders = []
    for path in (ROOT / "budget").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []
