"""Forecast formulas against hand-computed numbers on tests/data/scenarios/small.toml.

By hand, drivers at 1.0:
  chat (api):        1e6 req × (1000 × $1 + 500 × $4) / 1e6 = $3,000, growing 10%/month
                     → 3,000 + 3,300 + 3,630 = $9,930
  batch-sum (self):  360,000 × 1000 tok / (1000 tok/s × 3600 × 0.5) = 200 GPU-h × $2 spot
                     → $400/month, $1,200
  ft (training):     1 refresh/quarter → 1/3 run/month × 300 GPU-h = 100 GPU-h × $4 → $400/month
  research (exp.):   60 GPU-h/week × 52 / 12 = 260 GPU-h × $3 reserved → $780/month
  obs (platform):    1,000 × 1.5^m → 1,000 + 1,500 + 2,250 = $4,750
  months:            5,580 + 6,380 + 7,460 = $19,420
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from budget.forecast import (
    CATEGORIES,
    CHECKPOINTABLE_CATEGORIES,
    INFERENCE_CATEGORIES,
    cost_lines,
    forecast,
    geometric_sum,
    monthly_growth,
    simulate_terms,
)
from budget.scenario import load_scenario, parse_scenario
from budget.scenario_model import Scenario
from budget.unit_costs import input_values
from tests.conftest import SAMPLE, SMALL, SMALL_DRIVER_CASES, SMALL_TOTAL_USD

BASE_TOTAL = SMALL_TOTAL_USD


@pytest.fixture
def small():
    return load_scenario(SMALL)


def test_months_cross_the_year(small):
    assert forecast(small).months == ("2027-11", "2027-12", "2028-01")


def test_each_workload_per_month(small):
    by_workload = forecast(small).by_workload
    expected = {
        "chat": [3000.0, 3300.0, 3630.0],
        "batch-sum": [400.0, 400.0, 400.0],
        "ft": [400.0, 400.0, 400.0],
        "research-experimentation": [780.0, 780.0, 780.0],
        "obs": [1000.0, 1500.0, 2250.0],
    }
    assert list(by_workload.columns) == list(expected)
    for name, months in expected.items():
        assert by_workload[name].tolist() == pytest.approx(months, abs=1e-9), name


def test_categories_and_totals(small):
    result = forecast(small)
    table = result.by_category
    assert list(table.columns) == list(CATEGORIES)
    assert table["realtime_inference"].tolist() == pytest.approx([3000, 3300, 3630])
    assert table["batch_inference"].tolist() == pytest.approx([400, 400, 400])
    assert table["training"].tolist() == pytest.approx([400, 400, 400])
    assert table["experimentation"].tolist() == pytest.approx([780, 780, 780])
    assert table["platform"].tolist() == pytest.approx([1000, 1500, 2250])
    assert result.total_usd.tolist() == pytest.approx([5580, 6380, 7460])
    assert result.total_cost_usd == pytest.approx(BASE_TOTAL)
    assert result.run_rate_usd(0) == pytest.approx(5580)
    assert result.run_rate_usd(-1) == pytest.approx(7460)


def test_parts_sum_to_total(small):
    result = forecast(small)
    assert result.by_workload.to_numpy().sum() == pytest.approx(result.total_cost_usd)
    assert result.by_category.sum(axis=1).tolist() == pytest.approx(result.total_usd.tolist())
    assert result.workload_table()["cost_usd"].sum() == pytest.approx(BASE_TOTAL)
    assert result.workload_table()["share_of_total"].sum() == pytest.approx(1.0)


def test_unit_costs(small):
    # inference cost 9,930 + 1,200 = 11,130; requests 3.31M + 1.08M = 4.39M;
    # tokens 3.31M × 1,500 + 1.08M × 3,000 = 8.205e9
    units = forecast(small).unit_costs
    assert units.usd_per_1k_requests == pytest.approx(11_130 / 4_390_000 * 1000)
    assert units.usd_per_1m_tokens == pytest.approx(11_130 / 8_205)


def test_unit_costs_per_workload(small):
    table = forecast(small).workload_table().set_index("workload")
    assert table.loc["chat", "usd_per_1k_requests"] == pytest.approx(9_930 / 3_310_000 * 1000)
    assert table.loc["batch-sum", "usd_per_1m_tokens"] == pytest.approx(1_200 / 3_240)
    assert table.loc["ft", "team"] == "support"
    assert table.loc["ft", "usd_per_1k_requests"] != table.loc["ft", "usd_per_1k_requests"]  # NaN


def test_unit_costs_without_inference_are_none(small):
    bare = dataclasses.replace(small, inference=())
    units = forecast(bare).unit_costs
    assert units.usd_per_1k_requests is None
    assert units.usd_per_1m_tokens is None


@pytest.mark.parametrize(
    ("driver", "value", "expected_total"),
    [*SMALL_DRIVER_CASES, ("inference_volume", 0.0, BASE_TOTAL - 9_930 - 1_200)],
)
def test_each_driver(small, driver, value, expected_total):
    assert forecast(small.with_drivers(**{driver: value})).total_cost_usd == pytest.approx(
        expected_total
    )


def test_drivers_do_not_mutate_input(small):
    changed = small.with_drivers(gpu_price=2.0)
    assert small.drivers.gpu_price == 1.0
    assert changed.drivers.gpu_price == 2.0


@pytest.mark.parametrize(
    ("pricing", "hourly"), [("on_demand", 4.0), ("spot", 2.0), ("reserved", 3.0)]
)
def test_pricing_modes_for_self_hosted(small_data, pricing, hourly):
    small_data["inference"][1]["pricing"] = pricing
    result = forecast(parse_scenario(small_data, "small.toml"))
    assert result.by_workload["batch-sum"].tolist() == pytest.approx([200 * hourly] * 3)


def test_pricing_defaults_to_on_demand(small_data):
    del small_data["experimentation"][0]["pricing"]
    result = forecast(parse_scenario(small_data, "small.toml"))
    assert result.by_workload["research-experimentation"].tolist() == pytest.approx([1040] * 3)


def test_prefill_option_adds_input_gpu_hours(small_data):
    # prefill: 360,000 × 2,000 / (2,000 × 3600 × 0.5) = 200 more GPU-h → 400 × $2 = $800
    small_data["inference"][1]["input_tokens_per_gpu_second"] = 2000
    result = forecast(parse_scenario(small_data, "small.toml"))
    assert result.by_workload["batch-sum"].tolist() == pytest.approx([800.0] * 3)
    gpu = result.gpu_hours_by_pool()
    assert gpu["aws/H100"].tolist() == pytest.approx([400 + 100 + 260] * 3)


def test_fractional_refresh_spreads_evenly(small_data):
    small_data["training"][0]["refreshes_per_quarter"] = 0.5  # one run every two quarters
    result = forecast(parse_scenario(small_data, "small.toml"))
    assert result.by_workload["ft"].tolist() == pytest.approx([0.5 / 3 * 300 * 4] * 3)


def test_negative_growth_declines(small_data):
    small_data["platform"][0]["monthly_growth"] = -0.5
    result = forecast(parse_scenario(small_data, "small.toml"))
    assert result.by_workload["obs"].tolist() == pytest.approx([1000, 500, 250])


def test_gpu_hours_by_pool(small):
    # 200 (batch) + 100 (training) + 260 (experimentation) GPU-hours a month
    assert forecast(small).gpu_hours_by_pool()["aws/H100"].tolist() == pytest.approx([560] * 3)


def test_training_is_a_project(small):
    projects = forecast(small.with_drivers(refresh_frequency=2.0)).training_projects()
    row = projects.set_index("workload").loc["ft"]
    assert row["usd_per_run"] == pytest.approx(300 * 4.0)
    assert row["runs_per_quarter"] == pytest.approx(2.0)
    assert row["usd_per_quarter"] == pytest.approx(2400.0)
    assert row["usd_horizon"] == pytest.approx(2400.0)  # 3 months = one quarter


def test_training_horizon_is_the_sum_of_its_lines(small):
    longer = dataclasses.replace(small, months=12).with_drivers(spot_overhead=0.5)
    result = forecast(longer)
    row = result.training_projects().set_index("workload").loc["ft"]
    # 1 run a quarter × 300 GPU-h × $4, 4 quarters: $4,800 (on demand: no spot overhead)
    assert row["usd_horizon"] == pytest.approx(4_800.0)
    lines = result.lines[result.lines["workload"] == "ft"]
    assert row["usd_horizon"] == pytest.approx(float(lines["cost_usd"].sum()), rel=1e-15)


def test_checkpointable_categories_are_the_gpu_jobs():
    assert CHECKPOINTABLE_CATEGORIES == ("training", "experimentation")
    assert not set(CHECKPOINTABLE_CATEGORIES) & set(INFERENCE_CATEGORIES)
    assert set(CHECKPOINTABLE_CATEGORIES) < set(CATEGORIES)


def test_lines_keep_owner(small):
    lines = forecast(small).lines
    owners = dict(zip(lines["workload"], lines["team"], strict=True))
    assert owners == {"chat": "support", "batch-sum": "docs", "ft": "support",
                      "research-experimentation": "research", "obs": "platform"}


def test_empty_scenario_forecasts_zero(small):
    empty = dataclasses.replace(small, inference=(), training=(), experimentation=(),
                                platform=())
    result = forecast(empty)
    assert result.total_cost_usd == 0.0
    assert result.total_usd.tolist() == [0.0, 0.0, 0.0]


def test_monthly_growth_by_hand():
    assert monthly_growth(1.5, 3).tolist() == [1.0, 1.5, 2.25]
    per_draw = monthly_growth(np.array([[1.1], [0.5], [0.0]]), 4)
    assert per_draw.shape == (3, 4)
    assert per_draw == pytest.approx(np.array([[1, 1.1, 1.21, 1.331], [1, 0.5, 0.25, 0.125],
                                               [1, 0, 0, 0]]))


def test_geometric_sum_by_hand():
    assert geometric_sum(1.5, 3).tolist() == [4.75]  # 1 + 1.5 + 2.25
    assert geometric_sum(1.0, 12).tolist() == [12.0]  # where (g^n - 1) / (g - 1) is 0/0
    per_draw = geometric_sum(np.array([[1.1], [0.5], [0.0]]), 4)
    assert per_draw.shape == (3, 1)
    assert per_draw[:, 0].tolist() == pytest.approx([4.641, 1.875, 1.0])


def draws_of(small, draws: int = 50) -> dict[str, np.ndarray]:
    """Return every input as (draws, 1) values spread around the scenario's own."""
    spread = np.linspace(0.5, 1.5, draws)[:, None]
    return {name: value * spread if name != "inference_growth" else spread - 1.0
            for name, value in input_values(small).items()}


