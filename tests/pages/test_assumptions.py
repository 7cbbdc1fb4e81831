"""Assumptions page (AppTest): every section of the file, prices with source and date."""

from __future__ import annotations

from tests.conftest import SMALL
from tests.pages.apptest import open_page


def test_assumptions_show_every_section(monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    at = open_page("assumptions")
    assert [t.value for t in at.title] == ["Assumptions"]
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 7
    assert tables[6].set_index("input").loc["gpu_price", "p90"] == 1.2  # default range
    prices = tables[1]
    assert prices.loc[0, "source"] == "test figures"
    assert prices.loc[0, "as_of"] == "2026-11"
    assert tables[2]["name"].tolist() == ["chat", "batch-sum"]
