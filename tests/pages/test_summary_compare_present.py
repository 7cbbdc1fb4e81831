"""Summary, Compare and Present pages (AppTest): the engine's numbers, versions, slides."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from budget.bridge import bridge
from budget.fmt import usd
from budget.forecast import forecast
from budget.scenario import load_scenario
from tests.conftest import ROOT, SMALL
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
    table = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert table["change"].tolist() == [s.change for s in result.steps]
    assert table["changes"].tolist() == ["; ".join(s.changes) for s in result.steps]
    # each step as the engine has it, in whole dollars on the screen (rounded, never cut);
    # the engine's steps add up to the change exactly (tests/budget/test_bridge.py)
    assert table["delta_usd"].tolist() == [round(s.delta) for s in result.steps]
    assert math.fsum(table["delta_usd"]) == pytest.approx(result.new_total - result.old_total,
                                                          abs=len(result.steps) / 2)
    assert [m.value for m in at.metric] == [usd(result.old_total), usd(result.new_total)]
    # a grouped step, even one worth $0, lists each change in its expander
    search = next(e for e in at.expander if e.label.startswith("inference/search-answers"))
    assert search.label == "inference/search-answers: 3 changes (+\\$0)"
    assert search.markdown[0].value.splitlines() == [
        "- min_gpus: 4 -> None", "- api_price_per_1m_input: 0.72 -> None",
        "- api_price_per_1m_output: 0.72 -> None"]


@pytest.fixture
def three_files(tmp_path, monkeypatch):
    """Put small.toml and two variants in the scenario folder."""
    text = SMALL.read_text(encoding="utf-8")
    doubled = text.replace("inference_volume = 1.0", "inference_volume = 2.0")
    cheap = text.replace("gpu_price = 1.0", "gpu_price = 0.5")
    for name, body in (("small", text), ("doubled", doubled), ("cheap-gpus", cheap)):
        (tmp_path / f"{name}.toml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))


def test_compare_three_scenarios_against_a_chosen_base(three_files):
    at = open_page("compare")
    at.multiselect(key="cmp_files").set_value(["small", "doubled", "cheap-gpus"]).run()
    at.selectbox(key="cmp_base").set_value("cheap-gpus").run()
    assert not at.exception
    # small.toml is 19,420; inference_volume 2 doubles chat (9,930) and batch-sum (1,200):
    # 30,550; gpu_price 0.5 halves batch-sum, ft and experimentation (1,200 + 1,200 + 2,340):
    # 19,420 − 2,370 = 17,050. Against 17,050: +2,370 (13.90%), +13,500 (79.18%)
    assert [(m.label, m.value, m.delta) for m in at.metric] == [
        ("small", "$19,420", "+$2,370 (+13.9%)"), ("doubled", "$30,550", "+$13,500 (+79.2%)"),
        ("cheap-gpus (base)", "$17,050", "")]
    categories = at.dataframe[0].value
    training = categories[categories["category"] == "Training"]
    assert training["usd"].tolist() == pytest.approx([1_200, 1_200, 600])
    assert training["delta_usd"].tolist() == pytest.approx([600, 600, 0])
    assert training["delta_pct"].tolist() == pytest.approx([100, 100, 0])
    # the bridge opens from the base to the first other: gpu_price back to 1 is +2,370
    assert (at.selectbox(key="cmp_old").value, at.selectbox(key="cmp_new").value) == (
        "cheap-gpus", "small")
    steps = at.dataframe[1].value
    assert steps["change"].tolist() == ["drivers/gpu_price: 0.5 -> 1"]
    assert steps["delta_usd"].tolist() == pytest.approx([2_370])


@pytest.mark.parametrize("chosen", [["small"], []])
def test_compare_fewer_than_two_says_so(three_files, chosen):
    at = open_page("compare")
    at.multiselect(key="cmp_files").set_value(chosen).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        f"Choose 2 to 6 scenarios to compare ({len(chosen)} chosen)."]
    assert not at.metric


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


@pytest.mark.parametrize("slide", ["2", "3"])
def test_present_charts_are_readable_from_the_back_of_the_room(slide):
    import json

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/present.py")
    at.query_params["slide"] = slide
    at.run()
    assert not at.exception, at.exception
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    sizes: list[float] = []

    def walk(node):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("fontSize", "labelFontSize", "titleFontSize"):
                    sizes.append(value)
                elif key != "datasets":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    assert sizes and min(sizes) >= 22  # every label, axis, legend and mark text
    assert spec["config"]["axis"]["labelFontSize"] == 22


def test_summary_against_actuals_flags_the_gap_and_states_the_track_record():
    at = open_page("summary")
    assert "Against actuals" in [s.value for s in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "Flag: that gap is beyond ±10%." in text
    assert "Track record: over the last 9 months, 1-month forecasts by plans calibrated from " \
           "these actuals were off by 2.8% on average" in text
