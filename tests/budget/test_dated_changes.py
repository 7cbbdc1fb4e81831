"""Dated changes, [[changes]] (#17 §1), against hand-computed numbers.

small.toml over 4 months (2027-11 … 2028-02), drivers at 1.0:
  chat (api): 1e6 requests × (1,000 in × $1 + 500 out × $4) / 1e6 = $0.003 a request, +10%/month
  batch-sum (self-hosted, spot aws/H100 at $2): 360,000 × 1,000 tokens / (1,000/s × 3,600 × 0.5)
      = 200 GPU-hours a month = $400
  ft (training, on demand aws/H100 at $4): 300 GPU-h × 1 run a quarter / 3 = 100 h = $400 a month
  research (experimentation, reserved at $3): 60 h a week × 52 / 12 = 260 h = $780 a month
  obs (platform): $1,000 × 1.5^m

The issue's case: chat starts in month 2 (2027-12) and the on-demand price changes in month 3
(2028-01, $4 → $5), with chat's requests cut to 500,000 from 2028-02:
  chat  0, 3,000 (1e6 × 0.003), 3,300 (1.1e6), 1,815 (500,000 × 1.21 × 0.003)  → $8,115
  ft    400, 400, 500 (100 h × $5), 500                                          → $1,800
  batch-sum 400 × 4 (spot, untouched) = $1,600; research 780 × 4 = $3,120 (reserved, untouched)
  obs   1,000, 1,500, 2,250, 3,375                                               → $8,125
  months: 2,580 + 6,080 + 7,230 + 6,870 = $22,760
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.breakeven import break_even
from budget.capacity import capacity_plan
from budget.errors import BudgetInputError
from budget.forecast import cost_lines, forecast, horizon_total_usd, simulate_terms
from budget.levers import LEVERS, lever_changes, lever_table, lever_workloads
from budget.months import hours_in_month
from budget.procurement import ON_DEMAND, strategies, strategy_named
from budget.readouts import total_requests_first_month
from budget.report import report_results, summary_pdf
from budget.scenario import parse_scenario
from budget.scenario_model import Scenario
from budget.scenario_toml import scenario_data, scenario_toml
from budget.sensitivity import common_uniforms, monte_carlo, values_from_uniforms
from budget.unit_costs import input_values
from tests.budget.test_forecast import draws_of
from tests.budget.test_properties import assert_tornado_ends_are_rerun_forecasts, scenarios
from tests.conftest import SAMPLE, SMALL

MONTHS = ["2027-11", "2027-12", "2028-01", "2028-02"]
BY_WORKLOAD = {
    "chat": [0.0, 3000.0, 3300.0, 1815.0],
    "batch-sum": [400.0] * 4,
    "ft": [400.0, 400.0, 500.0, 500.0],
    "research-experimentation": [780.0] * 4,
    "obs": [1000.0, 1500.0, 2250.0, 3375.0],
}
TOTALS = [2580.0, 6080.0, 7230.0, 6870.0]


def small_data(changes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return small.toml's data over four months, chat starting in month 2, with `changes`."""
    data = tomllib.loads(SMALL.read_text())
    data["scenario"]["months"] = 4
    data["inference"][0]["starts"] = "2027-12"
    data["changes"] = changes if changes is not None else [
        {"month": "2028-01", "gpu": "aws/H100", "set": {"on_demand": 5.0}},
        {"month": "2028-02", "workload": "chat", "set": {"requests_per_month": 500_000}},
    ]
    return data


@pytest.fixture
def dated() -> Scenario:
    return parse_scenario(small_data(), "dated")


def test_every_month_by_hand(dated):
    result = forecast(dated)
    assert list(result.months) == MONTHS
    for name, months in BY_WORKLOAD.items():
        assert result.by_workload[name].tolist() == pytest.approx(months, abs=1e-9), name
    assert result.total_usd.tolist() == pytest.approx(TOTALS, abs=1e-9)
    assert result.total_cost_usd == pytest.approx(22_760, abs=1e-9)
    assert horizon_total_usd(dated) == result.total_cost_usd
    chat = result.lines[result.lines["workload"] == "chat"]
    assert chat["requests"].tolist() == pytest.approx([0.0, 1e6, 1.1e6, 605_000])


