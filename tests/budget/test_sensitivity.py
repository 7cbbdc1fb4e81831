"""Sensitivity: tornado identities, fitted triangulars, Monte Carlo percentiles, Sobol indices."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from budget.cli import main
from budget.errors import BudgetInputError
from budget.forecast import CATEGORIES, cost_lines, forecast
from budget.inputs import INPUT_NAMES, INPUTS_BY_NAME
from budget.scenario import load_scenario, parse_scenario
from budget.scenario_model import Scenario, WrittenRange
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
    flat = tuple(WrittenRange(n, (0.0, 0.0) if INPUTS_BY_NAME[n].kind == "offset" else (1.0, 1.0))
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


def wide_scenario() -> Scenario:
    """Return the sample plan over 36 months with each line three times, volumes scaled.

    Copies share growth rates, utilisations and prices with their original, except the third
    copy of each inference line (a growth of its own), the second copy of each self-hosted one
    (utilisation 0.97: clipped at 100% by most drawn utilisations above 1) and the second copy
    of each platform line (no growth): groups of several lines and groups of one.
    """
    s = load_scenario(SAMPLE)

    def copies(rows: tuple, change) -> tuple:
        return tuple(dataclasses.replace(r, name=f"{r.name}-{k}", **change(r, k, scale))
                     for k, scale in enumerate((1.0, 0.37, 2.9)) for r in rows)

    def inference(r, k, scale):
        out = {"requests_per_month": r.requests_per_month * scale}
        if k == 2:
            out["monthly_growth"] = r.monthly_growth + 0.01
        if k == 1 and r.utilization:
            out["utilization"] = 0.97
        return out

    return dataclasses.replace(
        s, months=36, inference=copies(s.inference, inference),
        training=copies(s.training, lambda r, k, scale: {
            "gpu_hours_per_run": r.gpu_hours_per_run * scale}),
        experimentation=copies(s.experimentation, lambda r, k, scale: {
            "gpu_hours_per_week": r.gpu_hours_per_week * scale}),
        platform=copies(s.platform, lambda r, k, scale: {
            "monthly_cost": r.monthly_cost * scale, **({"monthly_growth": 0.0} if k == 1 else {})}),
    )


PLANS = {"sample": lambda: load_scenario(SAMPLE), "wide": wide_scenario}


def per_workload_by_category(scenario: Scenario, values: dict[str, np.ndarray],
                             horizon: bool = False) -> dict[str, np.ndarray]:
    """Sum every workload's own draws × months cost array per category (the way before #18)."""
    draws = next(iter(values.values())).shape[0]
    sums = {c: np.zeros((draws, 1 if horizon else scenario.months)) for c in CATEGORIES}
    for series in cost_lines(scenario, values):
        usd = np.broadcast_to(series.cost_usd, (draws, scenario.months))
        sums[series.category] = sums[series.category] + (
            usd.sum(axis=1, keepdims=True) if horizon else usd)
    return sums


@pytest.mark.parametrize("horizon", [False, True])
@pytest.mark.parametrize("plan", list(PLANS))
def test_grouped_simulation_is_the_sum_of_the_workloads(plan, horizon):
    scenario = PLANS[plan]()
    values = values_from_uniforms(scenario, common_uniforms(2_000, DEFAULT_SEED))
    grouped = simulate_by_category(scenario, values, horizon=horizon)
    reference = per_workload_by_category(scenario, values, horizon=horizon)
    assert list(grouped) == list(CATEGORIES)
    for category in CATEGORIES:
        assert grouped[category].shape == reference[category].shape
        np.testing.assert_allclose(grouped[category], reference[category], rtol=1e-12, atol=0)


@pytest.mark.parametrize("plan", list(PLANS))
def test_monte_carlo_as_before_18(plan):
    before, mc = BEFORE_18[plan], monte_carlo(PLANS[plan]())
    assert [mc.p10, mc.p50, mc.p90] == pytest.approx(before["total"], rel=1e-12, abs=0)
    for got, want in zip((mc.monthly_p10, mc.monthly_p50, mc.monthly_p90),
                         before["monthly_every_6th"], strict=True):
        assert got[::6].tolist() == pytest.approx(want, rel=1e-12, abs=0)
    for category, want in before["category"].items():
        got = [mc.category_p10[category], mc.category_p50[category], mc.category_p90[category]]
        assert got == pytest.approx(want, rel=1e-12, abs=0), category


@pytest.mark.parametrize("plan", list(PLANS))
def test_sobol_and_tornado_as_before_18(plan):
    before, scenario = BEFORE_18[plan], PLANS[plan]()
    indices = scenario_sobol(scenario, base_samples=256)
    assert list(indices) == list(before["sobol"])
    for name, (s1, st) in before["sobol"].items():
        assert (indices[name].s1, indices[name].st) == pytest.approx((s1, st), abs=1e-12), name
    base, bars = tornado(scenario)
    assert base == before["tornado_base"]
    assert [(b.input, b.low_total, b.high_total, b.mid_total) for b in bars] == before["tornado"]


