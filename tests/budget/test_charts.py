"""The monthly chart carries the forecast's numbers in a fixed category order and colour."""

from __future__ import annotations

import pytest

from budget.charts import CATEGORY_COLORS, monthly_by_category
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


def test_tornado_chart_labels_both_ends():
    from budget.charts import tornado_chart
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
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    # biggest swing on top: inference volume × [0.8, 1.3] moves chat and batch-sum (11,130)
    assert bars[0].input == "inference_volume"
    assert order[0] == "Inference volume"
