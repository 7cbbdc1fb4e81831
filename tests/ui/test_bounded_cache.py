"""Tests for ui.bounded_cache: least recently used values dropped past a byte budget."""

from __future__ import annotations

import numpy as np

from budget.forecast import forecast
from budget.scenario import load_scenario
from tests.conftest import ROOT
from ui.bounded_cache import BoundedCache


def _put(cache: BoundedCache[str, bytes], made: list[str], key: str, size: int) -> bytes:
    """Get `key`, making `size` bytes (and noting it in `made`) when it is not kept."""
    def make() -> bytes:
        made.append(key)
        return b"x" * size
    return cache.get(key, key, make)


def test_values_are_made_once_and_the_least_recently_used_go_first():
    cache: BoundedCache[str, bytes] = BoundedCache(100, 10, len)
    made: list[str] = []
    _put(cache, made, "a", 40)
    _put(cache, made, "b", 40)
    _put(cache, made, "a", 40)  # a hit: a is now the most recent
    assert made == ["a", "b"] and cache.total_bytes() == 80
    _put(cache, made, "c", 40)  # 120 > 100: b, the least recent, goes
    assert cache.total_bytes() == 80 and len(cache) == 2
    _put(cache, made, "a", 40)
    _put(cache, made, "b", 40)  # made again
    assert made == ["a", "b", "c", "b"]


def test_the_newest_value_stays_even_over_the_budget_and_the_count_bounds_too():
    cache: BoundedCache[str, bytes] = BoundedCache(100, 2, len)
    made: list[str] = []
    _put(cache, made, "huge", 500)
    assert len(cache) == 1 and cache.total_bytes() == 500
    _put(cache, made, "a", 1)
    assert len(cache) == 1  # huge went: 501 > 100
    _put(cache, made, "b", 1)
    _put(cache, made, "c", 1)
    assert len(cache) == 2 and cache.total_bytes() == 2  # three small ones, two entries kept


def test_a_colliding_hash_with_another_key_is_never_shared():
    cache: BoundedCache[str, str] = BoundedCache(1_000, 10, len)
    assert cache.get(7, "plan a", lambda: "forecast a") == "forecast a"
    assert cache.get(7, "plan b", lambda: "forecast b") == "forecast b"  # same hash, other key
    assert cache.get(7, "plan b", lambda: "never made") == "forecast b"


def test_a_forecasts_bytes_are_its_arrays_then_its_long_table():
    result = forecast(load_scenario(ROOT / "data" / "scenarios" / "fy27-plan.toml"))
    arrays = result.arrays
    expected = sum(a.nbytes for a in (*arrays.values.values(), *arrays.labels.values(),
                                      arrays.names))
    months = len(result.months)
    assert arrays.values["cost_usd"].nbytes == len(arrays.names) * months * 8  # float64
    assert result.nbytes() == expected
    lines = result.lines  # built once asked for: a row per workload per month
    assert result.nbytes() == expected + int(lines.memory_usage(deep=False).sum())
    assert result.nbytes() > expected + len(lines) * 8 * 5  # at least the five numbers a row
    assert np.isfinite(result.total_cost_usd)
