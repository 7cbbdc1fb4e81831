"""Number formatting shared by the pages, the CLI and reports."""

from __future__ import annotations

import math

from budget.inputs import INPUTS_BY_NAME


def usd(amount: float | None, decimals: int = 0) -> str:
    """Return '$1,234' (or '—' for None/NaN); negative amounts as '-$1,234'."""
    if amount is None or math.isnan(amount):
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.{decimals}f}"


def signed_usd(change: float, decimals: int = 0, short: bool = False) -> str:
    """Return a change as '+$1,234' or '-$1,234' (zero reads '+$0'); short gives '+$1.23M'."""
    magnitude = usd_compact(abs(change)) if short else usd(abs(change), decimals)
    return ("-" if change < 0 else "+") + magnitude


def compact(number: float, decimals: int = 1) -> str:
    """Return 4.1M, 620K, 950 style counts."""
    for threshold, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= threshold:
            return f"{number / threshold:,.{decimals}f}{suffix}"
    return f"{number:,.0f}"


def sentence(text: str) -> str:
    """Return text with its first letter upper-cased, the rest untouched."""
    return text[:1].upper() + text[1:]


def usd_compact(amount: float) -> str:
    """Return $2.02M / $845K / $950 style amounts for chart labels."""
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= threshold:
            return f"{sign}${value / threshold:,.2f}{suffix}"
    return f"{sign}${value:,.0f}"


def input_value(name: str, value: float) -> str:
    """Return an uncertain input's value in its declared unit: 1.30×, +2.0 pts/month, +15%."""
    unit = INPUTS_BY_NAME[name].unit
    if unit == "points_per_month":
        return f"{value * 100:+.1f} pts/month"
    if unit == "extra_share":
        return f"+{value:.0%}"
    return f"{value:.2f}×"


def money(amount: float | None, currency: str, decimals: int | None = None) -> str:
    """Return an amount as every page and the PDF write it: '$1,234' in USD, '1,234 EUR' else.

    Without `decimals`, cents are shown below 1,000 so small exports still read.
    """
    if amount is None or math.isnan(amount):
        return "—"
    places = decimals if decimals is not None else (2 if abs(amount) < 1000 else 0)
    if currency == "USD":
        return usd(amount, places)
    return f"{amount:,.{places}f} {currency}"


def field_value(value: object) -> str:
    """Return a scenario field's value as a person reads it: 3,000, 1.8, 0.45, "llama-3.1-8b"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1e-4 else f"{value:.3e}"
