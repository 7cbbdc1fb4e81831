"""Shared fixtures: paths to the hand-checkable scenario and the bundled sample."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "scenarios" / "small.toml"
SAMPLE = ROOT / "data" / "scenarios" / "fy27-plan.toml"


@pytest.fixture
def small_data() -> dict[str, Any]:
    """Return the small scenario as parsed TOML, free to mutate."""
    return tomllib.loads(SMALL.read_text(encoding="utf-8"))


# small.toml by hand (see tests/budget/test_forecast.py for the arithmetic): the horizon total,
# and the total after moving one driver, with the reason for each change.
SMALL_TOTAL_USD = 19_420.0
SMALL_DRIVER_CASES: list[tuple[str, float, float]] = [
    # chat and batch volumes double: + 9,930 + 1,200
    ("inference_volume", 2.0, SMALL_TOTAL_USD + 9_930 + 1_200),
    # chat: 1e6 × (1000 × 1 + 1000 × 4)/1e6 = 5,000 × 3.31 = 16,550; batch GPU-hours double
    ("output_tokens", 2.0, SMALL_TOTAL_USD - 9_930 + 16_550 + 1_200),
    # training 1,200 → 3,600
    ("refresh_frequency", 3.0, SMALL_TOTAL_USD + 2_400),
    # GPU lines 1,200 + 1,200 + 2,340 = 4,740 → × 1.5
    ("gpu_price", 1.5, SMALL_TOTAL_USD + 0.5 * 4_740),
    # API lines 9,930 → × 0.5
    ("token_price", 0.5, SMALL_TOTAL_USD - 0.5 * 9_930),
]
