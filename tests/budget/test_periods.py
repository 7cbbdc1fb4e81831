"""Date windows over actuals: months, the last full month, the last N days (by hand)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from budget.periods import (
    ALL_DATES,
    between,
    date_span,
    full_months,
    in_period,
    last_days,
    months,
    period_choices,
    window_start,
)


def _days(*days: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(days)))


@pytest.mark.parametrize(("days", "full", "choices", "default"), [
    # ends on 30 November, the month's last day: November is full
    (("2026-10-03", "2026-11-30", "2026-11-01"), ["2026-10", "2026-11"],
     ["2026-11", "2026-10", ALL_DATES], 0),
    # ends on 27 November: October is the last full month, second in the list
    (("2026-10-03", "2026-11-27"), ["2026-10"], ["2026-11", "2026-10", ALL_DATES], 1),
    # one partial month only: no full month, the default is the first option
    (("2026-11-02", "2026-11-27"), [], ["2026-11", ALL_DATES], 0),
    # a year end: 31 December is a month end
    (("2026-12-30", "2026-12-31"), ["2026-12"], ["2026-12", ALL_DATES], 0),
])
def test_full_months_and_the_default_period(days, full, choices, default):
    series = _days(*days)
    assert full_months(series) == full
    assert period_choices(series) == (choices, default)


def test_months_are_distinct_and_sorted():
    assert months(_days("2026-11-05", "2026-09-30", "2026-11-01")) == ["2026-09", "2026-11"]


def test_in_period_keeps_one_month_or_everything():
    rows = pd.DataFrame({"day": pd.to_datetime(["2026-10-31", "2026-11-01", "2026-11-30"]),
                         "cost": [1.0, 2.0, 4.0]})
    assert in_period(rows, "2026-11")["cost"].sum() == 6.0  # 2 + 4
    assert in_period(rows, "2026-10")["cost"].sum() == 1.0
    assert in_period(rows, "2026-12").empty
    assert in_period(rows, ALL_DATES)["cost"].sum() == 7.0


@pytest.mark.parametrize(("first", "last", "days", "start"), [
    (date(2026, 1, 1), date(2026, 11, 27), 90, date(2026, 8, 30)),  # 27 Nov − 89 days
    (date(2026, 10, 1), date(2026, 11, 27), 90, date(2026, 10, 1)),  # shorter history: all of it
    (date(2026, 1, 1), date(2026, 3, 1), 1, date(2026, 3, 1)),  # one day: the last
])
def test_window_start(first, last, days, start):
    assert window_start(first, last, days) == start


def test_date_span():
    assert date_span(_days("2026-11-03", "2026-10-30", "2026-11-01")) == (
        date(2026, 10, 30), date(2026, 11, 3))


def test_between_includes_both_ends_and_keeps_an_empty_frame():
    rows = pd.DataFrame({"day": pd.to_datetime(["2026-11-01", "2026-11-02", "2026-11-03",
                                                "2026-11-04"]), "requests": [1, 10, 100, 1000]})
    assert between(rows, date(2026, 11, 2), date(2026, 11, 3))["requests"].sum() == 110
    empty = pd.DataFrame({"day": pd.Series([], dtype="datetime64[ns]")})
    assert between(empty, date(2026, 11, 2), date(2026, 11, 3)) is empty


def test_last_days_is_after_as_of_minus_the_days():
    rows = pd.DataFrame({"day": pd.date_range("2026-11-01", "2026-11-10"), "cost": range(10)})
    kept = last_days(rows, date(2026, 11, 10), 3)  # after 7 November: the 8th, 9th and 10th
    assert kept["day"].dt.day.tolist() == [8, 9, 10]
    assert kept["cost"].sum() == 7 + 8 + 9
