"""Sensitivity: tornado identities, fitted triangulars, Monte Carlo percentiles, Sobol indices."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from budget.cli import main
from budget.errors import BudgetInputError
from budget.forecast import forecast
from budget.inputs import INPUT_NAMES, INPUTS_BY_NAME
from budget.scenario import InputRange, load_scenario, parse_scenario
from budget.sensitivity import (
    DEFAULT_SEED,
    SobolIndex,
    cases_by_category,
    common_uniforms,
    fit_triangular,
    input_ranges,
    interaction_warning,
    monte_carlo,
    scenario_sobol,
    simulate_by_category,
    sobol_indices,
    tornado,
    values_from_uniforms,
)
from tests.conftest import SAMPLE, SMALL, SMALL_TOTAL_USD


@pytest.fixture
def small():
    return load_scenario(SMALL)


def cli_json(capsys, *args: str) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_default_ranges_follow_expected(small):
    ranges = {r.name: r for r in input_ranges(small.with_drivers(inference_volume=2.0,
                                                                 inference_growth=0.01))}
    assert (ranges["inference_volume"].low, ranges["inference_volume"].high) == (1.6, 2.6)
    growth = ranges["inference_growth"]
    assert (growth.low, growth.expected, growth.high) == pytest.approx((-0.01, 0.01, 0.03))
    assert not ranges["gpu_price"].written


def test_written_ranges_keep_their_ratio(small_data):
    small_data["ranges"] = {"gpu_price": [0.8, 1.3], "spot_overhead": [0.05, 0.2]}
    small_data["drivers"]["spot_overhead"] = 0.1
    scenario = parse_scenario(small_data, "x.toml")
    moved = {r.name: r for r in input_ranges(scenario.with_drivers(gpu_price=2.0,
                                                                   spot_overhead=0.2))}
    assert (moved["gpu_price"].low, moved["gpu_price"].high) == pytest.approx((1.6, 2.6))
    assert (moved["spot_overhead"].low, moved["spot_overhead"].high) == pytest.approx((0.15, 0.3))
    assert moved["gpu_price"].written


@pytest.mark.parametrize(
    ("ranges", "words"),
    [
        ({"gpu_price": [1.1, 1.3]}, ['[ranges], field "gpu_price"', "expected value 1",
                                     "within [low, high] = [1.1, 1.3]"]),
        ({"gpu_price": [1.3, 0.9]}, ["low must not exceed high"]),
        ({"gpu_price": [0.9]}, ["must be a list of two numbers"]),
        ({"gpu_price": [-1, 1.2]}, ["each end must be ≥ 0"]),
        ({"gpu_prise": [0.9, 1.1]}, ['unknown key "gpu_prise"', 'rename it to "gpu_price"']),
    ],
)
def test_range_validation(small_data, ranges, words):
    small_data["ranges"] = ranges
    with pytest.raises(BudgetInputError) as caught:
        parse_scenario(small_data, "x.toml")
    for word in words:
        assert word in str(caught.value)


def test_tornado_by_hand(small):
    # gpu_price default range 0.85..1.2 × GPU lines 4,740: swing 0.35 × 4,740
    base, bars = tornado(small)
    assert base == pytest.approx(SMALL_TOTAL_USD)
    gpu = next(b for b in bars if b.input == "gpu_price")
    assert gpu.low_total == pytest.approx(SMALL_TOTAL_USD - 0.15 * 4_740)
    assert gpu.high_total == pytest.approx(SMALL_TOTAL_USD + 0.2 * 4_740)
    assert gpu.swing == pytest.approx(0.35 * 4_740)
    assert not gpu.nonlinear
    throughput = next(b for b in bars if b.input == "gpu_throughput")
    assert throughput.nonlinear  # GPU-hours go as 1 / throughput
    assert throughput.low_total > throughput.high_total  # faster GPUs cost less


def test_tornado_sorted_by_swing(small):
    swings = [b.swing for b in tornado(small)[1]]
    assert swings == sorted(swings, reverse=True)
    assert len(swings) == len(INPUT_NAMES)


def test_tornado_ends_equal_cli_forecasts_exactly(capsys):
    data = cli_json(capsys, "sensitivity", str(SAMPLE), "--no-sobol", "--format", "json",
                    "--draws", "1000")
    base = cli_json(capsys, "forecast", str(SAMPLE), "--format", "json")
    assert data["base_total"] == base["total_cost"]
    assert [b["input"] for b in data["tornado"]] == sorted(
        (b["input"] for b in data["tornado"]),
        key=lambda n: -next(b["swing"] for b in data["tornado"] if b["input"] == n))
    assert {b["input"] for b in data["tornado"]} == set(INPUT_NAMES)
    for bar in data["tornado"]:
        for end in ("low", "high"):
            run = cli_json(capsys, "forecast", str(SAMPLE), "--format", "json",
                           "--set", f"{bar['input']}={bar[f'{end}_value']!r}")
            assert run["total_cost"] == bar[f"{end}_total"], (bar["input"], end)
        assert bar["swing"] == abs(bar["high_total"] - bar["low_total"])
    assert "sobol" not in data


def test_tornado_identity_holds_with_set(capsys):
    data = cli_json(capsys, "sensitivity", str(SAMPLE), "--no-sobol", "--format", "json",
                    "--draws", "1000", "--set", "inference_volume=1.3")
    bar = next(b for b in data["tornado"] if b["input"] == "inference_volume")
    assert bar["low_value"] == pytest.approx(0.8 * 1.3)
    run = cli_json(capsys, "forecast", str(SAMPLE), "--format", "json",
                   "--set", f"inference_volume={bar['low_value']!r}")
    assert run["total_cost"] == bar["low_total"]


@pytest.mark.parametrize(("p10", "mode", "p90"), [(0.7, 1.0, 1.6), (1.0, 1.0, 1.5),
                                                  (0.5, 1.0, 1.0), (-0.02, 0.0, 0.02)])
def test_triangular_honours_p10_and_p90(p10, mode, p90):
    dist = fit_triangular(p10, mode, p90)
    assert dist.cdf(p10) == pytest.approx(0.1, abs=1e-12)
    assert dist.cdf(p90) == pytest.approx(0.9, abs=1e-12)
    assert dist.minimum <= p10 <= mode <= p90 <= dist.maximum
    draws = dist.ppf(np.random.default_rng(1).random(200_000))
    assert np.percentile(draws, [10, 90]) == pytest.approx([p10, p90], abs=0.005)


def test_triangular_degenerate_is_constant():
    dist = fit_triangular(1.0, 1.0, 1.0)
    assert dist.ppf(np.array([0.0, 0.5, 1.0])).tolist() == [1.0, 1.0, 1.0]


def test_monte_carlo_percentiles_ordered_and_repeatable(small):
    mc = monte_carlo(small, draws=5_000, seed=7)
    assert mc.p10 <= mc.p50 <= mc.p90
    assert (mc.monthly_p10 <= mc.monthly_p50).all() and (mc.monthly_p50 <= mc.monthly_p90).all()
    again = monte_carlo(small, draws=5_000, seed=7)
    assert again.totals_usd.tolist() == mc.totals_usd.tolist()
    other = monte_carlo(small, draws=5_000, seed=8)
    assert other.p50 != mc.p50


def test_monte_carlo_with_zero_width_ranges_is_the_forecast(small):
    flat = tuple(InputRange(n, (0.0, 0.0) if INPUTS_BY_NAME[n].kind == "offset" else (1.0, 1.0))
                 for n in INPUT_NAMES)
    mc = monte_carlo(dataclasses.replace(small, ranges=flat), draws=1_000)
    assert mc.p10 == pytest.approx(SMALL_TOTAL_USD)
    assert mc.p90 == pytest.approx(SMALL_TOTAL_USD)


def test_horizon_totals_are_the_monte_carlo_totals():
    # Sobol sums each draw's horizon without its months; the same draws must give the Monte
    # Carlo's horizon totals, category by category.
    scenario = load_scenario(SAMPLE)
    values = values_from_uniforms(scenario, common_uniforms(1_000, DEFAULT_SEED))
    monthly = simulate_by_category(scenario, values)
    horizon = simulate_by_category(scenario, values, horizon=True)
    for category, usd in monthly.items():
        assert usd.shape == (1_000, scenario.months)
        assert horizon[category][:, 0] == pytest.approx(usd.sum(axis=1), rel=1e-12)
    totals = sum(h[:, 0] for h in horizon.values())
    assert totals == pytest.approx(monte_carlo(scenario, draws=1_000).totals_usd, rel=1e-12)


def test_common_random_numbers_shift_smoothly(small):
    # Doubling the token price moves every draw's API cost; the ranking of draws barely moves.
    a = monte_carlo(small, draws=2_000).totals_usd
    b = monte_carlo(small.with_drivers(token_price=1.05), draws=2_000).totals_usd
    assert np.corrcoef(a, b)[0, 1] > 0.99


def test_cases_low_expected_high(small):
    mc = monte_carlo(small, draws=5_000)
    rows = {r["line"]: r for r in cases_by_category(small, mc)}
    assert rows["total"]["expected_usd"] == forecast(small).total_cost_usd
    assert rows["platform"]["low_usd"] == pytest.approx(4_750)  # no uncertain input touches it
    assert rows["platform"]["high_usd"] == pytest.approx(4_750)
    for row in rows.values():
        assert row["low_usd"] <= row["high_usd"]


def test_sobol_linear_function_matches_analytic():
    # Y = 1·X1 + 2·X2 + 3·X3 with X uniform on [0, 1]: S1_i = a_i² / Σa² = 1/14, 4/14, 9/14.
    weights = np.array([1.0, 2.0, 3.0])
    indices = sobol_indices(lambda u: u @ weights, ["x1", "x2", "x3"], base_samples=4096)
    for name, weight in zip(["x1", "x2", "x3"], weights, strict=True):
        assert indices[name].s1 == pytest.approx(weight**2 / 14, abs=0.03)
        assert indices[name].st == pytest.approx(weight**2 / 14, abs=0.03)
    assert interaction_warning(indices) is None


def test_interaction_warning_names_inputs():
    indices = {"a": SobolIndex(0.3, 0.7), "b": SobolIndex(0.3, 0.35), "c": SobolIndex(0.1, 0.4)}
    text = interaction_warning(indices)
    assert text is not None
    assert "30%" in text and "a, c" in text


def test_scenario_sobol_ranks_volume_first():
    indices = scenario_sobol(load_scenario(SAMPLE), base_samples=256)
    assert max(indices, key=lambda n: indices[n].st) == "inference_volume"
    assert indices["spot_overhead"].st < 0.01


def test_sensitivity_cli_rejects_bad_draws(capsys):
    assert main(["sensitivity", str(SMALL), "--draws", "5"]) == 2
    assert "--draws: must be 100 to 1,000,000, got 5" in capsys.readouterr().err


def test_sensitivity_json_contract(capsys):
    data = cli_json(capsys, "sensitivity", str(SMALL), "--format", "json", "--draws", "500",
                    "--seed", "3")
    assert list(data) == ["base_total", "tornado", "monte_carlo", "sobol"]
    assert list(data["tornado"][0]) == ["input", "low_value", "high_value", "low_total",
                                        "high_total", "swing", "nonlinear"]
    assert list(data["monte_carlo"]) == ["draws", "seed", "p10", "p50", "p90"]
    assert data["monte_carlo"]["draws"] == 500 and data["monte_carlo"]["seed"] == 3
    assert list(data["sobol"]) == list(INPUT_NAMES)
    assert set(data["sobol"]["gpu_price"]) == {"S1", "ST"}