def test_segments_hold_the_plan_of_their_months(dated):
    assert [(s.first, s.last) for s in dated.segments()] == [(0, 1), (2, 2), (3, 3)]
    assert [s.scenario.price("aws", "H100").on_demand for s in dated.segments()] == [4, 5, 5]
    assert dated.at(3).inference[0].requests_per_month == 500_000
    assert dated.at(0).inference[0].requests_per_month == 1e6
    assert all(not s.scenario.changes for s in dated.segments())


def test_the_docs_worked_example():
    # docs/scenario-format.md: input tokens 1,000 → 500 from 2028-01 ($0.0025 a request) and
    # spot $2 → $1.5 from 2027-12, over small.toml's own 3 months
    data = tomllib.loads(SMALL.read_text())
    data["changes"] = [{"month": "2028-01", "workload": "chat", "set": {"input_tokens": 500}},
                       {"month": "2027-12", "gpu": "aws/H100", "set": {"spot": 1.5}}]
    result = forecast(parse_scenario(data, "docs"))
    assert result.by_workload["chat"].tolist() == pytest.approx([3000, 3300, 3025], abs=1e-9)
    assert result.by_workload["batch-sum"].tolist() == pytest.approx([400, 300, 300], abs=1e-9)


def test_gpu_hours_capacity_and_procurement_follow_the_changes():
    # batch-sum moves to 2,000 tokens a GPU-second from 2027-12: 100 GPU-hours, peak factor 2
    data = small_data([{"month": "2027-12", "workload": "batch-sum",
                        "set": {"output_tokens_per_gpu_second": 2000, "peak_factor": 2.0}}])
    scenario = parse_scenario(data, "faster")
    hours = [200 + 100 + 260] + [100 + 100 + 260] * 3  # batch-sum + ft + research
    assert forecast(scenario).gpu_hours_by_pool()["aws/H100"].tolist() == pytest.approx(hours)
    plan = capacity_plan(scenario)
    assert plan.baseline["aws/H100"].tolist() == pytest.approx(
        [h / hours_in_month(m) for h, m in zip(hours, MONTHS, strict=True)])
    # expected peak: batch-sum × 1.0 (batch default) then × 2.0; ft × 3.0; research × 1.5
    peaks = [200 * 1.0 + 300 + 390] + [100 * 2.0 + 300 + 390] * 3
    assert plan.expected_peak["aws/H100"].tolist() == pytest.approx(
        [p / hours_in_month(m) for p, m in zip(peaks, MONTHS, strict=True)])
    values = {k: np.array([[v]]) for k, v in input_values(scenario).items()}
    pools = simulate_terms(scenario, values, gpu_hours=True)
    assert pools["batch_inference", "aws/H100"][0].tolist() == pytest.approx([200, 100, 100, 100])


def test_procurement_prices_each_month_as_it_stands(dated):
    # 560 GPU-hours a month on aws/H100 (200 + 100 + 260), on demand at $4, then $5 from 2028-01
    on_demand = strategy_named(strategies(dated, draws=50), ON_DEMAND)
    assert on_demand.cost == pytest.approx(560 * 4 * 2 + 560 * 5 * 2)


