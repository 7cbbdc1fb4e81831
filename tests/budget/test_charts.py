"""The monthly chart carries the forecast's numbers in a fixed category order and colour."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pytest

from budget.charts import (
    CATEGORY_COLORS,
    SHAPES,
    cases_data,
    cases_shape,
    fan_data,
    fan_shape,
    monthly_by_category,
    monthly_category_data,
    sobol_data,
    sobol_shape,
    tornado_chart,
    tornado_data,
)
from budget.forecast import CATEGORIES, forecast
from budget.scenario import load_scenario
from tests.conftest import SMALL


def test_chart_data_matches_forecast():
    spec = monthly_by_category(forecast(load_scenario(SMALL))).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 3 * len(CATEGORIES)
    assert sum(r["cost_usd"] for r in rows) == pytest.approx(19_420)
    nov = {r["category"]: r["cost_usd"] for r in rows if r["month"] == "2027-11"}
    assert nov["platform"] == pytest.approx(1000)
    jan = [r["month_total_usd"] for r in rows if r["month"] == "2028-01"]
    assert jan == pytest.approx([7460] * len(CATEGORIES))
    assert spec["encoding"]["color"]["scale"]["range"] == [CATEGORY_COLORS[c] for c in CATEGORIES]
    # months that do not fit side by side (a slide's 22 px labels) show every other one,
    # never printed over each other
    assert spec["encoding"]["x"]["axis"]["labelOverlap"] == "parity"


def test_tornado_chart_labels_both_ends():
    from budget.sensitivity import tornado

    base, bars = tornado(load_scenario(SMALL))
    spec = tornado_chart(base, bars).to_dict()
    rows = next(iter(spec["datasets"].values()))
    gpu = {r["side"]: r for r in rows if r["input"] == "GPU price"}
    assert gpu["At P10"]["text"] == "0.85× → $18.71K"  # 19,420 − 0.15 × 4,740
    assert gpu["At P90"]["text"] == "1.20× → $20.37K"  # 19,420 + 0.2 × 4,740
    assert gpu["At P10"]["align_right"] and not gpu["At P90"]["align_right"]
    rule = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert len(rule) == 1
    # biggest swing on top: inference volume × [0.8, 1.3] moves chat and batch-sum (11,130)
    assert bars[0].input == "inference_volume"
    assert {r["input"] for r in rows if r["rank"] == 0} == {"Inference volume"}
    assert spec["layer"][0]["encoding"]["y"]["sort"] == {"field": "rank", "op": "min",
                                                         "order": "ascending"}


def _resolved(spec: Any, datasets: dict[str, Any]) -> Any:
    """Return `spec` with each named-data reference replaced by its rows (JSON-normalised)."""
    if isinstance(spec, dict):
        if set(spec) == {"name"} and spec["name"] in datasets:
            return json.loads(json.dumps(datasets[spec["name"]], default=str))
        return {k: _resolved(v, datasets) for k, v in spec.items()
                if k not in ("datasets", "config", "$schema")}
    if isinstance(spec, list):
        return [_resolved(v, datasets) for v in spec]
    return spec


def _live_cases():
    from budget.sensitivity import cases_by_category, monte_carlo, scenario_sobol, tornado

    scenario = load_scenario(SMALL)
    result = forecast(scenario)
    base, bars = tornado(scenario)
    mc = monte_carlo(scenario, draws=500)
    indices = scenario_sobol(scenario)
    fan = fan_data(result.months, mc.monthly_p10, mc.monthly_p50, mc.monthly_p90,
                   result.total_usd.tolist())
    cases, sobol = cases_data(cases_by_category(scenario, mc)), sobol_data(indices)
    # fan, cases and Sobol are drawn only live: their whole chart is the shape over the frames
    return [("monthly", monthly_category_data(result), {"height": 300},
             monthly_by_category(result, height=300)),
            ("tornado", tornado_data(base, bars), {}, tornado_chart(base, bars)),
            ("fan", fan, {}, fan_shape(fan)),
            ("cases", cases, {}, cases_shape(cases)),
            ("sobol", sobol, {}, sobol_shape(sobol))]


def test_live_shape_with_its_data_is_the_whole_chart():
    # The app draws SHAPES[kind] over named datasets (built once) and sends only the frames on
    # a move; filled in, that must be exactly the chart the PDF and the tests build whole.
    for kind, frames, sizes, whole in _live_cases():
        template = SHAPES[kind]({n: alt.NamedData(n) for n in frames}, **sizes).to_dict()
        live = _resolved(template, {n: f.to_dict("records") for n, f in frames.items()})
        spec = whole.to_dict()
        assert live == _resolved(spec, spec["datasets"]), kind
        # and the template itself carries no data: only names the app fills in
        assert "datasets" not in template, kind


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the one dataset of a chart spec."""
    (rows,) = spec["datasets"].values()
    return list(rows)


