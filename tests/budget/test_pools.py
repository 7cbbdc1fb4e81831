"""GPU pool figures read off a capacity plan (by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from budget.capacity import CapacityPlan
from budget.pools import queue_gpus, total_peak_gpus


@pytest.fixture
def plan() -> CapacityPlan:
    months = ("2027-01", "2027-02", "2027-03")
    frame = pd.DataFrame({"aws/H100": [2.0, 3.2, 1.0], "gcp/A100": [0.4, 0.2, 0.3]},
                         index=list(months))
    return CapacityPlan(months, frame * 0.5, frame, frame * 2)


def test_total_peak_sums_each_pools_busiest_month(plan):
    assert total_peak_gpus(plan) == pytest.approx(3.6)  # 3.2 (February) + 0.4 (January)
    assert total_peak_gpus(plan, "stress_peak") == pytest.approx(7.2)
    assert total_peak_gpus(plan, "baseline") == pytest.approx(1.8)


def test_queue_gpus_round_up_and_never_below_one(plan):
    assert queue_gpus(plan, "aws/H100") == 4  # ceil(3.2)
    assert queue_gpus(plan, "gcp/A100") == 1  # ceil(0.4) = 1
    assert queue_gpus(plan, "gcp/A100", "stress_peak") == 1  # ceil(0.8)
    assert queue_gpus(plan, "aws/H100", "stress_peak") == 7  # ceil(6.4)
