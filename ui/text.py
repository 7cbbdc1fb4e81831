"""Showing user text (names, tags, file content) in Markdown: the one helper, from budget.text."""

from __future__ import annotations

from budget.text import md_escape

__all__ = ["md_escape"]