def test_bridge_labels_are_signed_short_amounts():
    from budget.charts import bridge_chart

    spec = bridge_chart(19_420.0, 18_000.0, [("gpu price", 1_230_000.0),
                                             ("token price", -1_231_420.0),
                                             ("nothing", 0.0)]).to_dict()
    text = {r["label"]: r["text"] for r in _rows(spec)}
    assert text == {"Old total": "$19.42K", "gpu price": "+$1.23M", "token price": "-$1.23M",
                    "nothing": "+$0", "New total": "$18.00K"}


def test_monthly_versions_chart_has_one_line_per_version():
    import dataclasses

    from budget.charts import monthly_versions_chart, monthly_versions_data

    old = load_scenario(SMALL)
    new = dataclasses.replace(old, drivers=dataclasses.replace(old.drivers, inference_volume=2.0))
    data = monthly_versions_data([("small", forecast(old)), ("double", forecast(new))])
    assert data.columns.tolist() == ["month", "usd", "version"]
    assert data["version"].tolist() == ["small"] * 3 + ["double"] * 3
    assert data["month"].tolist() == ["2027-11", "2027-12", "2028-01"] * 2
    small = data[data["version"] == "small"]["usd"].tolist()
    assert small == pytest.approx([5_580, 6_380, 7_460])
    assert data[data["version"] == "double"]["usd"].sum() == pytest.approx(30_550)
    spec = monthly_versions_chart([("small", forecast(old)), ("double", forecast(new))]).to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["color"]["field"] == "version"
    assert sum(r["usd"] for r in _rows(spec)) == pytest.approx(19_420 + 30_550)


def test_placements_chart_plots_cost_against_exposure():
    import pandas as pd

    from budget.charts import placements_chart

    table = pd.DataFrame({"placement": ["as planned", "all aws"], "gpu_cost_usd": [10.0, 8.0],
                          "largest_cloud_share": [0.6, 1.0], "switching_usd": [0.0, 500.0]})
    spec = placements_chart(table).to_dict()
    points, labels = spec["layer"]
    assert points["mark"]["type"] == "circle" and labels["mark"]["type"] == "text"
    for layer in (points, labels):  # both layers on the same axes
        assert (layer["encoding"]["x"]["field"], layer["encoding"]["y"]["field"]) == (
            "largest_cloud_share", "gpu_cost_usd")
        assert layer["encoding"]["x"]["scale"]["domain"] == [0.4, 1]
    assert points["encoding"]["color"]["legend"] is None  # each point is named beside it
    assert points["encoding"]["color"]["scale"]["range"][:2] == ["#0072B2", "#E69F00"]
    assert labels["encoding"]["text"]["field"] == "short"
    assert [r["gpu_cost_usd"] for r in _rows(spec)] == [10.0, 8.0]