# Figures of the Monte Carlo (10,000 draws, seed 0), Sobol (256 base samples) and tornado as
# computed before #18, when every workload kept its own draws × months array: the accumulated
# simulation must give the same to 1e-12.
BEFORE_18: dict[str, dict] = {
    "sample": {
        "total": [1752031.586227284, 2163300.753753233, 2699118.8684202973],
        "monthly_every_6th": [
            [129115.93374422322, 146862.23284967575],
            [157501.45042553806, 181321.67648926412],
            [193316.01819290157, 226299.68683222012],
        ],
        "category": {
            "training": [121720.77388188883, 297487.59446905775, 531131.0724051822],
            "batch_inference": [61396.51442902415, 97625.3897572099, 146118.45929760573],
            "realtime_inference": [558657.8884214084, 857951.1368347621, 1283893.3132950338],
            "experimentation": [119246.5342231245, 151720.41656136618, 186619.8967373655],
            "platform": [734695.4820852018, 734695.4820852018, 734695.4820852018],
        },
        "sobol": {
            "inference_volume": [0.3547258234523064, 0.3847315405012933],
            "output_tokens": [0.12993356001639908, 0.1205145772091506],
            "refresh_frequency": [0.15671987255202735, 0.15131213097065918],
            "gpu_price": [0.14618340795976267, 0.13926874071681086],
            "token_price": [0.100480723711852, 0.11413809428676222],
            "inference_growth": [0.0608395065447707, 0.05524637964900128],
            "gpu_throughput": [0.023116223537567548, 0.022970053895857767],
            "utilization": [0.010096269341986507, 0.010881870559391495],
            "spot_overhead": [0.0005839866008694926, 0.0005474215675786415],
        },
        "tornado_base": 2018741.231155188,
        "tornado": [
            ("inference_volume", 1841047.6813411908, 2462975.1056901813, 2152011.3935156856),
            ("refresh_frequency", 1895117.231155188, 2265989.231155188, 2080553.231155188),
            ("output_tokens", 1934412.5388118937, 2243617.74407064, 2089015.1414412668),
            ("gpu_price", 1885029.6559007273, 2185880.700223264, 2035455.1780619957),
            ("token_price", 1772546.082036115, 2049515.624795072, 1911030.8534155937),
            ("inference_growth", 1922913.5079394728, 2128249.045117953, 2018741.231155188),
            ("gpu_throughput", 2086986.200223264, 1983135.1603370614, 2025740.7151621701),
            ("utilization", 2066914.1504973592, 1993924.8787667968, 2025740.7151621701),
            ("spot_overhead", 2018741.231155188, 2036265.8995309619, 2027503.565343075),
        ],
    },
    "wide": {
        "total": [31704403.033643022, 43645611.57513657, 63835756.71538801],
        "monthly_every_6th": [
            [
                547882.091266399,
                630289.763520796,
                728738.8924585216,
                846626.9280021911,
                984450.8397044135,
                1141873.8357674263,
            ],
            [
                667909.8523869391,
                779693.0495068717,
                928375.317817826,
                1125401.5970093792,
                1390478.3111780453,
                1745705.2628628083,
            ],
            [
                818811.4788215604,
                975176.1504478797,
                1206076.3554749016,
                1554125.3104599577,
                2082499.0562482171,
                2862373.5563387973,
            ],
        ],
        "category": {
            "training": [1559243.1134269962, 3810816.0851486297, 6803789.037510379],
            "batch_inference": [1178831.2986443106, 2123743.814762054, 3696615.4531517983],
            "realtime_inference": [13324327.646135861, 23775478.269261245, 41986871.57084882],
            "experimentation": [1527548.1033982262, 1943538.5361511004, 2390600.877205653],
            "platform": [11649460.428253494, 11649460.428253494, 11649460.428253494],
        },
        "sobol": {
            "inference_volume": [0.20202321456131903, 0.26604405760288413],
            "output_tokens": [0.07433956260668045, 0.07926090643833587],
            "refresh_frequency": [0.019024268262085916, 0.01918500989625543],
            "gpu_price": [0.04097900900054221, 0.03747871753571671],
            "token_price": [0.06885502117862452, 0.08770673266615868],
            "inference_growth": [0.5048370590096488, 0.4988348524693293],
            "gpu_throughput": [0.020653780104179457, 0.013667770959296553],
            "utilization": [0.005139437974328977, 0.005904377147804661],
            "spot_overhead": [1.658704423497959e-05, 7.04679928060832e-05],
        },
        "tornado_base": 41092200.36201348,
        "tornado": [
            ("inference_growth", 32753928.394954905, 54700345.54572535, 41092200.36201348),
            ("inference_volume", 36217123.21126149, 53279893.23889348, 44748508.22507748),
            ("output_tokens", 38828898.384263, 47127672.30268143, 42978285.34347222),
            ("token_price", 34019450.09932071, 41976294.14485008, 37997872.12208539),
            ("gpu_price", 38740027.50660787, 44032416.431270495, 41386221.968939185),
            ("refresh_frequency", 39508576.922013484, 44259447.242013484, 41884012.08201348),
            ("gpu_throughput", 42765577.8862705, 40219133.82761852, 41263828.82603984),
            ("utilization", 42273408.02619491, 40498461.574367024, 41263828.82603984),
            ("spot_overhead", 41092200.36201348, 41318206.641211905, 41205203.50161269),
        ],
    },
}
