"""Engine properties over generated scenarios (Hypothesis)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.actuals import spend_by
from budget.breakeven import DEFAULT_ALTERNATIVE_UTILIZATION, break_even
from budget.fmt import compact, usd
from budget.forecast import INFERENCE_CATEGORIES, Forecast, forecast, horizon_total_usd
from budget.months import month_labels
from budget.readouts import (
    blended_api_usd_per_1m_tokens,
    busiest_gpu_pool,
    driver_readouts,
    gpu_hour_usd,
    mean_output_tokens,
    total_requests_first_month,
    training_runs_per_quarter,
)
from budget.scenario import parse_scenario
from budget.scenario_model import WORKLOAD_TABLES, InferenceWorkload, Scenario
from budget.schema import TINY
from budget.sensitivity import tornado


def number(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats in [low, high] as a file may hold them: 0, or at least TINY away from 0."""
    return st.floats(low, high, allow_nan=False).map(lambda x: x if abs(x) >= TINY else 0.0)


money = number(0.0, 1e5)
count = number(0.0, 1e7)
growth = number(-0.3, 0.3)
positive = number(0.01, 1000.0)
pricing = st.sampled_from(["on_demand", "spot", "reserved"])


@st.composite
def scenarios(draw: st.DrawFn, alternatives: bool = False, windows: bool = False,
              changes: bool = False) -> Scenario:
    """Draw a small valid scenario touching every workload kind and pricing mode.

    With `alternatives`, every inference workload also describes how it could be served the
    other way (API prices for self-hosted ones, a GPU for API ones), for break-even. With
    `windows`, some workloads get a `starts` and/or an `ends` inside the horizon. With
    `changes`, up to three [[changes]]: a workload's volume, tokens, growth, cost, pricing or
    pool (a second price row, c/h), or a price row's prices, from a month of the horizon.
    """
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
            if alternatives:
                row.update(self_host_cloud="c", self_host_gpu="g",
                           self_host_output_tokens_per_gpu_second=draw(number(10, 5000)),
                           self_host_utilization=draw(number(0.05, 1.0)))
        else:
            row.update(serving="self_hosted", cloud="c", gpu="g",
                       output_tokens_per_gpu_second=draw(number(10, 5000)),
                       utilization=draw(number(0.05, 1.0)), pricing=draw(pricing))
            if alternatives:
                row.update(api_price_per_1m_input=draw(number(0, 20)),
                           api_price_per_1m_output=draw(number(0, 80)),
                           min_gpus=draw(st.integers(1, 8)))
                if draw(st.booleans()):
                    row["input_tokens_per_gpu_second"] = draw(number(100, 50_000))
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
    if windows:
        months = month_labels("2027-01", data["scenario"]["months"])
        for table in WORKLOAD_TABLES:
            for row in data[table]:
                first = draw(st.integers(0, len(months) - 1))
                last = draw(st.integers(first, len(months) - 1))
                if draw(st.booleans()):
                    row["starts"] = months[first]
                if draw(st.booleans()):
                    row["ends"] = months[last]
    if changes:
        _draw_changes(draw, data)
    return parse_scenario({k: v for k, v in data.items() if v != []}, "generated")


