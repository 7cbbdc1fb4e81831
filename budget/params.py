"""Numbers typed on a command line or in a URL, read strictly: what you see is what is used."""

from __future__ import annotations

import math
import re

from budget.errors import shown

# Plain ASCII decimal or e-notation: float() also takes 1_5 (as 15), nan, inf and other
# scripts' digits, none of which anyone means when typing a budget number.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
MAX_TYPED = 40  # characters: no number anyone types is longer


def parse_decimal(text: str) -> float:
    """Return the finite number `text` writes (e.g. 0.18, 1e6); ValueError saying why not."""
    value = text.strip()
    if len(value) <= MAX_TYPED and _DECIMAL.fullmatch(value):
        number = float(value)
        if math.isfinite(number):
            return number
        raise ValueError(f"{shown(text)} is too large to be a number")
    raise ValueError(f"{shown(text)} is not a number: write digits with at most one point and "
                     "an optional exponent (no underscores, nan or inf)")


def parse_whole(text: str) -> int:
    """Return the whole number `text` writes (e.g. 8, -3); ValueError saying why not."""
    value = text.strip()
    if len(value) <= MAX_TYPED and _WHOLE.fullmatch(value):
        return int(value)
    raise ValueError(f"{shown(text)} is not a whole number: write digits only (no underscores)")


def parse_slide(text: str | None, count: int) -> tuple[int, str | None]:
    """Return the 0-based slide a `?slide=N` (1 to count) names, and a warning when it names none.

    A missing value is slide 1 without a warning; anything else that is not 1..count (text,
    superscripts, 5,000 digits, 0) is slide 1 with a warning that says what was asked for.
    """
    if text is None:
        return 0, None
    try:
        number = parse_whole(text)
    except ValueError:
        number = 0
    if 1 <= number <= count:
        return number - 1, None
    return 0, f"There is no slide {shown(text, 20)}; showing slide 1 of {count}."
