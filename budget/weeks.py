"""ISO weeks (Monday to Sunday) written YYYY-Www, as the digest and its week picker use them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from budget.errors import BudgetInputError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    """One ISO week: its label, its Monday, and whether its Sunday is on or before the as-of day."""

    label: str  # YYYY-Www
    monday: date
    complete: bool


def iso_week(day: date) -> str:
    """Return the ISO week of a day as YYYY-Www (the ISO year, which can differ from day.year)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(text: str) -> tuple[date, date]:
    """Return Monday and Sunday of an ISO week written YYYY-Www."""
    match = _WEEK.match(text)
    if match:
        try:
            monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            return monday, monday + timedelta(days=6)
        except ValueError:
            pass
    raise BudgetInputError("--week", f'"{text}" is not an ISO week', fix="write it like 2026-W33")


def recent_weeks(as_of: date, count: int = 12) -> list[Week]:
    """Return the `count` ISO weeks up to the one holding `as_of`, newest first."""
    last_monday = as_of - timedelta(days=as_of.weekday())
    mondays = [last_monday - timedelta(weeks=i) for i in range(count)]
    return [Week(iso_week(m), m, m + timedelta(days=6) <= as_of) for m in mondays]


def default_week(weeks: list[Week]) -> int:
    """Return the index of the newest complete week, or 0 when none is complete."""
    return next((i for i, week in enumerate(weeks) if week.complete), 0)