def _draw_changes(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """Add a second price row and up to three dated changes to generated scenario data."""
    data["gpu_prices"].append({"cloud": "c", "gpu": "h", "on_demand": draw(positive),
                               "spot": draw(positive), "reserved": draw(positive),
                               "source": "test", "as_of": "2026-11"})
    months = month_labels("2027-01", data["scenario"]["months"])
    rows = [(table, row) for table in WORKLOAD_TABLES for row in data[table]]
    data["changes"] = []
    for _ in range(draw(st.integers(0, 3))):
        month = months[draw(st.integers(0, len(months) - 1))]
        if not rows or draw(st.integers(0, 3)) == 0:
            data["changes"].append({"month": month, "gpu": draw(st.sampled_from(["c/g", "c/h"])),
                                    "set": {"on_demand": draw(positive), "spot": draw(positive)}})
            continue
        table, row = draw(st.sampled_from(rows))
        name = row.get("name", f"{row.get('team')}-experimentation")
        options: dict[str, st.SearchStrategy[Any]] = {
            "inference": st.fixed_dictionaries({}, optional={
                "requests_per_month": count, "output_tokens": number(0, 2000),
                "monthly_growth": growth}),
            "training": st.fixed_dictionaries({}, optional={
                "gpu_hours_per_run": positive, "gpu": st.just("h"), "pricing": pricing}),
            "experimentation": st.fixed_dictionaries({}, optional={
                "gpu_hours_per_week": number(0, 1000), "gpu": st.just("h")}),
            "platform": st.fixed_dictionaries({}, optional={
                "monthly_cost": money, "monthly_growth": growth}),
        }
        values = draw(options[table])
        if table == "inference" and row["serving"] == "self_hosted" and draw(st.booleans()):
            values.update(gpu="h", pricing=draw(pricing))
        if values:
            data["changes"].append({"month": month, "workload": name, "set": values})


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
    assert_tornado_ends_are_rerun_forecasts(scenario)


def assert_tornado_ends_are_rerun_forecasts(scenario: Scenario) -> None:
    """Assert the tornado's base and every bar's ends are forecasts re-run at those values."""
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


drivers = st.fixed_dictionaries({
    "inference_volume": number(0.0, 3.0), "output_tokens": number(0.0, 3.0),
    "refresh_frequency": number(0.0, 3.0), "gpu_price": number(0.0, 3.0),
    "token_price": number(0.0, 3.0), "inference_growth": number(-0.2, 0.2),
    "gpu_throughput": number(0.05, 3.0), "utilization": number(0.05, 2.0),
    "spot_overhead": number(0.0, 1.0),
})


def close(a: float, b: float) -> bool:
    """Return whether two computations of one figure agree to rounding."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def first_month(result: Forecast) -> pd.DataFrame:
    """Return the forecast's first-month lines indexed by workload."""
    return result.lines[result.lines["month_index"] == 0].set_index("workload")


def served_the_other_way(scenario: Scenario, name: str) -> Scenario:
    """Return the scenario with workload `name` served its described alternative way."""
    def swap(w: InferenceWorkload) -> InferenceWorkload:
        if w.name != name:
            return w
        if w.serving == "api":
            return dataclasses.replace(
                w, serving="self_hosted", cloud=w.self_host_cloud, gpu=w.self_host_gpu,
                pricing="on_demand",
                output_tokens_per_gpu_second=w.self_host_output_tokens_per_gpu_second,
                input_tokens_per_gpu_second=None,
                utilization=w.self_host_utilization or DEFAULT_ALTERNATIVE_UTILIZATION)
        return dataclasses.replace(w, serving="api", price_per_1m_input=w.api_price_per_1m_input,
                                   price_per_1m_output=w.api_price_per_1m_output)
    return dataclasses.replace(scenario, inference=tuple(swap(w) for w in scenario.inference))


@FAST
@given(scenarios(alternatives=True),  # a spot overhead always, so spot requests cost more
       drivers.map(lambda d: {**d, "spot_overhead": max(d["spot_overhead"], 0.05)}))
def test_break_even_prices_a_request_as_the_forecast_does(scenario, values):
    scenario = scenario.with_drivers(**values)
    month = first_month(forecast(scenario))
    for point in break_even(scenario):
        row = month.loc[point.workload]
        assert point.planned_requests_per_month == row["requests"]
        if row["requests"] <= 0:
            continue
        planned, other = ((point.self_host_usd_per_request, point.api_usd_per_request)
                          if point.serving == "self_hosted"
                          else (point.api_usd_per_request, point.self_host_usd_per_request))
        # the planned side (spot overhead included) is the forecast's cost per request ...
        assert close(planned, row["cost_usd"] / row["requests"])
        # ... and the alternative is what the forecast would charge served the other way
        swapped = first_month(forecast(served_the_other_way(scenario, point.workload)))
        assert close(other, swapped.loc[point.workload, "cost_usd"] / row["requests"])


@FAST
@given(scenarios(), drivers)
def test_captions_are_the_forecasts_first_month(scenario, values):
    scenario = scenario.with_drivers(**values)
    month = first_month(forecast(scenario))
    inference = month[month["category"].isin(INFERENCE_CATEGORIES)]
    requests = float(inference["requests"].sum())
    assert close(total_requests_first_month(scenario), requests)
    if requests > 0:
        assert close(mean_output_tokens(scenario), inference["output_tokens"].sum() / requests)
    api = inference[inference["serving"] == "api"]
    tokens = float(api["input_tokens"].sum() + api["output_tokens"].sum())
    blended = blended_api_usd_per_1m_tokens(scenario)
    if tokens > 0:
        assert blended is not None
        assert close(blended, api["cost_usd"].sum() / tokens * 1e6)
    text = driver_readouts(scenario)
    pool = busiest_gpu_pool(scenario)
    if pool is not None:
        hourly = gpu_hour_usd(scenario, pool)
        assert text["gpu_price"].startswith(f"≈ {usd(hourly, 2)}/GPU-hour")
        lines = month[(month["cloud"] == pool[0]) & (month["gpu"] == pool[1])
                      & (month["pricing"] == pool[2]) & (month["gpu_hours"] > 0)]
        for cost, hours in zip(lines["cost_usd"], lines["gpu_hours"], strict=True):
            assert close(cost / hours, hourly)  # the forecast bills its GPU-hours at this price
    training = month[month["category"] == "training"]
    projects = forecast(scenario).training_projects()
    runs = training_runs_per_quarter(scenario)
    assert close(runs, float(projects["runs_per_quarter"].sum()) if len(projects) else 0.0)
    assert text["refresh_frequency"] == f"≈ {runs:,.1f} training runs per quarter"
    assert text["inference_volume"].startswith(
        f"≈ {compact(total_requests_first_month(scenario))} requests/month")
    if len(projects):  # a run's cost × runs a month is the forecast's training month
        per_month = projects.set_index("workload")["usd_per_run"] * projects.set_index(
            "workload")["runs_per_quarter"] / 3
        for name, usd_month in per_month.items():
            assert close(usd_month, float(training.loc[name, "cost_usd"]))


@FAST
@given(scenarios(), drivers)
def test_cost_per_run_times_runs_is_the_training_cost(scenario, values):
    scenario = scenario.with_drivers(**values)
    result = forecast(scenario)
    horizon = result.lines.groupby("workload")["cost_usd"].sum()
    for row in result.training_projects().to_dict("records"):
        assert close(row["usd_per_quarter"], row["usd_per_run"] * row["runs_per_quarter"])
        # a quarter is three forecast months, every month the same
        assert close(row["usd_per_quarter"] / 3 * scenario.months, float(horizon[row["workload"]]))
        assert close(row["usd_horizon"], float(horizon[row["workload"]]))