def test_a_model_change_moves_the_line_and_reprices_the_api():
    # chat moves to gpt-4o-mini from 2028-01 with its prices left out: genai-prices prices it
    data = tomllib.loads(SMALL.read_text())
    data["changes"] = [{"month": "2028-01", "workload": "chat",
                        "set": {"model": "gpt-4o-mini", "provider": "openai"}}]
    data["inference"][0].pop("price_per_1m_input")
    data["inference"][0].pop("price_per_1m_output")
    data["inference"][0].update(model="gpt-4o", provider="openai")
    scenario = parse_scenario(data, "model")
    [change] = scenario.changes
    resolved = dict(change.resolved)
    assert resolved["model"] == "gpt-4o-mini"
    mini = scenario.at(2).inference[0]
    per_request = (1000 * mini.price_per_1m_input + 500 * mini.price_per_1m_output) / 1e6
    assert mini.price_per_1m_input < scenario.at(0).inference[0].price_per_1m_input
    result = forecast(scenario)
    assert result.by_workload["chat"].iloc[2] == pytest.approx(1.21e6 * per_request)
    chat = result.lines[result.lines["workload"] == "chat"]
    assert chat["model"].tolist() == ["gpt-4o", "gpt-4o", "gpt-4o-mini"]
    table = result.workload_table().set_index("workload")
    assert table.loc["chat", "model"] == "gpt-4o → gpt-4o-mini"
    assert table.loc["batch-sum", "model"] == "model-b"


def test_moving_serving_mode_drops_the_old_modes_keys():
    data = small_data([{"month": "2028-01", "workload": "chat", "set": {
        "serving": "self_hosted", "cloud": "aws", "gpu": "H100",
        "output_tokens_per_gpu_second": 1000, "utilization": 0.5}}])
    scenario = parse_scenario(data, "self-host")
    chat = scenario.at(2).inference[0]
    assert chat.serving == "self_hosted" and chat.price_per_1m_input is None
    # 2028-01: 1.1e6 requests (chat starts 2027-12) × 500 / (1,000 × 3,600 × 0.5) = 305.56 h
    # at on-demand $4
    hours = 1.1e6 * 500 / 1_800_000
    assert forecast(scenario).by_workload["chat"].iloc[2] == pytest.approx(hours * 4)
    assert forecast(scenario).lines.query("workload == 'chat'")["serving"].tolist() == [
        "api", "api", "self_hosted", "self_hosted"]


def test_simulations_and_tornado_honour_them(dated):
    for gpu_hours in (False, True):
        assert_terms_are_the_workloads_sums(dated, gpu_hours)
    assert_tornado_ends_are_rerun_forecasts(dated)
    draws = 20
    mc = monte_carlo(dated, draws=draws, seed=3)
    values = values_from_uniforms(dated, common_uniforms(draws, 3))
    for i in range(draws):
        drawn = dated.with_drivers(**{k: float(v[i, 0]) for k, v in values.items()})
        assert math.isclose(mc.totals_usd[i], forecast(drawn).total_cost_usd, rel_tol=1e-9)


def test_break_even_has_a_row_per_version():
    # chat's self-hosting alternative on aws/H100: 500 tokens / (1,000/s × 3,600 × 0.6) GPU-h
    data = small_data([{"month": "2028-01", "workload": "chat", "set": {"output_tokens": 250}}])
    data["inference"][0].update(self_host_cloud="aws", self_host_gpu="H100",
                                self_host_output_tokens_per_gpu_second=1000)
    rows = [b for b in break_even(parse_scenario(data, "be")) if b.workload == "chat"]
    assert [(b.starting, b.planned_requests_per_month) for b in rows] == [
        ("2027-12", 1e6), ("2028-01", pytest.approx(1.1e6))]
    assert rows[0].api_usd_per_request == pytest.approx(0.003)
    assert rows[1].api_usd_per_request == pytest.approx((1000 * 1 + 250 * 4) / 1e6)
    assert rows[1].self_host_usd_per_request == pytest.approx(250 / (1000 * 3600 * 0.6) * 4)
    # a change that leaves the curves alone (a price row the workload does not use) adds none
    data = small_data([{"month": "2028-01", "gpu": "aws/H100", "set": {"spot": 1.0}}])
    data["inference"][0].update(self_host_cloud="aws", self_host_gpu="H100",
                                self_host_output_tokens_per_gpu_second=1000)
    assert len([b for b in break_even(parse_scenario(data, "be")) if b.workload == "chat"]) == 1


