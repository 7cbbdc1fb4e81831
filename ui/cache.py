"""Cached wrappers around the pure budget functions (the only place with cache decorators)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from budget.alerts import Alert, AlertSettings, all_alerts
from budget.backtest import Backtest, backtest
from budget.charts import SHAPES
from budget.export_folders import export_folders
from budget.exports import TagMap, billing_rollup, open_exports, reading_notes, telemetry_rollup
from budget.files import file_stamp
from budget.forecast import Forecast, forecast
from budget.reforecast import Reforecast, reforecast
from budget.scenario import load_scenario
from budget.scenario_model import Scenario
from budget.sensitivity import (
    MonteCarlo,
    SobolIndex,
    TornadoBar,
    monte_carlo,
    scenario_sobol,
    tornado,
)
from ui.bounded_cache import BoundedCache
from ui.config import FORECAST_CACHE_MB, MAX_UPLOAD_ROWS, exports_dir


# A resource, not data: a Scenario is frozen (tuples of frozen rows), so every rerun can share
# the one object instead of unpickling a copy (5,000 workloads: tens of milliseconds), and the
# table hashes below stay memoised across reruns.
@st.cache_resource(max_entries=64, show_spinner=False)
def _load(path: str, mtime_ns: int, size: int) -> Scenario:
    return load_scenario(path)


def load(path: Path) -> Scenario:
    """Load a scenario, re-reading it when the file changes on disk."""
    mtime_ns, size = file_stamp(path)  # a dangling link is a message, not a traceback
    return _load(str(path), mtime_ns, size)


# Hashes of a scenario's tables (tuples of frozen rows), by identity: a slider move makes a new
# Scenario (with_drivers) that shares every table with the loaded file or draft, so each table
# is hashed once per loaded version, not on every rerun (5,000 workloads take milliseconds).
_TABLE_HASHES: dict[int, tuple[tuple[Any, ...], int]] = {}
_TABLE_HASHES_KEPT = 512
_KEY_FIELDS = tuple(f.name for f in dataclasses.fields(Scenario) if f.compare)


def _table_hash(table: tuple[Any, ...]) -> int:
    """Return hash(table), computed once while this very tuple is kept in the memo."""
    seen = _TABLE_HASHES.get(id(table))
    if seen is not None and seen[0] is table:  # the memo holds the tuple: its id is not reused
        return seen[1]
    value = hash(table)
    if len(_TABLE_HASHES) >= _TABLE_HASHES_KEPT:
        _TABLE_HASHES.pop(next(iter(_TABLE_HASHES)), None)  # the oldest
    _TABLE_HASHES[id(table)] = (table, value)
    return value


def scenario_key(scenario: Scenario) -> int:
    """Return a cache key equal for equal scenarios: hash(scenario), tables' hashes memoised."""
    return hash(tuple(_table_hash(value) if isinstance(value, tuple) and len(value) > 8
                      else value for value in map(scenario.__getattribute__, _KEY_FIELDS)))


# A Scenario is a frozen, hashable dataclass: its hash (tables memoised) keys the caches in
# microseconds, where Streamlit's generic hasher takes milliseconds on every rerun.
BY_SCENARIO: dict[str | type[Any], Callable[[Any], Any]] = {Scenario: scenario_key}


# Forecasts are kept by the memory they hold (BUDGET_FORECAST_CACHE_MB), not only by count: a
# count alone would let 256 forecasts of 5,000 workloads × 120 months take gigabytes.
FORECASTS: BoundedCache[Scenario, Forecast] = BoundedCache(
    FORECAST_CACHE_MB * 1_000_000, 256, Forecast.nbytes)


def cached_forecast(scenario: Scenario) -> Forecast:
    """Return the forecast of a scenario, shared read-only across sessions."""
    return FORECASTS.get(scenario_key(scenario), scenario, lambda: forecast(scenario))


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs=BY_SCENARIO)
def cached_tornado(scenario: Scenario) -> tuple[float, list[TornadoBar]]:
    """Return the tornado of a scenario (shared read-only)."""
    return tornado(scenario)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_SCENARIO)
