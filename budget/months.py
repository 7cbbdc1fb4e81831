"""Calendar months as 'YYYY-MM' strings."""

from __future__ import annotations

import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[int, int]:
    """Return (year, month) for 'YYYY-MM'; raise ValueError otherwise."""
    match = _MONTH.match(text)
    if not match:
        raise ValueError(f"expected YYYY-MM, got {text!r}")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        raise ValueError(f"no such month: {text!r}")
    return year, month


def month_labels(start: str, count: int) -> list[str]:
    """Return `count` consecutive 'YYYY-MM' labels beginning at `start`."""
    year, month = parse_month(start)
    labels = []
    for offset in range(count):
        index = year * 12 + (month - 1) + offset
        labels.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return labels
