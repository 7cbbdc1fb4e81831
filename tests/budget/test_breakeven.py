"""Break-even prices the planned side as the forecast does: by hand on small.toml.

batch-sum is self-hosted on aws/H100 spot ($2/GPU-h): 1000 output tokens / (1000 tok/s × 3600 s
× 0.5 utilisation) = 1/1800 GPU-h a request, so $2/1800 = $0.001111 without interruptions.
With spot_overhead = 0.2 the forecast bills 1.2/1800 GPU-h a request, $0.001333; break-even
used $0.001111 before #16 (17% low) and uses $0.001333 now.
"""

from __future__ import annotations

import pytest

from budget.breakeven import break_even
from budget.forecast import forecast
from budget.scenario import parse_scenario


def _batch_with_api_alternative(small_data, **drivers):
    small_data["inference"][1].update(api_price_per_1m_input=1.0, api_price_per_1m_output=2.0)
    return parse_scenario(small_data, "x").with_drivers(**drivers)


def test_spot_overhead_is_in_the_self_hosted_cost_per_request(small_data):
    scenario = _batch_with_api_alternative(small_data, spot_overhead=0.2)
    (point,) = break_even(scenario)
    assert round(point.self_host_usd_per_request, 6) == 0.001333  # the figure
    assert point.self_host_usd_per_request == pytest.approx(2.0 * 1.2 / 1800)
    # the forecast's first month of batch-sum: 360,000 requests × $0.001333 = $480
    month = forecast(scenario).lines.query("workload == 'batch-sum' and month_index == 0")
    assert float(month["cost_usd"].iloc[0]) == pytest.approx(480.0)
    assert float(month["cost_usd"].iloc[0] / month["requests"].iloc[0]) == pytest.approx(
        point.self_host_usd_per_request, rel=1e-12)
    # the fixed side is min_gpus × 730.5 h at $2: billed hours, no interruption overhead
    assert point.self_host_fixed_usd_per_month == pytest.approx(1461.0)
    # API: (2000 × $1 + 1000 × $2) / 1M = $0.004; they cross at 1461 / 0.004 requests
    assert point.api_usd_per_request == pytest.approx(0.004)
    assert point.requests_per_month == pytest.approx(1461.0 / 0.004)


def test_without_overhead_the_figure_is_the_old_one(small_data):
    (point,) = break_even(_batch_with_api_alternative(small_data))
    assert round(point.self_host_usd_per_request, 6) == 0.001111  # the old figure
    assert point.self_host_usd_per_request == pytest.approx(2.0 / 1800)


def test_api_workload_against_self_hosting_on_demand(small_data):
    small_data["inference"][0].update(self_host_cloud="aws", self_host_gpu="H100",
                                      self_host_output_tokens_per_gpu_second=500.0,
                                      self_host_utilization=0.25)
    scenario = parse_scenario(small_data, "x").with_drivers(spot_overhead=0.2, gpu_price=1.5)
    (point,) = break_even(scenario)
    assert point.workload == "chat"
    # chat through the API: (1000 × $1 + 500 × $4) / 1M = $0.003 a request, as forecast
    assert point.api_usd_per_request == pytest.approx(0.003)
    month = forecast(scenario).lines.query("workload == 'chat' and month_index == 0")
    assert float(month["cost_usd"].iloc[0] / month["requests"].iloc[0]) == pytest.approx(
        0.003, rel=1e-12)
    # on demand $4 × 1.5 = $6/GPU-h (no spot overhead); 500 tokens / (500 × 3600 × 0.25)
    # = 1/900 GPU-h a request → $6/900
    assert point.self_host_usd_per_request == pytest.approx(6.0 / 900)
    assert point.self_host_fixed_usd_per_month == pytest.approx(6.0 * 730.5)
    assert point.requests_per_month is None  # self-hosting never wins at $0.00667 > $0.003
