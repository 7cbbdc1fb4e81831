"""Month labels and the two named lengths of a month."""

from __future__ import annotations

import pytest

from budget.months import (
    DAYS_PER_AVERAGE_MONTH,
    DAYS_PER_AVERAGE_YEAR,
    HOURS_PER_AVERAGE_MONTH,
    WEEKS_PER_MONTH,
    hours_in_month,
    month_labels,
)


def test_average_month():
    assert DAYS_PER_AVERAGE_YEAR == 365.25
    assert DAYS_PER_AVERAGE_MONTH == 30.4375  # 365.25 / 12
    assert HOURS_PER_AVERAGE_MONTH == 730.5  # 365.25 × 24 / 12
    assert round(WEEKS_PER_MONTH, 6) == 4.333333  # 52 / 12


@pytest.mark.parametrize(("label", "hours"), [("2027-11", 720.0), ("2027-12", 744.0),
                                              ("2028-02", 696.0), ("2027-02", 672.0)])
def test_calendar_month_hours(label, hours):
    assert hours_in_month(label) == hours


def test_labels_roll_over_the_year():
    assert month_labels("2027-11", 3) == ["2027-11", "2027-12", "2028-01"]
