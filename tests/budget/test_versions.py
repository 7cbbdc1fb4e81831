"""Two versions' headline figures and their changes, on small.toml by hand."""

from __future__ import annotations

import dataclasses

import pytest

from budget.forecast import forecast
from budget.scenario import load_scenario
from budget.versions import Figure, headline_figures
from tests.conftest import SMALL


@pytest.mark.parametrize(("figure", "change", "text"), [
    (Figure("Horizon total", 19_420.0, 30_550.0, 0), 11_130.0, "+$11,130"),
    (Figure("First month", 5_580.0, 5_000.0, 0), -580.0, "-$580"),
    (Figure("Last month", 7_460.0, 7_460.0, 0), 0.0, "+$0"),  # unchanged still reads +$0
    (Figure("Per 1K requests", 2.5353, 2.5, 4), pytest.approx(-0.0353), "-$0.0353"),
    (Figure("Per 1K requests", None, 2.5, 4), None, None),
    (Figure("Per 1K requests", 2.5, None, 4), None, None),
])
def test_change(figure, change, text):
    assert figure.change_usd == change
    assert figure.change_text == text


def test_headline_figures_of_small_against_double_volume():
    old = load_scenario(SMALL)
    new = dataclasses.replace(old, drivers=dataclasses.replace(old.drivers, inference_volume=2.0))
    figures = headline_figures(forecast(old), forecast(new))
    assert [f.label for f in figures] == ["Horizon total", "First month", "Last month",
                                          "Per 1K requests"]
    total, first, last, per_1k = figures
    assert (total.old_usd, total.new_usd) == (pytest.approx(19_420), pytest.approx(30_550))
    assert total.change_text == "+$11,130"  # chat +9,930, batch +1,200
    assert (first.old_usd, last.old_usd) == (pytest.approx(5_580), pytest.approx(7_460))
    assert per_1k.old_usd == pytest.approx(11_130 / 4_390_000 * 1000)
    assert (total.decimals, per_1k.decimals) == (0, 4)
