"""Slider captions: the absolute value each driver produces, by hand on small.toml."""

from __future__ import annotations

import dataclasses

import pytest

from budget.readouts import (
    blended_api_usd_per_1m_tokens,
    busiest_gpu_pool,
    driver_readouts,
    mean_output_tokens,
    total_requests_first_month,
    training_runs_per_quarter,
)
from budget.scenario import load_scenario
from tests.conftest import SMALL


@pytest.fixture
def small():
    return load_scenario(SMALL)


def test_requests_scale_with_volume(small):
    assert total_requests_first_month(small) == 1_360_000
    assert total_requests_first_month(small.with_drivers(inference_volume=1.5)) == 2_040_000


def test_mean_output_tokens_is_request_weighted(small):
    # (1,000,000 × 500 + 360,000 × 1000) / 1,360,000
    assert mean_output_tokens(small) == pytest.approx(860_000_000 / 1_360_000)
    assert mean_output_tokens(small.with_drivers(output_tokens=2)) == pytest.approx(
        2 * 860_000_000 / 1_360_000
    )


def test_training_runs(small):
    assert training_runs_per_quarter(small.with_drivers(refresh_frequency=2.5)) == 2.5


def test_blended_api_price(small):
    # chat only: (1000 × 1 + 500 × 4) / 1500 tokens = $2 per 1M tokens
    assert blended_api_usd_per_1m_tokens(small) == pytest.approx(2.0)
    assert blended_api_usd_per_1m_tokens(small.with_drivers(token_price=0.5)) == pytest.approx(1.0)
    # longer answers shift the blend toward the $4 output price: (1000 + 1000 × 4) / 2000
    assert blended_api_usd_per_1m_tokens(small.with_drivers(output_tokens=2)) == pytest.approx(2.5)


def test_texts(small):
    text = driver_readouts(small.with_drivers(inference_volume=3, gpu_price=1.5))
    assert text["inference_volume"] == "≈ 4.1M requests/month in 2027-11"
    assert text["output_tokens"] == "≈ 632 output tokens per request (average)"
    assert text["refresh_frequency"] == "≈ 1.0 training runs per quarter"
    assert busiest_gpu_pool(small) == ("aws", "H100", "spot")  # first of three one-row pools
    assert text["gpu_price"] == "≈ $3.00/GPU-hour for H100 on aws (spot)"
    assert text["token_price"] == "≈ $2.00 per 1M API tokens (blended)"


def test_one_caption_per_driver_in_slider_order(small):
    assert list(driver_readouts(small)) == ["inference_volume", "output_tokens",
                                            "refresh_frequency", "gpu_price", "token_price"]


def test_texts_without_gpu_or_api_workloads(small):
    bare = dataclasses.replace(small, inference=(), training=(), experimentation=())
    text = driver_readouts(bare)
    assert text["gpu_price"] == "no GPU workloads"
    assert text["token_price"] == "no API workloads"
    assert text["inference_volume"] == "≈ 0 requests/month in 2027-11"
    assert text["output_tokens"] == "≈ 0 output tokens per request (average)"
    assert text["refresh_frequency"] == "≈ 0.0 training runs per quarter"
