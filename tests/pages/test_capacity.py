"""Capacity page (AppTest): the engine's strategies; the user's mix follows its sliders."""

from __future__ import annotations

from budget.fmt import usd
from budget.procurement import strategies
from budget.scenario import load_scenario
from tests.conftest import ROOT, SMALL
from tests.pages.apptest import open_page

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


def test_capacity_numbers_match_the_engine():
    at = open_page("capacity")
    costs = {s.name: s.cost for s in strategies(load_scenario(PLAN))}
    values = {m.label: m.value for m in at.metric}
    assert values["All on demand"] == usd(costs["all_on_demand"])
    assert values["Recommended"] == usd(costs["recommended"])
    assert len(at.markdown) >= 2  # both break-even workloads explained


def test_your_mix_follows_the_sliders(monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    at = open_page("capacity")
    at.slider(key="cap_spot").set_value(100).run()
    table = next(d.value for d in at.dataframe if "strategy" in d.value.columns)
    mine = table.set_index("strategy").loc["your mix", "cost_usd"]
    assert mine == (200 * 4.0 + 360 * 1.1 * 2.0) * 3  # all checkpointable work on spot
    for widget in [*at.slider, *at.selectbox]:
        assert widget.help


def test_recommended_delta_is_signed_against_on_demand(monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    at = open_page("capacity")
    [metric] = [m for m in at.metric if m.label == "Recommended"]
    # small.toml by hand (tests/budget/test_procurement.py): 4,776 recommended − 6,720 on demand
    assert metric.value == "$4,776" and metric.delta == "-$1,944"


def test_recommended_shows_no_delta_when_it_saves_nothing(monkeypatch, tmp_path):
    """Spot and reserved at the on-demand price: recommended = all on demand = $6,720, no arrow."""
    text = SMALL.read_text(encoding="utf-8").replace("spot = 2.0", "spot = 4.0").replace(
        "reserved = 3.0", "reserved = 4.0")
    (tmp_path / "small.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("capacity")
    [metric] = [m for m in at.metric if m.label == "Recommended"]
    assert metric.value == "$6,720" and not metric.delta  # AppTest reads a missing delta as ""


def test_the_plans_own_gpu_spend_stands_beside_the_strategies(monkeypatch):
    """small.toml: 4,740 at the written pricing against 4,776 recommended and 6,720 on demand."""
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    at = open_page("capacity")
    values = {m.label: m.value for m in at.metric}
    assert values["The plan's GPU spend"] == "$4,740"
    assert values["Recommended"] == "$4,776"
    assert any("rounding up to whole GPUs" in c.value for c in at.caption)


def test_your_mix_is_in_the_link(monkeypatch):
    """capacity?cap_spot=100 opens with all checkpointable work on spot, as the slider would."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/capacity.py")
    at.query_params["cap_spot"] = "100"
    at.run()
    assert at.slider(key="cap_spot").value == 100
    table = next(d.value for d in at.dataframe if "strategy" in d.value.columns)
    assert table.set_index("strategy").loc["your mix", "cost_usd"] == (
        200 * 4.0 + 360 * 1.1 * 2.0) * 3
    bands = next(d.value for d in at.dataframe if "band" in d.value.columns)
    assert set(bands["band"]) == {"Baseline", "Expected peak", "Stress peak"}