def test_drawn_workload_by_hand(small):
    # at the scenario's own values (the middle of three draws) the chat API workload is the
    # hand-computed $9,930: 3,000 + 3,300 + 3,630
    chat = next(s for s in cost_lines(small, draws_of(small, draws=3)) if s.name == "chat")
    assert chat.cost_usd.shape == (3, small.months)
    assert chat.cost_usd[1].sum() == pytest.approx(9_930)


@pytest.mark.parametrize("path", [SMALL, SAMPLE])
@pytest.mark.parametrize("gpu_hours", [False, True])
def test_summed_terms_are_the_workloads_sums(path, gpu_hours):
    # Simulations sum the cost (or GPU-hour) terms of workloads that share a profile before
    # the draws multiply them; per category and pool that must be the sum of every workload's
    # own arrays from cost_lines, the one place that names each workload's figures.
    assert_terms_are_the_workloads_sums(load_scenario(path), gpu_hours)


def assert_terms_are_the_workloads_sums(scenario: Scenario, gpu_hours: bool) -> None:
    """Assert simulate_terms (per month and horizon) equals the sum of cost_lines' arrays."""
    values = draws_of(scenario)
    expected: dict[tuple[str, str], np.ndarray] = {}
    for s in cost_lines(scenario, values):
        if gpu_hours and not s.labels["cloud"]:
            continue
        key = (s.category, f"{s.labels['cloud']}/{s.labels['gpu']}" if gpu_hours else "")
        figure = s.gpu_hours if gpu_hours else s.cost_usd
        expected[key] = expected.get(key, 0.0) + np.broadcast_to(figure, (50, scenario.months))
    summed = simulate_terms(scenario, values, gpu_hours=gpu_hours)
    assert sorted(summed) == sorted(expected)
    for key, want in expected.items():
        np.testing.assert_allclose(summed[key], want, rtol=1e-12, atol=0, err_msg=str(key))
    horizon = simulate_terms(scenario, values, gpu_hours=gpu_hours, horizon=True)
    for key, want in expected.items():
        np.testing.assert_allclose(horizon[key][:, 0], want.sum(axis=1), rtol=1e-12, atol=0)


