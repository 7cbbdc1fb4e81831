"""Showing user text (names, tags, file content) in Markdown without it becoming markup."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Return text with every Markdown (and LaTeX-dollar) special character escaped."""
    return _SPECIAL.sub(r"\\\1", text)
