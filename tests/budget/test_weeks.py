"""ISO weeks for the digest's week picker, checked against the calendar by hand."""

from __future__ import annotations

from datetime import date

import pytest

from budget.errors import BudgetInputError
from budget.weeks import Week, default_week, iso_week, recent_weeks, week_bounds


@pytest.mark.parametrize(("day", "label"), [
    (date(2026, 11, 23), "2026-W48"),  # a Monday
    (date(2026, 11, 29), "2026-W48"),  # its Sunday
    (date(2027, 1, 1), "2026-W53"),  # a Friday: ISO 2026 has 53 weeks (it starts on a Thursday)
    (date(2025, 12, 29), "2026-W01"),  # a Monday in December opening ISO 2026
    (date(2026, 3, 2), "2026-W10"),  # one digit: zero-padded
])
def test_iso_week(day, label):
    assert iso_week(day) == label


def test_recent_weeks_newest_first_with_the_current_one_in_progress():
    weeks = recent_weeks(date(2026, 11, 27), 3)  # a Friday
    assert weeks == [Week("2026-W48", date(2026, 11, 23), False),  # Sunday 29th is after the 27th
                     Week("2026-W47", date(2026, 11, 16), True),
                     Week("2026-W46", date(2026, 11, 9), True)]
    assert default_week(weeks) == 1


def test_a_sunday_completes_its_week():
    weeks = recent_weeks(date(2026, 11, 29), 2)
    assert [(w.label, w.complete) for w in weeks] == [("2026-W48", True), ("2026-W47", True)]
    assert default_week(weeks) == 0


def test_across_the_year_and_without_a_complete_week():
    weeks = recent_weeks(date(2026, 1, 1), 2)  # a Thursday in ISO week 2026-W01
    assert [w.label for w in weeks] == ["2026-W01", "2025-W52"]
    assert default_week(weeks[:1]) == 0  # none complete: the first
    assert len(recent_weeks(date(2026, 11, 27))) == 12


def test_week_bounds():
    assert [str(d) for d in week_bounds("2026-W33")] == ["2026-08-10", "2026-08-16"]
    with pytest.raises(BudgetInputError, match="is not an ISO week"):
        week_bounds("2026-33")


@pytest.mark.parametrize(("label", "monday", "sunday"), [
    ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),  # ISO 2026 opens in December 2025
    ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),  # 2025-12-29 + 52 weeks; ends in 2027
    ("2026-W10", date(2026, 3, 2), date(2026, 3, 8)),
])
def test_week_bounds_across_year_ends(label, monday, sunday):
    assert week_bounds(label) == (monday, sunday)
    assert iso_week(monday) == iso_week(sunday) == label  # parsing undoes the label


@pytest.mark.parametrize("text", ["2025-W53",  # ISO 2025 has 52 weeks (it starts on a Wednesday)
                                  "2026-W00", "2026-W5", "2026-w05", " 2026-W05"])
def test_week_bounds_refuses_what_is_not_an_iso_week(text):
    with pytest.raises(BudgetInputError) as caught:
        week_bounds(text)
    assert caught.value.file == "--week"
    assert "is not an ISO week" in str(caught.value) and "2026-W33" in str(caught.value)
