"""Comparison of 2 to 6 scenarios against a chosen base: totals, deltas, categories, by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget.comparison import compare
from budget.errors import BudgetInputError
from budget.forecast import forecast
from budget.scenario import load_scenario
from tests.conftest import SMALL

# small.toml over 2027-11 … 2028-01 (tests/budget/test_forecast.py): real-time chat 3,000 +
# 3,300 + 3,630 = 9,930; batch-sum 200 GPU-h × $2 spot × 3 = 1,200; ft 100 GPU-h × $4 × 3 =
# 1,200; experimentation 260 GPU-h × $3 × 3 = 2,340; obs 1,000 + 1,500 + 2,250 = 4,750.
# Total 19,420.


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Return small.toml and three variants of it written as files."""
    text = SMALL.read_text(encoding="utf-8")
    variants = {
        "small": text,
        "doubled": text.replace("inference_volume = 1.0", "inference_volume = 2.0"),
        "cheap-gpus": text.replace("gpu_price = 1.0", "gpu_price = 0.5"),
        "no-platform": text[:text.index("[[platform]]")],
        "nothing": text[:text.index("[[gpu_prices]]")],  # no workload at all: $0
    }
    out = {}
    for name, body in variants.items():
        assert name == "small" or body != text
        out[name] = tmp_path / f"{name}.toml"
        out[name].write_text(body, encoding="utf-8")
    return out


def versions(files: dict[str, Path], *names: str):
    return [(n, forecast(load_scenario(files[n]))) for n in names]


def test_totals_and_deltas_against_the_first(files):
    result = compare(versions(files, "small", "doubled", "cheap-gpus"))
    assert result.base.label == "small"
    got = [(s.label, s.total_usd, s.delta_usd, s.delta_pct) for s in result.scenarios]
    assert got == [
        ("small", pytest.approx(19_420), 0, 0),
        # volume × 2 doubles chat (9,930) and batch-sum (1,200): +11,130 = 30,550;
        # 11,130 / 19,420 = 57.3120…%
        ("doubled", pytest.approx(30_550), pytest.approx(11_130),
         pytest.approx(11_130 / 19_420 * 100)),
        # GPU price × 0.5 halves batch-sum, ft and experimentation: −(600 + 600 + 1,170) =
        # −2,370 → 17,050; −2,370 / 19,420 = −12.2039…%
        ("cheap-gpus", pytest.approx(17_050), pytest.approx(-2_370),
         pytest.approx(-2_370 / 19_420 * 100)),
    ]
    assert result.scenarios[2].delta_pct == pytest.approx(-12.2039, abs=1e-4)


def test_any_scenario_can_be_the_base(files):
    result = compare(versions(files, "small", "doubled", "cheap-gpus"), base_index=2)
    assert result.base.label == "cheap-gpus"
    # against 17,050: small +2,370 (13.9003…%), doubled +13,500 (79.1788…%)
    assert [(s.delta_usd, s.delta_pct) for s in result.scenarios] == [
        (pytest.approx(2_370), pytest.approx(13.9003, abs=1e-4)),
        (pytest.approx(13_500), pytest.approx(79.1789, abs=1e-4)),
        (0, 0)]


def test_by_category_with_variance_against_the_base(files):
    table = compare(versions(files, "small", "doubled", "cheap-gpus")).by_category
    assert list(table.columns) == ["category", "scenario", "usd", "base_usd", "delta_usd",
                                   "delta_pct"]
    assert table["category"].unique().tolist() == [
        "Training", "Batch inference", "Real-time inference", "Experimentation", "Platform"]
    cells = {(r.category, r.scenario): (r.usd, r.delta_usd, r.delta_pct)
             for r in table.itertuples()}
    assert cells[("Real-time inference", "doubled")] == (
        pytest.approx(19_860), pytest.approx(9_930), pytest.approx(100))
    assert cells[("Batch inference", "doubled")] == (
        pytest.approx(2_400), pytest.approx(1_200), pytest.approx(100))
    assert cells[("Training", "cheap-gpus")] == (
        pytest.approx(600), pytest.approx(-600), pytest.approx(-50))
    assert cells[("Experimentation", "cheap-gpus")] == (
        pytest.approx(1_170), pytest.approx(-1_170), pytest.approx(-50))
    assert cells[("Platform", "small")] == (pytest.approx(4_750), 0, 0)
    # each scenario's categories sum to its total
    sums = table.groupby("scenario")["usd"].sum()
    assert sums.to_dict() == {"small": pytest.approx(19_420), "doubled": pytest.approx(30_550),
                              "cheap-gpus": pytest.approx(17_050)}


def test_a_zero_base_has_no_percent(files):
    result = compare(versions(files, "no-platform", "small"))
    # without obs: 19,420 − 4,750 = 14,670; small is +4,750 (32.3790…%)
    assert result.scenarios[1].delta_pct == pytest.approx(4_750 / 14_670 * 100)
    platform = result.by_category[result.by_category["category"] == "Platform"]
    assert platform["usd"].tolist() == [0, pytest.approx(4_750)]
    assert platform["delta_pct"].isna().tolist() == [True, True]  # the base spends nothing on it
    nothing = compare(versions(files, "nothing", "small"))
    assert [(s.total_usd, s.delta_usd, s.delta_pct) for s in nothing.scenarios] == [
        (0, 0, None), (pytest.approx(19_420), pytest.approx(19_420), None)]
    assert nothing.scenarios[1].delta_text == "+$19,420"  # no percent of nothing
    assert result.scenarios[1].delta_text == "+$4,750 (+32.4%)"


def test_monthly_totals_for_the_overlay(files):
    result = compare(versions(files, "small", "doubled"))
    (a_name, a), (b_name, b) = result.versions
    assert (a_name, b_name) == ("small", "doubled")
    # small: 2027-11 3,000 + 400 + 400 + 780 + 1,000 = 5,580; doubled adds 3,000 + 400
    assert a.total_usd.iloc[0] == pytest.approx(5_580)
    assert b.total_usd.iloc[0] == pytest.approx(8_980)


@pytest.mark.parametrize("count", [1, 7])
def test_two_to_six_scenarios(files, count):
    with pytest.raises(BudgetInputError, match=f"takes 2 to 6 scenarios, got {count}"):
        compare(versions(files, *["small"] * count))


def test_the_base_is_one_of_them(files):
    with pytest.raises(BudgetInputError, match="the base must be one of the 2"):
        compare(versions(files, "small", "doubled"), base_index=2)
