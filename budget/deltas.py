"""The change text beside a headline number: a signed USD amount or a percentage."""

from __future__ import annotations

from budget.fmt import signed_usd


def usd_change(new: float | None, old: float | None, decimals: int = 0) -> str | None:
    """Return new − old as '+$1,234', or None when either is missing or it rounds to nothing."""
    if new is None or old is None or abs(new - old) < 0.5 * 10**-decimals:
        return None
    return signed_usd(new - old, decimals)


def relative_change(value: float, reference: float | None) -> float | None:
    """Return value / reference − 1 (0.12 is 12% above), or None without a non-zero reference."""
    if reference is None or not reference:
        return None
    return value / reference - 1


def percent_change(value: float, reference: float | None) -> str | None:
    """Return the relative change as '+12.0%', or None without a non-zero reference."""
    change = relative_change(value, reference)
    return None if change is None else f"{change:+.1%}"
