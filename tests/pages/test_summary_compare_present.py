"""Summary, Compare and Present pages (AppTest): the engine's numbers, versions, slides."""

from __future__ import annotations

import math

import pytest

from budget.bridge import bridge
from budget.fmt import usd
from budget.forecast import forecast
from budget.scenario import load_scenario
from tests.conftest import ROOT
from tests.pages.apptest import open_page

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"
COST_DOWN = ROOT / "data" / "scenarios" / "fy27-cost-down.toml"


def test_summary_narrative_quotes_the_forecast():
    at = open_page("summary")
    text = " ".join(m.value for m in at.markdown)
    assert usd(forecast(load_scenario(PLAN)).total_cost_usd).replace("$", "\\$") in text
    assert [s.value for s in at.subheader][:5] == ["The budget", "What the spend buys",
                                                   "What moves it", "Risks hedged",
                                                   "Efficiency levers"]


def test_summary_with_previous_version_explains_the_change():
    at = open_page("summary")
    at.selectbox(key="sum_previous").set_value("fy27-cost-down").run()
    assert not at.exception
    assert "What changed" in [s.value for s in at.subheader]


def test_compare_bridge_matches_the_engine():
    at = open_page("compare")
    result = bridge(load_scenario(PLAN), load_scenario(COST_DOWN))
    table = at.dataframe[0].value
    assert table["change"].tolist() == [s.change for s in result.steps]
    # the steps reconcile to the change to the cent (summed exactly, as the engine does)
    assert math.fsum(table["delta_usd"]) == pytest.approx(result.new_total - result.old_total,
                                                          abs=0.005)
    assert at.metric[0].value == usd(result.new_total)


def test_present_walks_through_slides():
    at = open_page("present")
    assert at.metric[0].value == usd(forecast(load_scenario(PLAN)).total_cost_usd)
    at.button(key="present_next").click().run()
    assert at.title[0].value == "The forecast"
    at.button(key="present_back").click().run()
    at.button(key="present_back").click().run()
    assert at.title[0].value == "The story"


@pytest.mark.parametrize("slide", ["²", "9" * 5000, "0", "abc"])
def test_a_slide_that_is_not_one_opens_the_first_with_a_warning(slide):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/present.py")
    at.query_params["slide"] = slide
    at.run()
    assert not at.exception
    assert at.metric[0].value == usd(forecast(load_scenario(PLAN)).total_cost_usd)  # slide 1
    assert len(at.warning) == 1