def test_a_slider_move_shares_the_plans_names_and_labels_not_its_numbers():
    """Names, labels and windows are made once per loaded plan; every number per move."""
    plan = load_scenario(SMALL)
    first, moved = forecast(plan), forecast(plan.with_drivers(inference_volume=2.0))
    assert moved.arrays.names is first.arrays.names
    assert moved.arrays.labels["team"] is first.arrays.labels["team"]
    assert not first.arrays.names.flags.writeable  # shared: nobody may write into them
    chat = first.arrays.names.tolist().index("chat")
    # chat's requests double with the volume driver; its name and team stay as written
    assert (moved.arrays.values["requests"][chat]
            == 2.0 * first.arrays.values["requests"][chat]).all()
    renamed = dataclasses.replace(plan, inference=tuple(
        dataclasses.replace(w, name=f"{w.name}-2") for w in plan.inference))
    other = forecast(renamed)
    assert other.arrays.names is not first.arrays.names
    assert other.arrays.names.tolist()[chat] == "chat-2"


@pytest.mark.parametrize(("start_month", "expected"), [
    # small.toml runs 2027-11 to 2028-01: 5,580 + 6,380 + 7,460 (tests above)
    (1, {"quarter": [("FY2027 Q4", 2, 11_960.0), ("FY2028 Q1", 1, 7_460.0)],
         "year": [("FY2027", 2, 11_960.0), ("FY2028", 1, 7_460.0)]}),
    (11, {"quarter": [("FY2028 Q1", 3, 19_420.0)], "year": [("FY2028", 3, 19_420.0)]}),
    (12, {"quarter": [("FY2027 Q4", 1, 5_580.0), ("FY2028 Q1", 2, 13_840.0)],
          "year": [("FY2027", 1, 5_580.0), ("FY2028", 2, 13_840.0)]}),
])
def test_fiscal_quarters_and_years_by_hand(start_month, expected):
    plan = dataclasses.replace(load_scenario(SMALL), fiscal_year_start_month=start_month)
    result = forecast(plan)
    for period, rows in expected.items():
        table = result.by_period(period)
        assert [(r[period], r["months"], r["total_usd"]) for r in table.to_dict("records")] == rows
        assert table["platform"].sum() == pytest.approx(1_000 + 1_500 + 2_250)  # parts sum


