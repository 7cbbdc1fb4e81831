"""Date windows over actuals: calendar months, the last full month, the last N days."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

ALL_DATES = "All dates"  # the period that keeps every row


def months(days: pd.Series) -> list[str]:
    """Return the distinct calendar months (YYYY-MM) of a datetime column, oldest first."""
    return sorted(days.dt.to_period("M").astype(str).unique())


def full_months(days: pd.Series) -> list[str]:
    """Return the months of `days` without the last one when its last day is not a month end."""
    last = days.max()
    month_ends = (last + pd.Timedelta(days=1)).day == 1
    return [m for m in months(days) if m != f"{last:%Y-%m}" or month_ends]


def period_choices(days: pd.Series) -> tuple[list[str], int]:
    """Return the period options (newest month first, then ALL_DATES) and the default's index.

    The default is the last full month; without one, the first option.
    """
    options = [*reversed(months(days)), ALL_DATES]
    full = full_months(days)
    return options, options.index(full[-1]) if full else 0


def in_period(rows: pd.DataFrame, period: str, column: str = "day") -> pd.DataFrame:
    """Return the rows whose `column` falls in the month YYYY-MM (every row for ALL_DATES)."""
    if period == ALL_DATES:
        return rows
    kept: pd.DataFrame = rows[rows[column].dt.to_period("M").astype(str) == period]
    return kept


def date_span(days: pd.Series) -> tuple[date, date]:
    """Return the first and last date of a datetime column."""
    return days.min().date(), days.max().date()


def window_start(first: date, last: date, days: int = 90) -> date:
    """Return the first day of the last `days` days up to `last`, not before `first`."""
    return max(first, last - timedelta(days=days - 1))


def between(rows: pd.DataFrame, start: date, end: date, column: str = "day") -> pd.DataFrame:
    """Return the rows whose `column` date is from `start` to `end`, both included."""
    if rows.empty:
        return rows
    day = rows[column].dt.date
    kept: pd.DataFrame = rows[(day >= start) & (day <= end)]
    return kept


def last_days(rows: pd.DataFrame, as_of: date, days: int = 90,
              column: str = "day") -> pd.DataFrame:
    """Return the rows after `as_of` minus `days` days: the last `days` days up to `as_of`."""
    kept: pd.DataFrame = rows[rows[column] > pd.Timestamp(as_of) - timedelta(days=days)]
    return kept
