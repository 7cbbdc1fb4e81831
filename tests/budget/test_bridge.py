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
