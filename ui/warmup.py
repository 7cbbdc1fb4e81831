"""Warm a fresh server: import what the pages use, then freeze the start-up heap."""

from __future__ import annotations

import ast
import gc
import importlib
import threading
from pathlib import Path

PACKAGES = ("budget", "ui")  # the project's own modules; their imports pull in the rest


def page_modules(pages: Path) -> list[str]:
    """Return the project modules the page scripts in `pages` import, in first-seen order."""
    seen: dict[str, None] = {}
    for page in sorted(pages.glob("*.py")):
        tree = ast.parse(page.read_text(encoding="utf-8"), filename=str(page))
        for node in ast.walk(tree):
            names = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.split(".")[0] in PACKAGES:
                    seen.setdefault(name, None)
    return list(seen)


def _chart_schema() -> None:
    """Build and validate one small Altair chart: the first chart loads Vega-Lite's schema."""
    import altair as alt
    import pandas as pd

    alt.Chart(pd.DataFrame({"month": ["2027-01"], "cost_usd": [1.0]})).mark_bar().encode(
        x="month:O", y="cost_usd:Q").to_dict()


def warm(pages: Path) -> list[str]:
    """Import every module the pages use, build one chart, then gc.freeze(); return failures.

    A module that fails to import is skipped (the page that needs it reports the error when it
    runs); freezing moves the start-up objects out of the collector's sight, so a full
    collection during a rerun walks only what the sessions made.
    """
    failed = []
    for name in page_modules(pages):
        try:
            importlib.import_module(name)
        except Exception:  # best effort: the page that needs it reports it
            failed.append(name)
    try:
        _chart_schema()
    except Exception:  # best effort, as above
        failed.append("altair chart")
    gc.collect()
    gc.freeze()
    return failed


def warm_in_background(pages: Path) -> threading.Thread:
    """Start warm(pages) on a daemon thread and return it."""
    thread = threading.Thread(target=warm, args=(pages,), name="warm-up", daemon=True)
    thread.start()
    return thread
