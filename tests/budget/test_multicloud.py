"""Multi-cloud: portability scores and placements by hand on small.toml."""

from __future__ import annotations

import pytest

from budget.multicloud import ENGINEERING_USD_PER_WEEK, placements, portability
from budget.pricing import catalog_gpu_row
from budget.scenario import parse_scenario


def test_portability_score_by_hand(small_data):
    small_data["portability"] = [{"workload": "ft", "data_gb_per_month": 50_000,
                                  "data_gb_stored": 1000, "model_registry": 1.0,
                                  "container_images": 1.0, "iam": 0.0, "observability": 0.0,
                                  "deployment_automation": 1.0}]
    scores = {p.workload: p for p in portability(parse_scenario(small_data, "x"))}
    ft = scores["ft"]
    # egress 50,000 GB × $0.09 = $4,500 a month → data factor 1 − 0.45 = 0.55
    assert ft.monthly_egress_usd == pytest.approx(4_500)
    assert ft.score == pytest.approx(100 * (0.3 * 0.55 + 0.15 + 0.15 + 0 + 0 + 0.15), abs=0.05)
    # engineering factors average 3/5 = 0.6 → 12 − 11 × 0.6 = 5.4 weeks; data 1,000 GB × $0.09
    assert ft.move_usd == pytest.approx(1000 * 0.09 + 5.4 * ENGINEERING_USD_PER_WEEK)
    assert scores["research-experimentation"].score == pytest.approx(65.0)  # all 0.5, no data


def test_placements_by_hand(small_data):
    small_data["training"][0].update(cloud="gcp", gpu="A100", pricing="on_demand")
    scenario = parse_scenario(small_data, "x")
    options = {p.name: p for p in placements(scenario)}
    planned = options["as planned"]
    # aws: 200 + 260 = 460 GPU-h a month; gcp: 100 → the largest cloud holds 460 / 560
    assert planned.largest_cloud_share == pytest.approx(460 / 560)
    gcp_a100 = catalog_gpu_row("gcp", "A100")["on_demand"]
    aws_a100 = catalog_gpu_row("aws", "A100")["on_demand"]
    assert planned.cost_usd == pytest.approx(3 * (200 * 2.0 + 260 * 3.0 + 100 * gcp_a100))
    together = options["all on aws"]
    assert together.cost_usd == pytest.approx(3 * (200 * 2.0 + 260 * 3.0 + 100 * aws_a100))
    assert together.largest_cloud_share == 1.0
    assert together.switching_usd > 0
    assert options["even split aws/gcp"].largest_cloud_share == 0.5


def test_portability_row_must_name_a_gpu_workload(small_data):
    from budget.errors import BudgetInputError

    small_data["portability"] = [{"workload": "chat"}]  # chat is served by an API
    with pytest.raises(BudgetInputError, match='"chat" is not a GPU workload'):
        parse_scenario(small_data, "x")


def test_by_workload_type_moves_training_to_the_cheapest_gpus(small_data):
    small_data["training"][0].update(cloud="gcp", gpu="A100", pricing="on_demand")
    options = {p.name.split(":")[0]: p for p in placements(parse_scenario(small_data, "x"))}
    typed = options["by workload type"]
    # ft: A100 on demand is cheapest at lambda ($1.29); research: H100 reserved at lambda
    # ($2.49 < small.toml's own aws $3); batch-sum is inference and stays on aws spot ($2)
    assert typed.clouds == {"batch-sum": "aws", "ft": "lambda", "research-experimentation":
                            "lambda"}
    assert typed.cost_usd == pytest.approx(3 * (200 * 2.0 + 100 * 1.29 + 260 * 2.49))
    assert typed.largest_cloud_share == pytest.approx(360 / 560)


def test_moved_workloads_pay_the_gpu_price_input_too(small_data):
    small_data["training"][0].update(cloud="gcp", gpu="A100", pricing="on_demand")
    small_data["drivers"]["gpu_price"] = 1.3
    options = {p.name.split(":")[0]: p for p in placements(parse_scenario(small_data, "x"))}
    aws_a100 = catalog_gpu_row("aws", "A100")["on_demand"]
    # every GPU-hour × 1.3, the moved ft's 100 GPU-hours on aws's A100 list price too
    assert options["all on aws"].cost_usd == pytest.approx(
        1.3 * 3 * (200 * 2.0 + 260 * 3.0 + 100 * aws_a100))
    # lambda's $1.29 A100 and $2.49 H100 reserved still win at 1.3 × every cloud's price
    assert options["by workload type"].cost_usd == pytest.approx(
        1.3 * 3 * (200 * 2.0 + 100 * 1.29 + 260 * 2.49))
