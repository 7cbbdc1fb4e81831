"""Calendar months as 'YYYY-MM' strings, and the one place that says how long a month is.

Two meanings of "a month", each named: an *average* month (a twelfth of a 365.25-day year, or of
a 52-week year for weekly figures) turns rates into monthly amounts; a *calendar* month
(`hours_in_month`) is the hours a given month really has, for GPUs running around the clock in it.
"""

from __future__ import annotations

import calendar
import re

DAYS_PER_AVERAGE_YEAR = 365.25  # with leap years
DAYS_PER_AVERAGE_MONTH = DAYS_PER_AVERAGE_YEAR / 12  # 30.4375 days: calibration's daily rates
HOURS_PER_AVERAGE_MONTH = 24 * DAYS_PER_AVERAGE_MONTH  # 730.5 h: break-even's GPU all month
WEEKS_PER_MONTH = 52.0 / 12.0  # 4.333 weeks (a 52-week year): the forecast's weekly GPU-hours

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


def month_offset(start: str, label: str) -> int:
    """Return how many months `label` ('YYYY-MM') comes after `start` (negative: before)."""
    (year, month), (first_year, first_month) = parse_month(label), parse_month(start)
    return (year - first_year) * 12 + (month - first_month)


def hours_in_month(label: str) -> float:
    """Return the calendar hours in a 'YYYY-MM' month (672 to 744), not an average month."""
    year, month = parse_month(label)
    return 24.0 * calendar.monthrange(year, month)[1]


def days_in_month(label: str) -> int:
    """Return the calendar days of a 'YYYY-MM' month (28 to 31)."""
    year, month = parse_month(label)
    return calendar.monthrange(year, month)[1]


def calendar_factors(labels: list[str] | tuple[str, ...], days_per_month: float,
                     ) -> list[float]:
    """Return each month's days / `days_per_month`: what a per-day rate's month weighs.

    A plan's monthly figures are per average month; with `[scenario] calendar = "days"` each
    month's cost is its figure × days in the month / days_per_month (30.4375, or 30.33 for
    figures per week × 52/12): January 31/30.4375 = 1.0185, February 2027 28/30.4375 = 0.9199.
    """
    return [days_in_month(label) / days_per_month for label in labels]


def fiscal_period(month: str, start_month: int = 1) -> tuple[str, str]:
    """Return the fiscal quarter and year of a YYYY-MM month: ('FY2027 Q1', 'FY2027').

    A fiscal year is named for the calendar year it ends in: starting in February, February
    2026 to January 2027 is FY2027. Starting in January it is the calendar year.
    """
    year, number = parse_month(month)
    into = (number - start_month) % 12  # months since the fiscal year began
    ends = year + (1 if start_month > 1 and number >= start_month else 0)
    return f"FY{ends} Q{into // 3 + 1}", f"FY{ends}"
