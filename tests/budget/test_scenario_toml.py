"""Saving a version: whatever the planner holds, the file written is one the loader accepts."""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.inputs import INPUTS, INPUTS_BY_NAME
from budget.scenario import load_scenario, parse_scenario_bytes
from budget.scenario_model import Scenario, WrittenRange
from budget.scenario_toml import save_version, scenario_toml, version_name
from budget.schema import NAME_MAX, TINY
from tests.conftest import SMALL

NOW = datetime(2026, 12, 1, 9, 30)


def driver_values(name: str) -> st.SearchStrategy[float]:
    """Values a slider, a URL or a file can leave in one driver, its edges and float noise first."""
    spec = INPUTS_BY_NAME[name]
    low, high = spec.low_bound, spec.high_bound
    edges = [low, high, math.nextafter(low, math.inf), math.nextafter(high, -math.inf),
             spec.expected, 0.7 + 0.3, 0.1 + 0.2, 1 / 3, 0.05 * 3, 2.9000000000000004]
    return st.one_of(st.sampled_from([v for v in edges if low <= v <= high]),
                     st.floats(low, high, allow_nan=False),
                     st.just(1e-300).filter(lambda v: low <= v))


def relatives(name: str) -> st.SearchStrategy[tuple[float, float]]:
    """Ranges as the loader keeps them: ratios around 1, or offsets around 0, edges included."""
    if INPUTS_BY_NAME[name].kind == "ratio":
        below = st.sampled_from([0.0, 0.5, 0.7, 0.85, 1 / 3, 1.0])
        above = st.sampled_from([1.0, 1.0000000000000002, 1.1, 1.3, 7 / 3, 2.0])
    else:
        below = st.sampled_from([0.0, -0.02, -0.019999999999999997, -1 / 3, -0.5])
        above = st.sampled_from([0.0, 0.02, 0.15, 1 / 3, 0.5])
    return st.tuples(below, above)


@st.composite
def adjusted(draw: st.DrawFn) -> Scenario:
    """Draw the small scenario with ranges on every input and drivers anywhere in bounds."""
    base = load_scenario(SMALL)
    ranges = tuple(WrittenRange(i.name, draw(relatives(i.name))) for i in INPUTS)
    drivers = {i.name: draw(driver_values(i.name)) for i in INPUTS}
    return dataclasses.replace(base, ranges=ranges).with_drivers(**drivers)


@settings(max_examples=100, deadline=None)
@given(adjusted())
def test_what_is_saved_always_loads_with_the_same_drivers(scenario):
    loaded = parse_scenario_bytes(scenario_toml(scenario).encode("utf-8"), "saved.toml")
    for name, value in dataclasses.asdict(scenario.drivers).items():
        expected = 0.0 if abs(value) < TINY else value  # below TINY is written as 0
        assert getattr(loaded.drivers, name) == expected
    assert [r.name for r in loaded.ranges] == [r.name for r in scenario.ranges]


def test_a_range_edge_that_rounding_would_cut_off_still_holds_the_value():
    # 1/3 × 1.0 rounded to 10 decimals is 0.3333333333 < 1/3: the loader refused that file
    base = dataclasses.replace(load_scenario(SMALL),
                               ranges=(WrittenRange("token_price", (0.7, 1.0)),))
    text = scenario_toml(base.with_drivers(token_price=1 / 3))
    assert tomllib.loads(text)["ranges"]["token_price"] == [0.2333333333, 1 / 3]
    assert parse_scenario_bytes(text.encode(), "x").drivers.token_price == 1 / 3


def test_a_comment_never_breaks_the_file():
    text = scenario_toml(load_scenario(SMALL), "from evil\x00\x7f.toml\nsecond line\u202e")
    assert text.startswith("# from evil\\x00\\x7f.toml\n# second line\\u202e\n\n")
    assert parse_scenario_bytes(text.encode(), "x").name == "Small"


def test_what_would_not_load_is_refused_before_writing():
    too_long = dataclasses.replace(load_scenario(SMALL), name="n" * (NAME_MAX + 1))
    with pytest.raises(BudgetInputError, match=r"^the new version: would not load: .*is 201 "
                       r"characters long"):
        scenario_toml(too_long)


@pytest.mark.parametrize(("length", "kept"), [(10, 10), (NAME_MAX, NAME_MAX - 26)])
def test_version_name_fits_the_name_limit(length, kept):
    name = version_name("n" * length, "2026-12-01 09:30")
    assert name.endswith(" (saved 2026-12-01 09:30)") and len(name) <= NAME_MAX
    assert name.count("n") == kept


def test_save_version_writes_a_loadable_file_once_per_click(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_bytes(SMALL.read_bytes())
    adjusted = load_scenario(source).with_drivers(gpu_price=1.5)
    first = save_version(tmp_path, adjusted, NOW, file_stamp(source))
    again = save_version(tmp_path, adjusted, NOW, file_stamp(source))  # a double click
    assert (first.path.name, first.created) == ("plan-20261201.toml", True)
    assert (again.path, again.created) == (first.path, False)
    saved = load_scenario(first.path)
    assert saved.name == "Small (saved 2026-12-01 09:30)" and saved.drivers.gpu_price == 1.5
    other = save_version(tmp_path, adjusted.with_drivers(gpu_price=2.0), NOW)
    assert (other.path.name, other.created) == ("plan-20261201-2.toml", True)


def test_save_version_refuses_a_source_changed_since_it_was_read(tmp_path):
    source = tmp_path / "plan.toml"
    source.write_bytes(SMALL.read_bytes())
    stamp = file_stamp(source)
    adjusted = load_scenario(source)
    source.write_bytes(SMALL.read_bytes() + b"\n# edited\n")
    os.utime(source, ns=(stamp[0] + 10**9, stamp[0] + 10**9))
    with pytest.raises(BudgetInputError, match=r"^plan.toml: changed on disk after the page read"):
        save_version(tmp_path, adjusted, NOW, stamp)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]
