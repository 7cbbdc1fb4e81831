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