def test_first_month_captions_use_the_first_months_plan():
    data = small_data([{"month": "2027-11", "workload": "batch-sum",
                        "set": {"requests_per_month": 100_000}}])
    assert total_requests_first_month(parse_scenario(data, "now")) == 100_000  # chat not started


def test_training_projects_split_at_a_change(dated):
    ft = forecast(dated).training_projects().query("workload == 'ft'")
    assert ft["from"].tolist() == ["2027-11", "2028-01"]
    assert ft["usd_per_run"].tolist() == pytest.approx([1200, 1500])  # 300 h × $4, × $5
    assert ft["usd_horizon"].tolist() == pytest.approx([800, 1000])
    assert ft["usd_horizon"].sum() == pytest.approx(1800)


def test_round_trip(dated):
    written = scenario_data(dated)
    assert written["changes"] == [
        {"month": "2028-01", "gpu": "aws/H100", "set": {"on_demand": 5.0}},
        {"month": "2028-02", "workload": "chat", "set": {"requests_per_month": 500_000.0}}]
    again = parse_scenario(tomllib.loads(scenario_toml(dated)), "again")
    assert dataclasses.replace(again, source="x") == dataclasses.replace(dated, source="x")


def test_without_changes_nothing_moves():
    plain = tomllib.loads(SMALL.read_text())
    data = tomllib.loads(SMALL.read_text())
    data["changes"] = [{"month": "2027-12", "workload": "chat",
                        "set": {"requests_per_month": 1_000_000}}]  # the value it has
    assert forecast(parse_scenario(data, "s")).lines.equals(
        forecast(parse_scenario(plain, "s")).lines)


def test_the_pdf_honours_them(dated):
    results = report_results(dated)
    assert results.forecast.total_cost_usd == pytest.approx(22_760)
    assert summary_pdf(dated)[:5] == b"%PDF-"


@pytest.mark.parametrize(("change", "where", "field", "says"), [
    ({"month": "2028-03", "workload": "chat", "set": {"requests_per_month": 1}},
     "[[changes]] #1 (2028-03)", "month", "outside the horizon, 2027-11 to 2028-02"),
    ({"month": "2028-01", "workload": "chatt", "set": {"requests_per_month": 1}},
     "[[changes]] #1 (2028-01)", "workload", 'no workload "chatt"'),
    ({"month": "2028-01", "gpu": "aws/A100", "set": {"on_demand": 1}},
     "[[changes]] #1 (2028-01)", "gpu", 'no gpu price row "aws/A100"'),
    ({"month": "2028-01", "workload": "chat", "set": {"colour": 1}},
     "[[changes]] #1 (2028-01)", "set.colour", '[[inference]] rows have no field "colour"'),
    ({"month": "2028-01", "workload": "ft", "set": {"requests_per_month": 1}},
     "[[changes]] #1 (2028-01)", "set.requests_per_month", "[[training]] rows have no field"),
    ({"month": "2028-01", "workload": "chat", "set": {"starts": "2028-01"}},
     "[[changes]] #1 (2028-01)", "set.starts", "cannot set starts"),
    ({"month": "2028-01", "workload": "chat", "gpu": "aws/H100", "set": {"model": "x"}},
     "[[changes]] #1 (2028-01)", "workload", "either a workload or a gpu"),
    ({"month": "2028-01", "workload": "batch-sum", "set": {"utilization": 1.5}},
     '[[changes]] #1 (2028-01), making [[inference]] row 2 ("batch-sum")', "utilization",
     "must be ≥ 0.01 and ≤ 1, got 1.5"),
    ({"month": "2028-01", "workload": "ft", "set": {"gpu": "Z999"}},
     '[[changes]] #1 (2028-01), making [[training]] row 1 ("ft")', "gpu",
     'no [[gpu_prices]] row for cloud "aws", gpu "Z999"'),
    ({"month": "2028-01", "workload": "chat", "set": {}},
     "[[changes]] #1 (2028-01)", "set", "sets no field"),
    ({"month": "2028-01", "workload": "chat", "set": {"model": {"nested": 1}}},
     '[[changes]] #1 (2028-01), making [[inference]] row 1 ("chat")', "model",
     "must be a non-empty text"),
    ({"month": "2028-13", "workload": "chat", "set": {"model": "x"}},
     "[[changes]] #1 (2028-13)", "month", "must be a real month"),
])
def test_bad_changes_are_named(change, where, field, says):
    with pytest.raises(BudgetInputError) as caught:
        parse_scenario(small_data([change]), "plan.toml")
    error = caught.value
    assert error.file == "plan.toml"
    assert error.place.startswith(where), error.message
    assert error.field == field, error.message
    assert says in error.message, error.message
    assert "Fix: " in error.message


