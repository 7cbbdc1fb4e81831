"""ui/cache.py's scenario key: equal for equal scenarios, different when anything compared moves."""

from __future__ import annotations

import dataclasses

from budget.scenario import load_scenario
from tests.conftest import SAMPLE
from ui.cache import scenario_key


def test_equal_scenarios_have_equal_keys():
    first, second = load_scenario(SAMPLE), load_scenario(SAMPLE)  # equal, no table shared
    assert first.inference is not second.inference
    assert scenario_key(first) == scenario_key(second) == hash(first)
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
