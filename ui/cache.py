"""Cached wrappers around the pure budget functions (the only place with cache decorators)."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from budget.forecast import Forecast, forecast
from budget.scenario import Scenario, load_scenario
from budget.sensitivity import (
    MonteCarlo,
    SobolIndex,
    TornadoBar,
    monte_carlo,
    scenario_sobol,
    tornado,
)

ROOT = Path(__file__).resolve().parent.parent


def scenario_dir() -> Path:
    """Return the folder of scenario files (BUDGET_SCENARIO_DIR overrides data/scenarios)."""
    return Path(os.environ.get("BUDGET_SCENARIO_DIR", ROOT / "data" / "scenarios"))


def scenario_files() -> dict[str, Path]:
    """Return scenario files by stem, sorted by name."""
    return {p.stem: p for p in sorted(scenario_dir().glob("*.toml"))}


@st.cache_data(max_entries=64, show_spinner=False)
def _load(path: str, mtime_ns: int, size: int) -> Scenario:
    return load_scenario(path)


def load(path: Path) -> Scenario:
    """Load a scenario, re-reading it when the file changes on disk."""
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_forecast(scenario: Scenario) -> Forecast:
    """Return the forecast of a scenario, shared read-only across sessions."""
    return forecast(scenario)


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_tornado(scenario: Scenario) -> tuple[float, list[TornadoBar]]:
    """Return the tornado of a scenario (shared read-only)."""
    return tornado(scenario)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_monte_carlo(scenario: Scenario) -> MonteCarlo:
    """Return the 10,000-draw Monte Carlo of a scenario (shared read-only)."""
    return monte_carlo(scenario)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_sobol(scenario: Scenario) -> dict[str, SobolIndex]:
    """Return the Sobol indices of a scenario; about a second, so computed once per state."""
    return scenario_sobol(scenario)