def test_a_second_change_is_checked_on_the_first():
    # #2 sets chat back to the API without prices for "model-z", which genai-prices lacks:
    # refused as #2, the plan after #1
    changes = [{"month": "2027-12", "workload": "chat", "set": {"requests_per_month": 2}},
               {"month": "2028-01", "workload": "chat", "set": {"utilization": 0.5}}]
    with pytest.raises(BudgetInputError) as caught:
        parse_scenario(small_data(changes), "plan.toml")
    assert caught.value.place.startswith("[[changes]] #2 (2028-01)")
    assert "only applies when serving" in caught.value.problem


@pytest.mark.parametrize("lever", [lever.name for lever in LEVERS])
def test_a_lever_as_a_dated_change_saves_what_the_table_says(lever):
    # Applied from the first month to every eligible workload (the largest self-hosted one
    # for distillation, whose base it is), the forecast falls by the lever table's saving
    sample = parse_scenario(tomllib.loads(SAMPLE.read_text()), "sample")
    result = forecast(sample)
    row = lever_table(result).set_index("lever").loc[lever]
    eligible = lever_workloads(lever, sample)  # distillation: the largest self-hosted alone
    if lever == "Distillation":
        by = result.workload_table().set_index("workload")["cost_usd"]
        self_hosted = [w.name for w in sample.inference if w.serving == "self_hosted"]
        assert eligible == [max(self_hosted, key=lambda name: by[name])]
    if not eligible:
        assert row["saving_usd"] == 0
        return
    data = scenario_data(sample)
    data["changes"] = lever_changes(lever, sample, eligible, sample.start)
    applied = forecast(parse_scenario(data, "lever"))
    assert result.total_cost_usd - applied.total_cost_usd == pytest.approx(
        row["saving_usd"], rel=1e-9)


def test_a_lever_from_a_later_month_saves_only_from_then():
    # Prompt caching on chat from 2028-01: input $1 × 0.6 → chat's month 3 is
    # 1.1e6 × (1,000 × 0.6 + 500 × 4) / 1e6 = $2,860 instead of $3,300
    scenario = parse_scenario(small_data([]), "lever")
    data = small_data(lever_changes("Prompt caching", scenario, ["chat"], "2028-01"))
    result = forecast(parse_scenario(data, "lever"))
    assert result.by_workload["chat"].tolist() == pytest.approx(
        [0, 3000, 1.1e6 * 2600 / 1e6, 1.21e6 * 2600 / 1e6])
    with pytest.raises(BudgetInputError, match="does not apply to"):
        lever_changes("Prompt caching", scenario, ["batch-sum"], "2028-01")
    with pytest.raises(BudgetInputError, match="no lever called"):
        lever_changes("Magic", scenario, ["chat"], "2028-01")
    assert lever_workloads("Batching self-hosted requests", scenario) == ["batch-sum"]


