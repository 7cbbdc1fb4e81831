"""The change text beside a headline number (by hand)."""

from __future__ import annotations

import pytest

from budget.deltas import percent_change, relative_change, usd_change


@pytest.mark.parametrize(("new", "old", "decimals", "text"), [
    (1_234.0, 0.0, 0, "+$1,234"),
    (1_000.0, 2_234.0, 0, "-$1,234"),
    (100.4, 100.0, 0, None),  # moves 0.4: rounds to nothing at whole dollars
    (100.5, 100.0, 0, "+$0"),  # half a dollar shows (as the old planner delta did)
    (2.53531, 2.53529, 4, None),  # 0.00002 < 0.00005
    (2.5360, 2.5353, 4, "+$0.0007"),
    (None, 5.0, 0, None),
    (5.0, None, 4, None),
])
def test_usd_change(new, old, decimals, text):
    assert usd_change(new, old, decimals) == text


@pytest.mark.parametrize(("value", "reference", "change", "text"), [
    (112.0, 100.0, 0.12, "+12.0%"),
    (75.0, 100.0, -0.25, "-25.0%"),
    (100.0, 100.0, 0.0, "+0.0%"),
    (5.0, 0.0, None, None),
    (5.0, None, None, None),
])
def test_relative_and_percent_change(value, reference, change, text):
    assert relative_change(value, reference) == (None if change is None
                                                  else pytest.approx(change))
    assert percent_change(value, reference) == text