def cached_monte_carlo(scenario: Scenario) -> MonteCarlo:
    """Return the 10,000-draw Monte Carlo of a scenario (shared read-only)."""
    return monte_carlo(scenario)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_SCENARIO)
def cached_sobol(scenario: Scenario) -> dict[str, SobolIndex]:
    """Return the Sobol indices of a scenario; about a second, so computed once per state."""
    return scenario_sobol(scenario)


@st.cache_resource(max_entries=64, show_spinner=False)
def chart_template(kind: str, datasets: tuple[str, ...],
                   sizes: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    """Return a live chart's Vega-Lite spec over named datasets (built and validated once)."""
    sources = {name: alt.NamedData(name) for name in datasets}
    # Streamlit draws Altair charts without Altair's default theme; the template does the same.
    with alt.theme.enable("none"):
        spec: dict[str, Any] = SHAPES[kind](sources, **dict(sizes)).to_dict()
    return spec


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(folder.rglob("*")) if p.is_file())


@st.cache_data(max_entries=16, show_spinner=False)
def _rollups(billing: str, telemetry: str | None, tag_map: tuple[str, ...],
             fingerprint: tuple[tuple[str, int, int], ...], max_rows: int | None,
             ) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    exports = open_exports([billing], [telemetry] if telemetry else [],
                           TagMap().with_overrides(list(tag_map)), max_rows=max_rows)
    return billing_rollup(exports), telemetry_rollup(exports), reading_notes(exports)


def _read(folder: Path, tag_map: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame,
                                                           list[str]]:
    """Return the rollups and notes of an exports folder; an upload is read with a row limit."""
    found = export_folders(folder)
    limit = None if folder.resolve() == exports_dir().resolve() else MAX_UPLOAD_ROWS
    return _rollups(str(found.billing), str(found.telemetry) if found.telemetry else None,
                    tag_map, _fingerprint(folder), limit)


def load_rollups(folder: Path, tag_map: tuple[str, ...] = ()) -> tuple[pd.DataFrame,
                                                                       pd.DataFrame]:
    """Return (billing, telemetry) rollups of an exports folder; re-read only when files change.

    The folder holds billing/ (FOCUS) and optionally telemetry/; rollups are computed once per
    content, so moving a slider or a filter never re-scans the exports.
    """
    billing, telemetry, _ = _read(folder, tag_map)
    return billing, telemetry


def load_notes(folder: Path, tag_map: tuple[str, ...] = ()) -> list[str]:
    """Return what reading the folder's exports should tell the user (copies left out, …)."""
    return _read(folder, tag_map)[2]


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Return the exports folder's (file, mtime, size) list: a cache key that changes with it."""
    return _fingerprint(folder)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_alerts(folder: str, tag_map: tuple[str, ...], settings: AlertSettings,
                  planned: tuple[tuple[str, float], ...],
                  files: tuple[tuple[str, int, int], ...]) -> list[Alert]:
    """Return every alert over the exports with these settings (recomputed when files change)."""
    billing, telemetry = load_rollups(Path(folder), tag_map)
    return all_alerts(billing, telemetry, settings, dict(planned) or None)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_backtest(folder: str, tag_map: tuple[str, ...], method: str,
                    files: tuple[tuple[str, int, int], ...]) -> Backtest:
    """Return the exports' 1-to-3-month backtest by `method` (about a second, once per content)."""
    billing, telemetry = load_rollups(Path(folder), tag_map)
    return backtest(billing, telemetry, (1, 2, 3), method)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_reforecast(folder: str, tag_map: tuple[str, ...], measure: str,
                      monthly_budget_usd: float | None,
                      files: tuple[tuple[str, int, int], ...]) -> Reforecast:
    """Return the ETS reforecast of the exports' daily USD spend (about a second, once)."""
    billing, _ = load_rollups(Path(folder), tag_map)
    return reforecast(billing, measure=measure, monthly_budget_usd=monthly_budget_usd)
