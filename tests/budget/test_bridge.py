"""Bridge: changed assumptions, Shapley steps that sum exactly, and the diff CLI contract."""

from __future__ import annotations

import json
import math

import pytest

from budget.bridge import Change, apply, bridge, changes, shapley
from budget.cli import main
from budget.forecast import horizon_total_usd
from budget.scenario import load_scenario, parse_scenario
from budget.scenario_toml import scenario_data, scenario_toml
from tests.conftest import ROOT, SMALL

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"
COST_DOWN = ROOT / "data" / "scenarios" / "fy27-cost-down.toml"


def test_changes_are_listed_by_path():
    labels = [c.label for c in changes(load_scenario(PLAN), load_scenario(COST_DOWN))]
    assert "inference/support-chat/requests_per_month: 3000000 -> 900000" in labels
    assert "inference/support-chat-tier1: added" in labels
    assert "training/support-chat-finetune/refreshes_per_quarter: 2 -> 1" in labels


def test_shapley_of_an_interaction_splits_it_evenly():
    # v = 10·a + 20·b + 6·a·b: the interaction 6 is shared 3 / 3
    def value(mask: int) -> float:
        a, b = mask & 1, mask >> 1 & 1
        return 10 * a + 20 * b + 6 * a * b
    assert shapley(2, value) == pytest.approx([13.0, 23.0])


def test_bridge_by_hand_on_small():
    small = load_scenario(SMALL)
    # volume × 2 adds 11,130; gpu price × 1.5 adds 2,370 alone; together the doubled batch
    # GPU cost (1,200) also carries the price rise: interaction 0.5 × 1,200 = 600, split evenly
    result = bridge(small, small.with_drivers(inference_volume=2.0, gpu_price=1.5))
    steps = {s.change: s.delta for s in result.steps}
    assert steps["drivers/inference_volume: 1 -> 2"] == pytest.approx(11_130 + 300)
    assert steps["drivers/gpu_price: 1 -> 1.5"] == pytest.approx(2_370 + 300)
    assert math.fsum(steps.values()) == result.new_total - result.old_total


def test_bridge_steps_sum_exactly_and_group_when_needed():
    result = bridge(load_scenario(PLAN), load_scenario(COST_DOWN))
    assert math.fsum(s.delta for s in result.steps) == result.new_total - result.old_total
    assert result.grouping == "row"  # lambda → aws on spot is only valid with both changes
    assert abs(result.steps[0].delta) >= abs(result.steps[-1].delta)


def test_apply_all_changes_gives_the_new_total():
    old, new = load_scenario(PLAN), load_scenario(COST_DOWN)
    rebuilt = parse_scenario(apply(scenario_data(old), changes(old, new)), "x")
    assert horizon_total_usd(rebuilt) == horizon_total_usd(new)


def test_no_change_no_steps():
    plan = load_scenario(PLAN)
    assert bridge(plan, plan).steps == ()


def test_change_label_of_removed_row():
    assert Change("training", "ft", "", {"name": "ft"}, None).label == "training/ft: removed"


