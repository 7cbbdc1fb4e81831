"""The capacity plan's largest pool: refused above MAX_POOL_GPUS before the search runs."""

from __future__ import annotations

import pytest

from budget.errors import BudgetInputError
from budget.plan_scale import MAX_POOL_GPUS, check_capacity_scale, largest_pool_gpus
from budget.scenario import load_scenario, parse_scenario
from tests.conftest import SMALL


def test_largest_pool_by_hand():
    # November (720 h) is the peak month: batch 200 GPU-h × 1.0, training 100 GPU-h × 3.0,
    # experimentation 60 × 52/12 = 260 GPU-h × 1.5; (200 + 300 + 390) / 720 GPUs
    pool, gpus = largest_pool_gpus(load_scenario(SMALL))
    assert pool == "aws/H100"
    assert gpus == pytest.approx(890 / 720)
    check_capacity_scale(load_scenario(SMALL))


def test_a_pool_above_the_limit_is_refused(small_data):
    # batch-sum: 1e12 requests × 1,000 tokens / (1,000 × 3,600 × 0.5) = 5.6e8 GPU-hours a month,
    # 771,605 GPUs over November's 720 hours (the Monte Carlo draws may ask for more)
    small_data["inference"][1]["requests_per_month"] = 1e12
    scenario = parse_scenario(small_data, "big.toml")
    pool, gpus = largest_pool_gpus(scenario)
    assert pool == "aws/H100" and gpus >= 1e12 * 1000 / (1000 * 3600 * 0.5) / 720 > MAX_POOL_GPUS
    with pytest.raises(BudgetInputError, match=r"^big.toml: the GPU pool aws/H100 needs [\d,]+ "
                       r"concurrent GPUs at its peak; the capacity plan covers pools of up to "
                       r"100,000\. Fix: check requests_per_month"):
        check_capacity_scale(scenario)


def test_no_gpu_pool_at_all(small_data):
    for table in ("training", "experimentation", "gpu_prices"):
        del small_data[table]
    del small_data["inference"][1]
    scenario = parse_scenario(small_data, "api-only.toml")
    assert largest_pool_gpus(scenario) == ("", 0.0)
    check_capacity_scale(scenario)
