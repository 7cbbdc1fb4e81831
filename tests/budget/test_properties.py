"""Engine properties over generated scenarios (Hypothesis)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.actuals import spend_by
from budget.forecast import forecast, horizon_total_usd
from budget.scenario import Scenario, parse_scenario
from budget.schema import TINY
from budget.sensitivity import tornado


def number(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in [low, high] as a file may hold them: 0, or at least TINY away from 0."""
    return st.floats(low, high, allow_nan=False).map(lambda x: x if abs(x) >= TINY else 0.0)


money = number(0.0, 1e5)
count = number(0.0, 1e7)
growth = number(-0.3, 0.3)
positive = number(0.01, 1000.0)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Draw a small valid scenario touching every workload kind and pricing mode."""
    pricing = st.sampled_from(["on_demand", "spot", "reserved"])
    data: dict[str, Any] = {
        "scenario": {"name": "generated", "start": "2027-01",
                     "months": draw(st.integers(1, 24))},
        "gpu_prices": [{"cloud": "c", "gpu": "g", "on_demand": draw(positive),
                        "spot": draw(positive), "reserved": draw(positive), "source": "test",
                        "as_of": "2026-11"}],
        "inference": [], "training": [], "experimentation": [], "platform": [],
    }
    for i in range(draw(st.integers(0, 3))):
        row = {"name": f"i{i}", "team": "t", "model": "m",
               "kind": draw(st.sampled_from(["realtime", "batch"])),
               "requests_per_month": draw(count), "monthly_growth": draw(growth),
               "input_tokens": draw(number(0, 5000)), "output_tokens": draw(number(0, 2000))}
        if draw(st.booleans()):
            row.update(serving="api", price_per_1m_input=draw(number(0, 20)),
                       price_per_1m_output=draw(number(0, 80)))
        else:
            row.update(serving="self_hosted", cloud="c", gpu="g",
                       output_tokens_per_gpu_second=draw(number(10, 5000)),
                       utilization=draw(number(0.05, 1.0)), pricing=draw(pricing))
        data["inference"].append(row)
    for i in range(draw(st.integers(0, 2))):
        data["training"].append({"name": f"t{i}", "team": "t", "model": "m", "cloud": "c",
                                 "gpu": "g", "gpu_hours_per_run": draw(positive),
                                 "refreshes_per_quarter": draw(number(0, 12)),
                                 "pricing": draw(pricing)})
    for i in range(draw(st.integers(0, 2))):
        data["experimentation"].append({"name": f"e{i}", "team": "t", "cloud": "c", "gpu": "g",
                                        "gpu_hours_per_week": draw(number(0, 1000)),
                                        "pricing": draw(pricing)})
    for i in range(draw(st.integers(0, 2))):
        data["platform"].append({"name": f"p{i}", "category": "storage",
                                 "monthly_cost": draw(money), "monthly_growth": draw(growth)})
    return parse_scenario({k: v for k, v in data.items() if v != []}, "generated")


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(scenarios())
def test_totals_are_the_sum_of_their_parts(scenario):
    result = forecast(scenario)
    total = result.total_cost_usd
    assert math.isclose(result.by_category.to_numpy().sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(result.by_workload.to_numpy().sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(result.total_usd.sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    assert total == horizon_total_usd(scenario)


@FAST
@given(scenarios())
def test_costs_are_never_negative(scenario):
    assert (forecast(scenario).lines["cost_usd"] >= 0).all()


@FAST
@given(scenarios(), st.sampled_from(["inference_volume", "output_tokens", "refresh_frequency",
                                     "gpu_price", "token_price", "spot_overhead"]),
       st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_monotone_in_volume_tokens_and_prices(scenario, driver, a, b):
    low, high = sorted((a, b))
    if driver == "spot_overhead":
        low, high = low / 3, high / 3
    total_low = horizon_total_usd(scenario.with_drivers(**{driver: low}))
    total_high = horizon_total_usd(scenario.with_drivers(**{driver: high}))
    assert total_high >= total_low - 1e-9 * max(1.0, abs(total_low))


@settings(max_examples=25, deadline=None)
@given(scenarios())
def test_tornado_ends_are_rerun_forecasts(scenario):
    base, bars = tornado(scenario)
    assert base == forecast(scenario).total_cost_usd
    for bar in bars:
        assert bar.low_total == forecast(scenario.with_drivers(**{bar.input: bar.low_value})
                                         ).total_cost_usd
        assert bar.high_total == forecast(scenario.with_drivers(**{bar.input: bar.high_value})
                                          ).total_cost_usd


@FAST
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "unallocated"]),
                          st.floats(-1e4, 1e6, allow_nan=False)), min_size=1, max_size=40),
       st.integers(1, 4))
def test_allocations_sum_to_the_pool(rows, top):
    frame = pd.DataFrame(rows, columns=["team", "effective_cost"])
    table = spend_by(frame, "team", top=top)
    assert math.isclose(table["cost"].sum(), frame["effective_cost"].sum(), rel_tol=1e-9,
                        abs_tol=1e-6)
