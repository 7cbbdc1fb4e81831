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
