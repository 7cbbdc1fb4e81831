"""Tests for ui.money: one money format on every table, places by what the amount is."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from tests.conftest import ROOT
from ui.money import BILLED_DECIMALS, PLAN_DECIMALS, UNIT_DECIMALS, money_column, money_decimals
from ui.tables import labelled


@pytest.mark.parametrize(("key", "places"), [
    ("usd", PLAN_DECIMALS), ("cost_usd", PLAN_DECIMALS), ("usd_per_run", PLAN_DECIMALS),
    ("run_rate_usd_per_day", PLAN_DECIMALS), ("saving_vs_on_demand_usd", PLAN_DECIMALS),
    ("usd_per_1k_requests", UNIT_DECIMALS), ("usd_per_1m_tokens", UNIT_DECIMALS),
    ("usd_per_gpu_hour", UNIT_DECIMALS),
    ("cost", None), ("gpu_hours", None), ("usda_region", None), ("share", None),
])
def test_money_decimals(key, places):
    assert money_decimals(key) == places


@pytest.mark.parametrize(("currency", "decimals", "fmt", "step"), [
    ("USD", 0, "dollar", 1), ("USD", 2, "dollar", 0.01), ("USD", 4, "dollar", 0.0001),
    ("EUR", 2, "euro", 0.01), ("JPY", 2, "yen", 1), ("GBP", 2, "localized", 0.01),
])
def test_money_column_sets_the_preset_and_the_places(currency, decimals, fmt, step):
    config = money_column("Cost", decimals=decimals, currency=currency)["type_config"]
    # Streamlit shows as many places as the step has: 0.01 gives $1,234.56, 1 gives $1,234.
    assert (config["format"], config["step"]) == (fmt, pytest.approx(step, rel=1e-12))


def test_labelled_formats_unconfigured_money_columns_only():
    frame = pd.DataFrame({"team": ["a"], "cost_usd": [1.5], "usd_per_1k_requests": [0.2],
                          "note_usd": ["text"], "gpu_hours": [3.0], "base_usd": [2.0]})
    config = labelled(frame, {"base_usd": money_column("Base", decimals=BILLED_DECIMALS)})
    assert config["cost_usd"]["type_config"]["step"] == 1
    assert config["cost_usd"]["label"] == "Cost (USD)"
    assert config["usd_per_1k_requests"]["type_config"]["step"] == pytest.approx(1e-4)
    assert config["base_usd"]["type_config"]["step"] == pytest.approx(0.01)  # the page's own
    assert "type_config" not in config["note_usd"]  # text stays text
    assert "type_config" not in config["gpu_hours"]


def test_no_page_formats_money_by_hand():
    # Every money column comes from ui.money: a printf '$' format or a bare preset elsewhere
    # would bring back '$149,545.28' beside '$2,018,741' for the same kind of figure.
    presets = {"dollar", "euro", "yen", "accounting"}
    offenders = []
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]:
        if path.name == "money.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    node.value in presets or "$%" in node.value):
                offenders.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert offenders == []


def test_the_screen_gets_money_rounded_to_its_places_not_cut():
    from ui.money import for_screen

    # Streamlit cuts a cell to its places: $271,702.53 would read $271,702 beside the
    # narrative's $271,703. The screen gets it rounded; other columns stay as they are.
    frame = pd.DataFrame({"base_usd": [271_702.534393, 1_234.565001], "share": [0.123456, 1.0],
                          "billed": [1_234.569999999, 0.004999]})
    config = {"base_usd": money_column(), "billed": money_column(decimals=BILLED_DECIMALS),
              "share": {"type_config": {"format": "percent", "step": 0.01}}}
    shown = for_screen(frame, config)
    assert shown["base_usd"].tolist() == [271_703.0, 1_235.0]
    assert shown["billed"].tolist() == [1_234.57, 0.0]
    assert shown["share"].tolist() == frame["share"].tolist()
    assert frame["base_usd"].iloc[0] == 271_702.534393  # the CSV's frame is not touched
