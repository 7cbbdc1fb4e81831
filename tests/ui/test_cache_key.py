"""ui/cache.py's scenario key: equal for equal scenarios, different when anything compared moves."""

from __future__ import annotations

import dataclasses

from bench.scale_speed import scenario_data
from budget.scenario import load_scenario, parse_scenario
from tests.conftest import SAMPLE
from ui.cache import scenario_key


def test_equal_scenarios_have_equal_keys():
    first, second = load_scenario(SAMPLE), load_scenario(SAMPLE)  # equal, no table shared
    assert first.inference is not second.inference
    assert scenario_key(first) == scenario_key(second)
    assert scenario_key(first.with_drivers()) == scenario_key(first)
    # previous and reason are not compared (a saved copy keys as its plan)
    assert scenario_key(dataclasses.replace(first, reason="why")) == scenario_key(first)


def test_a_slider_move_or_an_edit_changes_the_key():
    base = load_scenario(SAMPLE)
    key = scenario_key(base)
    assert scenario_key(base.with_drivers(inference_volume=1.1)) != key
    assert scenario_key(dataclasses.replace(base, inference=base.inference[:-1])) != key
    edited = dataclasses.replace(base.inference[0], requests_per_month=1.0)
    assert scenario_key(dataclasses.replace(
        base, inference=(edited, *base.inference[1:]))) != key
    assert scenario_key(base) == key  # the memo still answers for the original tables


def test_big_tables_are_keyed_by_their_memoised_hashes():
    # 120 copies of the bundled plan's rows: tables of more than 8 rows, whose hashes are memoised
    first, second = (parse_scenario(scenario_data(120, 6), "big") for _ in range(2))
    assert len(first.inference) > 8
    assert scenario_key(first) == scenario_key(second)  # equal plans, tables not shared
    moved = first.with_drivers(gpu_price=1.2)
    assert moved.inference is first.inference  # a slider move shares the tables
    assert scenario_key(moved) != scenario_key(first)
    assert scenario_key(moved.with_drivers(gpu_price=first.drivers.gpu_price)) == scenario_key(
        first)
