"""The forecast's unit costs on small.toml (aws/H100: $4 on demand, $2 spot, $3 reserved)."""

from __future__ import annotations

import dataclasses

import pytest

from budget.forecast import forecast
from budget.scenario import load_scenario, parse_scenario
from budget.unit_costs import (
    api_usd_per_request,
    billed_gpu_hours_per_run,
    experimentation_gpu_hours_per_month,
    gpu_hours_per_request,
    input_values,
    offered_usd_per_gpu_hour,
    runs_per_quarter,
    spot_factor,
    usd_per_gpu_hour,
    usd_per_gpu_hour_from_list,
    usd_per_request,
    usd_per_run,
)
from tests.conftest import SMALL


@pytest.fixture
def small():
    return load_scenario(SMALL).with_drivers(spot_overhead=0.25, gpu_price=1.5)


def test_gpu_hour_price_has_gpu_price_but_not_the_spot_overhead(small):
    values = input_values(small)
    assert usd_per_gpu_hour(small, "aws", "H100", "spot", values) == pytest.approx(3.0)
    assert usd_per_gpu_hour(small, "aws", "H100", "on_demand", values) == pytest.approx(6.0)
    assert spot_factor(True, values) == 1.25
    assert spot_factor(False, values) == 1.0


def test_per_request(small):
    chat, batch = small.inference
    values = input_values(small)
    # chat (API): (1000 × $1 + 500 × $4) / 1M = $0.003
    assert usd_per_request(small, chat, values) == pytest.approx(0.003)
    assert api_usd_per_request(1000, 500, 1.0, 4.0, values) == pytest.approx(0.003)
    # batch-sum (spot): 1000 / (1000 × 3600 × 0.5) = 1/1800 GPU-h × 1.25 billed, × $3
    assert gpu_hours_per_request(1000, 1000, 0.5, "spot", values) == pytest.approx(1.25 / 1800)
    assert usd_per_request(small, batch, values) == pytest.approx(3.0 * 1.25 / 1800)
    # prefill adds input tokens / (prefill rate × effective seconds): 2000 / (2000 × 1800)
    assert gpu_hours_per_request(1000, 1000, 0.5, "on_demand", values, 2000, 2000.0) == (
        pytest.approx(2 / 1800))


def test_per_run_and_per_month(small):
    (ft,) = small.training
    (research,) = small.experimentation
    values = input_values(small.with_drivers(refresh_frequency=2.0))
    assert runs_per_quarter(ft, values) == 2.0
    assert billed_gpu_hours_per_run(ft, values) == 300.0  # on demand: no overhead
    assert usd_per_run(small, ft, values) == pytest.approx(300 * 6.0)
    # 60 GPU-h a week × 52/12 weeks = 260 GPU-h (reserved: no overhead)
    assert experimentation_gpu_hours_per_month(research, values) == pytest.approx(260.0)


def test_forecast_charges_the_unit_costs(small):
    lines = forecast(small).lines.set_index(["workload", "month_index"])
    # batch-sum: 360,000 requests × $3 × 1.25/1800 = $750 and 250 GPU-hours in month one
    assert lines.loc[("batch-sum", 0), "cost_usd"] == pytest.approx(750.0)
    assert lines.loc[("batch-sum", 0), "gpu_hours"] == pytest.approx(250.0)
    # ft: 1/3 run a month × 300 GPU-h × $6 = $600
    assert lines.loc[("ft", 0), "cost_usd"] == pytest.approx(600.0)


def test_billed_gpu_hours_per_run_adds_the_spot_factor_to_the_hours_as_written(small):
    (ft,) = small.training
    spot = dataclasses.replace(ft, pricing="spot")
    values = input_values(small)  # spot_overhead 0.25, gpu_price 1.5
    assert spot.gpu_hours_per_run == 300.0  # the file's field: hours as written
    assert billed_gpu_hours_per_run(spot, values) == pytest.approx(375.0)  # 300 × 1.25
    # 375 billed GPU-hours × ($2 spot × 1.5) = $1,125 a run
    assert usd_per_run(small, spot, values) == pytest.approx(1_125.0)


def test_gpu_hour_price_for_each_mode_and_from_a_list_price(small, small_data):
    values = input_values(small)  # gpu_price 1.5; aws/H100 lists $4, $2 spot, $3 reserved
    assert [offered_usd_per_gpu_hour(small, "aws", "H100", mode, values)
            for mode in ("on_demand", "spot", "reserved")] == pytest.approx([6.0, 3.0, 4.5])
    assert usd_per_gpu_hour_from_list(2.49, values) == pytest.approx(3.735)  # 2.49 × 1.5
    del small_data["gpu_prices"][0]["spot"]
    small_data["inference"][1]["pricing"] = "on_demand"  # batch-sum ran on spot
    no_spot = parse_scenario(small_data, "x")
    no_spot_values = input_values(no_spot)  # gpu_price 1.0
    assert offered_usd_per_gpu_hour(no_spot, "aws", "H100", "spot", no_spot_values) is None
    assert offered_usd_per_gpu_hour(no_spot, "aws", "H100", "reserved", no_spot_values) == 3.0
