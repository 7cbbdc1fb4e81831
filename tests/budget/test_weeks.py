"""ISO weeks for the digest's week picker, checked against the calendar by hand."""

from __future__ import annotations

from datetime import date

import pytest

from budget.weeks import Week, default_week, iso_week, recent_weeks


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
