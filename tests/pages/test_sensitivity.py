"""Sensitivity page (AppTest): range KPIs and tornado follow the shared driver sliders."""

from __future__ import annotations

import pytest

from budget.fmt import usd
from budget.scenario import load_scenario
from budget.sensitivity import monte_carlo
from tests.conftest import SMALL, SMALL_TOTAL_USD
from tests.pages.apptest import open_page


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    return open_page("sensitivity")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_range_kpis_match_the_engine(app):
    mc = monte_carlo(load_scenario(SMALL))
    assert metrics(app) == {"Low (P10)": usd(mc.p10), "Point forecast": usd(SMALL_TOTAL_USD),
                            "Mean (Monte Carlo)": usd(float(mc.totals_usd.mean())),
                            "Median (P50)": usd(mc.p50), "High (P90)": usd(mc.p90)}


def test_slider_moves_expected_and_range(app):
    app.slider(key="plan_gpu_price").set_value(1.5).run()
    assert not app.exception
    moved = load_scenario(SMALL).with_drivers(gpu_price=1.5)
    mc = monte_carlo(moved)
    # GPU lines 4,740 × 1.5: + 2,370 on the expected total
    assert metrics(app)["Point forecast"] == usd(SMALL_TOTAL_USD + 2_370)
    assert metrics(app)["High (P90)"] == usd(mc.p90)
    app.button_group(key="sens_table").set_value("Tornado").run()
    tornado = app.dataframe[0].value.set_index("input")
    assert tornado.loc["gpu_price", "low_value"] == pytest.approx(1.5 * 0.85)
    assert tornado.loc["gpu_price", "high_total_usd"] == pytest.approx(
        SMALL_TOTAL_USD + 4_740 * (1.5 * 1.2 - 1))


def test_tables_on_demand_one_at_a_time(app):
    assert len(app.dataframe) == 0  # no table until one is picked: the charts come first
    assert any("Pick a table" in c.value for c in app.caption)
    app.button_group(key="sens_table").set_value("Tornado").run()
    assert len(app.dataframe) == 1
    tornado = app.dataframe[0].value
    assert tornado["swing_usd"].tolist() == sorted(tornado["swing_usd"], reverse=True)
    app.button_group(key="sens_table").set_value("Sobol indices").run()
    assert len(app.dataframe) == 1
    sobol = app.dataframe[0].value
    assert set(sobol["input"]) >= {"Inference volume", "GPU price"}  # labels, not keys
    assert (sobol[["s1", "st", "interaction"]] >= 0).all().all()  # noise below 0 shown as 0
    assert (sobol["st"] >= sobol["s1"] - 0.05).all()


def test_each_table_follows_the_sliders(app):
    app.slider(key="plan_gpu_price").set_value(1.5).run()
    moved = load_scenario(SMALL).with_drivers(gpu_price=1.5)
    mc = monte_carlo(moved)
    picker = app.button_group(key="sens_table")
    picker.set_value("Monthly range").run()
    fan = app.dataframe[0].value
    # the screen shows whole dollars, rounded (not cut) from the engine's figures
    assert fan["p90_usd"].tolist() == [round(v) for v in mc.monthly_p90]
    assert fan["expected_usd"].sum() == pytest.approx(SMALL_TOTAL_USD + 2_370, abs=1.5)
    picker.set_value("Low / point forecast / high").run()
    cases = app.dataframe[0].value.set_index("line")
    assert cases.loc["Total", "high_usd"] == round(mc.p90)
    picker.set_value("Ranges").run()
    ranges = app.dataframe[0].value.set_index("input")
    assert ranges.loc["gpu_price", "expected"] == pytest.approx(1.5)
    assert not app.exception


def test_every_input_has_help(app):
    for widget in [*app.slider, *app.selectbox, *app.button]:
        assert widget.help, widget.label
