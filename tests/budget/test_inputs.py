"""The uncertain inputs are declared once: Drivers, the schema, sliders and value format follow."""

from __future__ import annotations

import dataclasses

import pytest

from budget import readouts
from budget.fmt import input_value
from budget.inputs import DRIVER_NAMES, INPUT_NAMES, INPUTS, INPUTS_BY_NAME, SLIDERS, Slider
from budget.readouts import CAPTIONS
from budget.scenario_model import Drivers
from budget.schema import TABLES_BY_NAME


def test_drivers_fields_are_the_declared_inputs():
    fields = [(f.name, f.default) for f in dataclasses.fields(Drivers)]
    assert fields == [(i.name, i.expected) for i in INPUTS]
    assert fields == [("inference_volume", 1.0), ("output_tokens", 1.0),
                      ("refresh_frequency", 1.0), ("gpu_price", 1.0), ("token_price", 1.0),
                      ("inference_growth", 0.0), ("gpu_throughput", 1.0), ("utilization", 1.0),
                      ("spot_overhead", 0.0)]


def test_the_drivers_are_the_inputs_with_a_slider():
    assert DRIVER_NAMES == ("inference_volume", "output_tokens", "refresh_frequency",
                            "gpu_price", "token_price")
    assert {name: s.url_key for name, s in SLIDERS.items()} == {
        "inference_volume": "plan_volume", "output_tokens": "plan_output_tokens",
        "refresh_frequency": "plan_refresh", "gpu_price": "plan_gpu_price",
        "token_price": "plan_token_price"}
    assert set(CAPTIONS) == set(DRIVER_NAMES)  # one caption per driver, no other


def test_slider_format_reads_like_input_value():
    for name in SLIDERS:
        assert INPUTS_BY_NAME[name].slider_format % 1.3 == input_value(name, 1.3) == "1.30×"


def test_a_slider_needs_a_unit_with_a_format():
    growth = INPUTS_BY_NAME["inference_growth"]  # +2.0 pts/month: printf cannot scale by 100
    with pytest.raises(ValueError, match="inference_growth: a slider needs a unit"):
        dataclasses.replace(growth, slider=Slider("plan_growth"))


def test_captions_are_keyed_from_the_declared_sliders():
    assert list(CAPTIONS) == list(SLIDERS)  # the declaration's order
    assert CAPTIONS["inference_volume"] is readouts.inference_volume_caption
    assert CAPTIONS["gpu_price"] is readouts.gpu_price_caption
    with pytest.raises(ImportError, match="no inference_growth_caption"):
        readouts._caption_of("inference_growth")  # a slider declared without its caption


def test_slider_range():
    slider = SLIDERS["gpu_price"]
    assert (slider.low, slider.high, slider.step) == (0.0, 3.0, 0.05)
    assert slider.top(1.0) == 3.0
    assert slider.top(4.5) == 4.5  # a file value above 3 widens the slider
    assert slider.accepts(0.0, 1.0)
    assert slider.accepts(3.0, 1.0)
    assert not slider.accepts(3.05, 1.0)
    assert slider.accepts(4.5, 4.5)
    assert not slider.accepts(-0.05, 1.0)


@pytest.mark.parametrize(("name", "value", "text"), [
    ("inference_volume", 1.3, "1.30×"),
    ("gpu_throughput", 1.15, "1.15×"),
    ("utilization", 0.85, "0.85×"),
    ("inference_growth", 0.02, "+2.0 pts/month"),  # 0.02 × 100
    ("inference_growth", -0.015, "-1.5 pts/month"),
    ("spot_overhead", 0.15, "+15%"),
    ("spot_overhead", 0.0, "+0%"),
])
def test_input_value_reads_in_the_declared_unit(name, value, text):
    assert input_value(name, value) == text


def test_schema_tables_follow_the_declaration():
    drivers, ranges = TABLES_BY_NAME["drivers"], TABLES_BY_NAME["ranges"]
    assert tuple(k.name for k in drivers.keys) == INPUT_NAMES
    assert tuple(k.name for k in ranges.keys) == INPUT_NAMES
    growth = drivers.key("inference_growth")
    assert growth is not None
    assert (growth.default, growth.low, growth.high) == (0.0, -0.5, 0.5)
    throughput = ranges.key("gpu_throughput")
    assert throughput is not None
    assert (throughput.low, throughput.high, throughput.kind) == (0.01, 10.0, "pair")