def assert_terms_are_the_workloads_sums(scenario: Scenario, gpu_hours: bool) -> None:
    """Assert simulate_terms equals cost_lines' arrays summed per month's (category, pool).

    A dated change may move a line to another category or pool from a month on, so each
    month of a line counts under that month's labels.
    """
    values = draws_of(scenario)
    months = scenario.months
    expected: dict[tuple[str, str], np.ndarray] = {}

    def each_month(label: object) -> list[str]:
        return [label] * months if isinstance(label, str) else list(label)  # type: ignore[call-overload]

    for s in cost_lines(scenario, values):
        figure = np.broadcast_to(s.gpu_hours if gpu_hours else s.cost_usd, (50, months))
        for m, (category, cloud, gpu) in enumerate(zip(
                each_month(s.category), each_month(s.labels["cloud"]),
                each_month(s.labels["gpu"]), strict=True)):
            if gpu_hours and not cloud:
                continue
            key = (category, f"{cloud}/{gpu}" if gpu_hours else "")
            expected.setdefault(key, np.zeros((50, months)))[:, m] += figure[:, m]
    summed = simulate_terms(scenario, values, gpu_hours=gpu_hours)
    for key in set(summed) | set(expected):
        want = expected.get(key, np.zeros((50, months)))
        got = summed.get(key, np.zeros((50, months)))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9, err_msg=str(key))
    horizon = simulate_terms(scenario, values, gpu_hours=gpu_hours, horizon=True)
    for key, want in expected.items():
        np.testing.assert_allclose(horizon[key][:, 0], want.sum(axis=1), rtol=1e-12, atol=1e-9)


CHANGED = settings(max_examples=40, deadline=None)


@CHANGED
@given(scenarios(changes=True))
def test_changed_totals_are_the_sum_of_their_parts(scenario):
    result = forecast(scenario)
    total = result.total_cost_usd
    assert math.isclose(result.total_usd.sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    assert total == horizon_total_usd(scenario)
    # each month equals the forecast of the plan as it stands that month
    for segment in scenario.segments():
        plain = forecast(segment.scenario).total_usd.to_numpy()
        np.testing.assert_allclose(
            result.total_usd.to_numpy()[segment.first:segment.last + 1],
            plain[segment.first:segment.last + 1], rtol=1e-12, atol=1e-9)


@CHANGED
@given(scenarios(changes=True), st.booleans())
def test_changed_terms_are_the_workloads_sums(scenario, gpu_hours):
    assert_terms_are_the_workloads_sums(scenario, gpu_hours)


@settings(max_examples=15, deadline=None)
@given(scenarios(changes=True, windows=True))
def test_changed_tornado_ends_are_rerun_forecasts(scenario):
    assert_tornado_ends_are_rerun_forecasts(scenario)


@CHANGED
@given(scenarios(changes=True, windows=True))
def test_changed_scenarios_round_trip(scenario):
    again = parse_scenario(tomllib.loads(scenario_toml(scenario)), "generated")
    assert again == scenario


def test_the_pdf_lists_them(dated):
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(summary_pdf(dated))).pages)
    assert "Assumptions: dated changes" in text
    assert "requests_per_month = 500,000" in text and "on_demand = 5" in text


def test_a_move_to_a_gpu_only_the_reference_table_prices():
    # batch-sum moves to aws/A100 from 2027-12: small.toml prices only aws/H100, so the row is
    # the reference table's (data/prices/gpu_prices.toml), in every month's plan
    from budget.pricing import catalog_gpu_row

    data = small_data([{"month": "2027-12", "workload": "batch-sum",
                        "set": {"gpu": "A100"}}])
    scenario = parse_scenario(data, "a100")
    row = catalog_gpu_row("aws", "A100")
    assert row is not None and row.get("spot") is not None
    assert all(s.scenario.price("aws", "A100").spot == float(row["spot"])
               for s in scenario.segments())
    # 200 GPU-hours a month on spot: $2 on H100, then the A100's spot price
    assert forecast(scenario).by_workload["batch-sum"].tolist() == pytest.approx(
        [400.0] + [200 * float(row["spot"])] * 3)
    again = parse_scenario(tomllib.loads(scenario_toml(scenario)), "again")
    assert dataclasses.replace(again, source="x") == dataclasses.replace(scenario, source="x")