def test_alert_marks():
    from datetime import date

    from budget.alerts import Alert
    from budget.charts import alert_marks

    alert = Alert("unit_cost", (("endpoint", "chat"), ("environment", "prod")), date(2026, 11, 3),
                  1.0, 1.2, 240.0, "USD per 1K requests")
    assert alert_marks([alert]) == [("2026-11-03", f"unit cost: {alert.subject}")]
    assert alert_marks([]) == []


@pytest.mark.parametrize(("planned", "crossing", "top"), [
    (1_000_000.0, 3_000_000.0, 6_000_000.0),  # twice the crossing, the larger
    (4_000_000.0, 3_000_000.0, 8_000_000.0),  # twice the plan
    (1_000_000.0, None, 2_000_000.0),  # no crossing: twice the plan
])
def test_break_even_volumes(planned, crossing, top):
    from budget.breakeven import BreakEven
    from budget.charts import break_even_point_chart, break_even_volumes

    point = BreakEven("chat", "api", 0.002, 0.001, 1_000.0, planned, crossing)
    volumes = break_even_volumes(point)
    assert len(volumes) == 60 and volumes[0] == 0 and volumes[-1] == pytest.approx(top)
    spec = break_even_point_chart(point).to_dict()
    rows = [r for data in spec["datasets"].values() for r in data]
    api = [r for r in rows if r.get("option") == "API"]
    assert api[-1]["usd"] == pytest.approx(top * 0.002)


def test_with_text_px_raises_every_text_size_and_keeps_the_data():
    from budget.charts import with_text_px

    spec = {"layer": [{"mark": {"type": "text", "fontSize": 12},
                       "encoding": {"y": {"axis": {"labelFontSize": 13, "labelLimit": 260}}}},
                      {"mark": {"type": "bar", "size": 30},
                       "encoding": {"x": {"scale": {"zero": False, "padding": 130}}}}],
            "datasets": {"d": [{"fontSize": 1}]}, "config": {"axis": {"grid": True}}}
    out = with_text_px(spec, 22)
    assert out["layer"][0]["mark"]["fontSize"] == 22
    axis = out["layer"][0]["encoding"]["y"]["axis"]
    assert axis == {"labelFontSize": 22, "labelLimit": 440}  # 260 × 22 / 13
    assert out["layer"][1]["mark"] == {"type": "bar", "size": 30}  # not a text size
    assert out["layer"][1]["encoding"]["x"]["scale"] == {"zero": False, "padding": 220}  # ×22/13
    assert out["datasets"] is spec["datasets"]  # data untouched, even a field named fontSize
    assert out["config"]["axis"] == {"grid": True, "labelFontSize": 22, "titleFontSize": 22}
    assert out["config"]["legend"]["labelFontSize"] == 22
    assert spec["layer"][0]["mark"]["fontSize"] == 12  # a copy


def test_spend_by_chart_has_room_for_every_label():
    """Seven models: 60 px of axis + 34 px a bar, so no label is dropped for overlap."""
    import pandas as pd

    from budget.charts import spend_by_chart

    table = pd.DataFrame({"model": [f"m{i}" for i in range(7)], "cost": [7.0 - i for i in range(7)],
                          "share": [1 / 7] * 7})
    assert spend_by_chart(table, "model", "USD").to_dict()["height"] == 60 + 34 * 7
    assert spend_by_chart(table.head(1), "model", "USD").to_dict()["height"] == 60 + 34 * 3


def test_break_even_labels_hang_inside_the_plot():
    import pandas as pd

    from budget.charts import break_even_chart

    curves = pd.DataFrame({"requests_per_month": [0.0, 2e6], "api_usd": [0.0, 20.0],
                           "self_host_usd": [10.0, 10.0]})
    text = break_even_chart(curves, 1.5e6, 1e6).to_dict()["layer"][2]
    assert text["mark"]["baseline"] == "top" and text["encoding"]["y"] == {"value": 4}
    assert "dy" not in text["mark"]  # was dy=-140: cut off at the chart's top edge
