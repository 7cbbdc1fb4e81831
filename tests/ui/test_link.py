"""Tests for ui.link: a link's bad values named, and a hostile one shown as text."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from budget.scenario_model import Drivers
from tests.conftest import ROOT
from tests.pages.test_safe_text import live_markup
from ui.link import link_problems

NAMES = ["fy27-plan", "fy27-cost-down"]


def test_a_good_link_has_no_problem():
    params = {"scenario": "fy27-cost-down", "plan_volume": "1.3", "plan_gpu_price": "0"}
    assert link_problems(params, NAMES, Drivers()) == []


@pytest.mark.parametrize(("params", "message"), [
    ({"scenario": "nope"}, "The link names the scenario 'nope', which is not in scenarios/: "
                           "the page shows 'fy27-plan'."),
    ({"plan_volume": "abc"}, "The link's plan_volume=abc is not a number: every page uses the "
                             "file's value, 1."),
    ({"plan_refresh": "nan"}, "The link's plan_refresh=nan is not a number: every page uses "
                              "the file's value, 1."),
    ({"plan_volume": "5"}, "The link's plan_volume=5 is outside the slider's 0 to 3: every "
                           "page uses the file's value, 1."),
    ({"plan_token_price": "-0.5"}, "The link's plan_token_price=-0.5 is outside the slider's "
                                   "0 to 3: every page uses the file's value, 1."),
])
def test_each_bad_value_is_named(params, message):
    assert link_problems(params, NAMES, Drivers()) == [message]


def test_a_file_value_above_the_slider_widens_what_a_link_may_set():
    """A file at 4× volume: its slider runs to 4, so 3.5 is a good link and 4.5 is not."""
    drivers = Drivers(inference_volume=4.0)
    assert link_problems({"plan_volume": "3.5"}, NAMES, drivers) == []
    assert link_problems({"plan_volume": "4.5"}, NAMES, drivers) == [
        "The link's plan_volume=4.5 is outside the slider's 0 to 4: every page uses the "
        "file's value, 4."]


def test_a_hostile_link_value_is_shown_as_text(monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(ROOT / "data" / "scenarios"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/summary.py")
    hostile = "![x](http://127.0.0.2/t.png) :red[big] $x^2$"
    at.query_params["plan_volume"] = hostile
    at.run()
    assert not at.exception, at.exception
    bodies = [w.value for w in at.warning]
    assert len(bodies) == 1 and "is not a number" in bodies[0]
    assert live_markup(bodies[0]) == []  # reaches Markdown only escaped
