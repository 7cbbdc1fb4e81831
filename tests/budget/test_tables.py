"""Presentation tables and CSV bytes reconcile with the forecast."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from budget.fmt import compact, sentence, usd
from budget.forecast import forecast
from budget.scenario import load_scenario
from budget.tables import assumption_tables, csv_bytes, gpu_hour_rows, monthly_rows, workload_rows
from tests.conftest import SMALL


@pytest.fixture
def result():
    return forecast(load_scenario(SMALL))


def test_workload_csv_round_trips_and_sums(result):
    rows = workload_rows(result)
    assert rows["workload"].tolist()[0] == "chat"  # largest first: $9,930
    back = pd.read_csv(io.BytesIO(csv_bytes(rows)))
    assert back["cost_usd"].sum() == pytest.approx(19_420)
    assert back.set_index("workload").loc["batch-sum", "category"] == "Batch inference"


def test_monthly_rows_total_column(result):
    table = monthly_rows(result)
    assert table["Month"].tolist() == ["2027-11", "2027-12", "2028-01"]
    assert table["Total"].tolist() == pytest.approx([5580, 6380, 7460])
    parts = table.drop(columns=["Month", "Total"]).sum(axis=1)
    assert parts.tolist() == pytest.approx(table["Total"].tolist())


def test_gpu_hour_rows(result):
    assert gpu_hour_rows(result)["aws/H100"].tolist() == pytest.approx([560] * 3)


def test_assumption_tables_keep_sources():
    tables = assumption_tables(load_scenario(SMALL))
    assert list(tables) == ["drivers", "gpu_prices", "inference", "training", "experimentation",
                            "platform", "ranges"]
    assert tables["gpu_prices"].loc[0, "source"] == "test figures"
    assert tables["drivers"]["value"].tolist()[:5] == [1.0] * 5


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234.5, 0, "$1,234"), (-1234.4, 0, "-$1,234"), (1.20513, 4, "$1.2051"), (None, 0, "—"),
     (float("nan"), 2, "—")],
)
def test_usd(value, decimals, text):
    assert usd(value, decimals) == text


def test_compact_and_sentence():
    assert compact(4_123_000) == "4.1M"
    assert compact(620_000) == "620.0K"
    assert compact(950) == "950"
    assert sentence("multiplies every GPU price") == "Multiplies every GPU price"


def test_sensitivity_tables_reconcile(result):
    from budget.sensitivity import (
        SobolIndex,
        cases_by_category,
        monte_carlo,
        tornado,
    )
    from budget.tables import cases_rows, fan_rows, range_rows, sobol_rows, tornado_rows

    scenario = result.scenario
    base, bars = tornado(scenario)
    table = tornado_rows(base, bars, {b.input: SobolIndex(0.1, 0.2) for b in bars})
    assert (table["high_change_usd"] == table["high_total_usd"] - 19_420).all()
    assert table["sobol_st"].tolist() == [0.2] * len(bars)
    mc = monte_carlo(scenario, draws=1_000)
    fan = fan_rows(result.months, mc, result.total_usd)
    assert fan["expected_usd"].tolist() == pytest.approx([5580, 6380, 7460])
    assert (fan["p10_usd"] <= fan["p90_usd"]).all()
    cases = cases_rows(cases_by_category(scenario, mc))
    assert cases["line"].tolist()[0] == "Total"
    assert cases.set_index("line").loc["Platform", "expected_usd"] == pytest.approx(4_750)
    ranges = range_rows(scenario).set_index("input")
    assert ranges.loc["refresh_frequency", ["p10", "expected", "p90"]].tolist() == [0.5, 1, 1.5]
    assert ranges.loc["refresh_frequency", "range_from"] == "documented default"
    sobol = sobol_rows({"a": SobolIndex(0.1, 0.3), "b": SobolIndex(0.5, 0.6)})
    assert sobol["input"].tolist() == ["b", "a"]
    assert sobol["interaction"].tolist() == pytest.approx([0.1, 0.2])


@pytest.mark.parametrize(("amount", "currency", "decimals", "text"), [
    (15.234, "USD", None, "$15.23"), (-3.1, "USD", None, "-$3.10"),
    (501_618.4, "USD", None, "$501,618"), (501_618.4, "EUR", None, "501,618 EUR"),
    (0.01234, "USD", 4, "$0.0123"), (None, "USD", None, "—"), (float("nan"), "EUR", 2, "—")])
def test_money(amount, currency, decimals, text):
    from budget.fmt import money, usd

    assert money(amount, currency, decimals) == text
    if currency == "USD" and amount is not None:  # one money format: the same as usd()
        assert text == usd(amount, decimals if decimals is not None else
                           (2 if abs(amount) < 1000 else 0))