def test_fiscal_year_start_month_is_read_checked_and_written(tmp_path):
    from budget.errors import BudgetInputError
    from budget.scenario import parse_scenario_bytes
    from budget.scenario_toml import scenario_toml

    text = SMALL.read_text().replace('currency = "USD"',
                                     'currency = "USD"\nfiscal_year_start_month = 7')
    plan = parse_scenario_bytes(text.encode(), "fy.toml")
    assert plan.fiscal_year_start_month == 7
    assert load_scenario(SMALL).fiscal_year_start_month == 1  # default: the calendar year
    assert "fiscal_year_start_month = 7" in scenario_toml(plan)
    with pytest.raises(BudgetInputError, match="fiscal_year_start_month"):
        parse_scenario_bytes(text.replace("= 7", "= 13").encode(), "bad.toml")


def test_gpu_cost_is_the_lines_that_use_gpu_hours():
    """small.toml: batch-sum 400 + ft 400 + research 780 a month for 3 months; chat is API."""
    assert forecast(load_scenario(SMALL)).gpu_cost_usd() == 3 * (400 + 400 + 780)
    doubled = forecast(load_scenario(SMALL).with_drivers(gpu_price=2.0))
    assert doubled.gpu_cost_usd() == 2 * 4_740  # every GPU-hour price doubled