def test_diff_cli_json_contract(capsys, tmp_path):
    new = tmp_path / "new.toml"
    new.write_text(scenario_toml(load_scenario(SMALL).with_drivers(token_price=0.5)))
    assert main(["diff", str(SMALL), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["old_total", "new_total", "steps"]
    assert data["steps"] == [{"change": "drivers/token_price: 1 -> 0.5",
                              "delta": pytest.approx(-0.5 * 9_930)}]
    assert main(["diff", str(SMALL), str(tmp_path / "missing.toml")]) == 2


def test_scenario_toml_round_trips():
    for path in (PLAN, COST_DOWN, SMALL):
        scenario = load_scenario(path).with_drivers(gpu_price=1.3)
        assert parse_scenario(scenario_data(scenario), str(path)) == scenario


# --- [[changes]]: each dated change is one step ---------------------------------------------
# small.toml (2027-11 … 2028-01): chat 3,000, 3,300, 3,630 (1,000,000 requests × $0.003, +10% a
# month); batch-sum 200 GPU-hours a month on spot aws/H100 at $2 = 400 a month; total 19,420.
TRIM = {"month": "2028-01", "workload": "chat", "set": {"input_tokens": 500}}
SPOT = {"month": "2027-12", "gpu": "aws/H100", "set": {"spot": 1.5}}


def small_with(*dated: dict, **drivers: float):
    """Return small.toml with these [[changes]] rows (and drivers) set."""
    data = scenario_data(load_scenario(SMALL).with_drivers(**drivers))
    if dated:
        data["changes"] = [dict(d) for d in dated]
    return parse_scenario(data, "test")


def test_dated_changes_are_listed_with_what_they_set():
    found = changes(small_with(SPOT), small_with(TRIM, {**SPOT, "set": {"spot": 1.0}}))
    assert [c.label for c in found] == [
        "changes/2027-12 aws/H100: (spot = 1.5) -> (spot = 1)",
        "changes/2028-01 chat: added (input_tokens = 500)"]
    assert [c.target for c in found] == ["gpu_prices/aws/H100", "inference/chat"]
    row = {"month": "2027-07", "workload": "search-answers",
           "set": {"model": "llama-3.1-8b", "output_tokens_per_gpu_second": 3000.0}}
    assert Change("changes", "2027-07 search-answers", "", row, None).label == (
        "changes/2027-07 search-answers: removed (model = llama-3.1-8b, "
        "output_tokens_per_gpu_second = 3000)")


def test_each_dated_change_is_one_step_by_hand():
    # the trim: chat's 2028-01 is 1,210,000 × (500 × $1 + 500 × $4) / 1M = 3,025, not 3,630:
    # −605; the spot price: batch-sum 200 h × ($1.5 − $2) in 2027-12 and 2028-01: −200.
    # They touch different lines, so each step is its change alone.
    result = bridge(small_with(), small_with(TRIM, SPOT))
    assert result.old_total == pytest.approx(19_420)
    assert result.new_total == pytest.approx(19_420 - 605 - 200)
    assert [(s.change, s.delta, s.changes) for s in result.steps] == [
        ("changes/2028-01 chat: added (input_tokens = 500)", pytest.approx(-605),
         ("changes/2028-01 chat: added (input_tokens = 500)",)),
        ("changes/2027-12 aws/H100: added (spot = 1.5)", pytest.approx(-200),
         ("changes/2027-12 aws/H100: added (spot = 1.5)",))]
    assert result.grouping == "field"


def test_a_dated_change_shares_its_interaction_with_a_driver():
    # token_price 0.5 halves chat: v(∅) 19,420; v(trim) 18,815 (−605); v(price) 14,455
    # (−9,930 / 2); v(both) 19,420 − 9,930 + (3,000 + 3,300 + 3,025) / 2 = 14,152.5.
    # trim: ½(−605 + (14,152.5 − 14,455)) = −453.75; price: ½(−4,965 + (14,152.5 − 18,815))
    # = −4,813.75; together −5,267.5 = 14,152.5 − 19,420.
    result = bridge(small_with(), small_with(TRIM, token_price=0.5))
    steps = {s.change: s.delta for s in result.steps}
    assert steps == {"drivers/token_price: 1 -> 0.5": pytest.approx(-4_813.75),
                     "changes/2028-01 chat: added (input_tokens = 500)": pytest.approx(-453.75)}
    assert math.fsum(steps.values()) == result.new_total - result.old_total


def test_a_removed_dated_change_is_a_step_and_apply_removes_it():
    # dropping the trim puts chat's 2028-01 back to 3,630: +605
    old, new = small_with(SPOT, TRIM), small_with(SPOT)
    result = bridge(old, new)
    assert [(s.change, s.delta) for s in result.steps] == [
        ("changes/2028-01 chat: removed (input_tokens = 500)", pytest.approx(605))]
    rebuilt = parse_scenario(apply(scenario_data(old), changes(old, new)), "test")
    assert rebuilt == new
    back = parse_scenario(apply(scenario_data(new), changes(new, old)), "test")
    assert back == old  # added again after the month before it


def test_a_dated_change_on_a_new_workload_is_grouped_with_it():
    # a second API chat (2,000,000 requests at 1,000 in × $1 + 500 out × $4 = $6,000 a month,
    # flat) whose prompts are halved from 2028-01 ($5,000): 6,000 + 6,000 + 5,000 = 17,000.
    # The dated change alone names a workload the old file lacks, so the two are one step
    # that lists both.
    data = scenario_data(small_with())
    data["inference"].append({**data["inference"][0], "name": "chat-2",
                              "requests_per_month": 2_000_000.0, "monthly_growth": 0.0})
    data["changes"] = [{"month": "2028-01", "workload": "chat-2", "set": {"input_tokens": 500}}]
    result = bridge(small_with(), parse_scenario(data, "test"))
    assert result.grouping == "row"
    (step,) = result.steps
    assert step.change == "inference/chat-2: 2 changes"
    assert step.delta == pytest.approx(17_000)
    assert step.changes == ("added", "changes/2028-01 chat-2: added (input_tokens = 500)")


def test_a_grouped_step_lists_each_change_even_at_zero():
    result = bridge(load_scenario(PLAN), load_scenario(COST_DOWN))
    steps = {s.change: s for s in result.steps}
    chat = steps["inference/support-chat: 6 changes"]
    assert len(chat.changes) == 6
    assert "requests_per_month: 3000000 -> 900000" in chat.changes
    search = steps["inference/search-answers: 3 changes"]
    assert search.delta == 0  # break-even inputs only: the forecast does not use them
    assert search.changes == ("min_gpus: 4 -> None", "api_price_per_1m_input: 0.72 -> None",
                              "api_price_per_1m_output: 0.72 -> None")
    # one change: its own label
    assert steps["inference/support-chat-tier1: added"].changes == (
        "inference/support-chat-tier1: added",)


def test_diff_json_keeps_its_shape_and_the_table_lists_grouped_changes(capsys):
    assert main(["diff", str(PLAN), str(COST_DOWN), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["old_total", "new_total", "steps"]
    assert all(list(s) == ["change", "delta"] for s in data["steps"])
    assert main(["diff", str(PLAN), str(COST_DOWN)]) == 0
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith("search-answers: 3 changes"))
    assert [line.strip() for line in lines[at + 1:at + 4]] == [
        "· min_gpus: 4 -> None", "· api_price_per_1m_input: 0.72 -> None",
        "· api_price_per_1m_output: 0.72 -> None"]
