"""Central intervals named by their percentiles."""

from __future__ import annotations

import pytest

from budget.intervals import interval_label, percentile_bounds


@pytest.mark.parametrize(("interval", "low", "high", "label"), [
    (0.8, 10.0, 90.0, "P10–P90"),
    (0.9, 5.0, 95.0, "P5–P95"),
    (0.5, 25.0, 75.0, "P25–P75"),
])
def test_percentile_bounds(interval, low, high, label):
    assert percentile_bounds(interval) == (pytest.approx(low), pytest.approx(high))
    assert interval_label(interval) == label