def test_a_team_change_keeps_an_unnamed_experimentation_row():
    # small.toml's experimentation row has no name: it is "research-experimentation" and stays
    # so when a change moves it to another team
    data = small_data([{"month": "2028-01", "workload": "research-experimentation",
                        "set": {"team": "applied"}}])
    scenario = parse_scenario(data, "team")
    lines = forecast(scenario).lines.query("workload == 'research-experimentation'")
    assert lines["team"].tolist() == ["research", "research", "applied", "applied"]
    assert lines["cost_usd"].tolist() == pytest.approx([780.0] * 4)


def test_multi_cloud_placements_read_each_months_cloud():
    # batch-sum moves to gcp from 2027-12 (the reference table prices gcp/H100): "all on aws"
    # keeps its 2027-11 line ($400 as planned) and prices its 3 gcp months' 200 GPU-hours at the
    # table's aws/H100 spot price; ft (400 × 4) and research (780 × 4) are on aws already. The
    # plan itself ends batch-sum on gcp, so moving it back is a switch
    from budget.multicloud import placements
    from budget.pricing import catalog_gpu_row

    data = small_data([{"month": "2027-12", "workload": "batch-sum", "set": {"cloud": "gcp"}}])
    scenario = parse_scenario(data, "moved")
    options = {p.name: p for p in placements(scenario)}
    aws = catalog_gpu_row("aws", "H100")
    assert aws is not None
    everything = options["all on aws"]
    assert everything.cost_usd == pytest.approx(1_600 + 3_120 + 400 + 3 * 200 * float(aws["spot"]))
    assert everything.switching_usd > 0
    assert options["as planned"].clouds["batch-sum"] == "gcp"  # where the plan has it by then


def test_planned_run_hours_are_the_first_months():
    from budget.alerts import planned_gpu_hours_per_run

    data = small_data([{"month": "2028-01", "workload": "ft", "set": {"gpu_hours_per_run": 900}}])
    assert planned_gpu_hours_per_run(parse_scenario(data, "ft")) == (("ft", 300.0),)
    data = small_data([{"month": "2027-11", "workload": "ft", "set": {"gpu_hours_per_run": 900}}])
    assert planned_gpu_hours_per_run(parse_scenario(data, "ft")) == (("ft", 900.0),)


def test_a_kind_change_reaches_every_table_and_the_pdf():
    # chat (starting 2027-12) turns batch from 2028-01: real-time 0 + 3,000; batch 3,300 +
    # 3,630 on top of batch-sum's 400 × 4; the PDF and every table show it without failing
    from budget.rows import workload_rows
    from budget.sensitivity import cases_by_category

    scenario = parse_scenario(small_data([{"month": "2028-01", "workload": "chat",
                                           "set": {"kind": "batch"}}]), "kind")
    results = report_results(scenario)
    cases = {r["line"]: r["expected_usd"] for r in cases_by_category(scenario,
                                                                      results.monte_carlo)}
    assert cases["realtime_inference"] == pytest.approx(3_000)
    assert cases["batch_inference"] == pytest.approx(1_600 + 3_300 + 3_630)
    rows = workload_rows(forecast(scenario)).set_index("workload")
    assert rows.loc["chat", "category"] == "Real-time inference → Batch inference"
    assert summary_pdf(scenario)[:5] == b"%PDF-"
    # a move from self-hosted to the API leaves no dangling arrow in the cloud column
    moved = parse_scenario(small_data([{"month": "2028-01", "workload": "batch-sum", "set": {
        "serving": "api", "price_per_1m_input": 1.0, "price_per_1m_output": 2.0}}]), "api")
    table = forecast(moved).workload_table().set_index("workload")
    assert table.loc["batch-sum", "cloud"] == "aws"
    assert table.loc["batch-sum", "serving"] == "self_hosted → api"
