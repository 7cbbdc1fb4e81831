"""The forecast's arrays against the straightforward long table (#18: a planner rerun at scale).

The forecast keeps (workloads, months) arrays and builds `lines` on demand; its by_category,
by_workload, workload_table, unit costs and total come straight from the arrays. Here they are
held to what the straightforward construction gives: every cost_lines series broadcast into one
row per workload per month, then pandas group-bys (the code before the arrays, kept below).
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.scale_speed import scenario_data
from budget.forecast import (
    CATEGORIES,
    INFERENCE_CATEGORIES,
    LINE_COLUMNS,
    CostLine,
    Forecast,
    cost_lines,
    exact_sum,
    forecast,
)
from budget.months import month_labels
from budget.rows import workload_rows
from budget.scenario import load_scenario, parse_scenario
from budget.scenario_model import Scenario
from budget.unit_costs import input_values
from tests.budget.test_dated_changes import small_data
from tests.budget.test_properties import scenarios
from tests.conftest import SAMPLE, SMALL

LABELS = ["workload", "category", "team", "model", "environment", "serving", "cloud", "gpu",
          "pricing"]


def straightforward_lines(series: list[CostLine], months: list[str]) -> pd.DataFrame:
    """Return the long table as it was built before the arrays: per series, broadcast."""
    n = len(months)
    if not series:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in LINE_COLUMNS})

    def column(attr: str) -> np.ndarray:
        return np.concatenate([np.broadcast_to(np.asarray(getattr(s, attr), dtype=float), (n,))
                               for s in series])

    def texts(values: list[object]) -> np.ndarray:
        return np.concatenate([np.full(n, v, dtype=object) if isinstance(v, str) else v
                               for v in values])

    return pd.DataFrame({
        "month": np.tile(np.array(months, dtype=object), len(series)),
        "month_index": np.tile(np.arange(n), len(series)),
        "workload": np.repeat(np.array([s.name for s in series], dtype=object), n),
        "category": texts([s.category for s in series]),
        **{k: texts([s.labels[k] for s in series]) for k in LABELS[2:]},
        **{k: column(k) for k in ("requests", "input_tokens", "output_tokens", "gpu_hours",
                                  "cost_usd")},
    }, columns=list(LINE_COLUMNS))


def wide(lines: pd.DataFrame, months: list[str], column: str, order: list[str]) -> pd.DataFrame:
    table = lines.groupby(["month", column], sort=False)["cost_usd"].sum().unstack(fill_value=0)
    table = table.reindex(index=months, columns=order, fill_value=0.0)
    table.columns.name = column
    return table


def straightforward_workload_table(lines: pd.DataFrame, months: int, changes: bool,
                                   ) -> pd.DataFrame:
    """Return the workload table as it was built from `lines` before the arrays."""
    columns = {label: lines[label].iloc[::months].to_numpy() for label in LABELS}
    if changes:
        for label in LABELS[1:]:
            block = lines[label].to_numpy().reshape(-1, months)
            columns[label] = np.array([" → ".join(dict.fromkeys(str(v) for v in row))
                                       for row in block], dtype=object)
    count = len(columns["workload"])

    def blocks(column: str) -> np.ndarray:
        return lines[column].to_numpy(dtype=float).reshape(count, months)

    cost_months = blocks("cost_usd")
    cost = cost_months.sum(axis=1)
    requests = blocks("requests").sum(axis=1)
    tokens = (blocks("input_tokens") + blocks("output_tokens")).sum(axis=1)
    is_inference = np.isin(columns["category"], INFERENCE_CATEGORIES)
    total = math.fsum(lines["cost_usd"].tolist())
    with np.errstate(divide="ignore", invalid="ignore"):
        columns.update(
            cost_usd=cost, first_month_usd=cost_months[:, 0], last_month_usd=cost_months[:, -1],
            gpu_hours=blocks("gpu_hours").sum(axis=1), requests=requests,
            usd_per_1k_requests=np.where(is_inference & (requests > 0),
                                         cost / requests * 1_000.0, np.nan),
            usd_per_1m_tokens=np.where(is_inference & (tokens > 0),
                                       cost / tokens * 1_000_000.0, np.nan),
            share_of_total=cost / total if total > 0 else np.zeros(count))
    return pd.DataFrame(columns)


def assert_as_straightforward(scenario: Scenario) -> Forecast:
    """Assert the forecast equals the straightforward construction: same labels, order, values."""
    months = month_labels(scenario.start, scenario.months)
    lines = straightforward_lines(cost_lines(scenario, input_values(scenario)), months)
    result = forecast(scenario)
    pd.testing.assert_frame_equal(result.lines, lines, check_exact=True)  # bit for bit
    assert result.total_cost_usd == math.fsum(lines["cost_usd"].tolist())  # exactly rounded
    scale = max(1.0, float(lines["cost_usd"].abs().max()) if len(lines) else 1.0)
    close = {"check_exact": False, "rtol": 1e-12, "atol": 1e-12 * scale}
    pd.testing.assert_frame_equal(result.by_category,
                                  wide(lines, months, "category", list(CATEGORIES)), **close)
    if len(lines):
        order = list(dict.fromkeys(lines["workload"]))
        pd.testing.assert_frame_equal(result.by_workload, wide(lines, months, "workload", order),
                                      **close)
        pd.testing.assert_frame_equal(
            result.workload_table(),
            straightforward_workload_table(lines, len(months), bool(scenario.changes)), **close)
    inference = lines[lines["category"].isin(INFERENCE_CATEGORIES)]
    cost, requests = float(inference["cost_usd"].sum()), float(inference["requests"].sum())
    tokens = float(inference["input_tokens"].sum() + inference["output_tokens"].sum())
    units = result.unit_costs
    assert units.usd_per_1k_requests == (
        None if requests <= 0 else pytest.approx(cost / requests * 1_000, rel=1e-12))
    assert units.usd_per_1m_tokens == (
        None if tokens <= 0 else pytest.approx(cost / tokens * 1_000_000, rel=1e-12))
    return result


def test_small_by_hand():
    # small.toml (tests/budget/test_forecast.py): chat realtime 3,000 × 1.1^m; batch-sum $400,
    # ft $400, research $780 a month; obs 1,000 × 1.5^m
    result = assert_as_straightforward(load_scenario(SMALL))
    by_hand = {"training": [400.0] * 3, "batch_inference": [400.0] * 3,
               "realtime_inference": [3000.0, 3300.0, 3630.0], "experimentation": [780.0] * 3,
               "platform": [1000.0, 1500.0, 2250.0]}
    assert list(result.by_category.columns) == list(by_hand)
    for category, months in by_hand.items():
        assert result.by_category[category].tolist() == pytest.approx(months), category
    assert result.total_cost_usd == pytest.approx(19_420.0)  # 5,580 + 6,380 + 7,460
    # 15 rows: 5 workloads × 3 months, workload-major, file order
    assert result.lines["workload"].tolist()[::3] == list(result.by_workload.columns)
    assert result.lines["month_index"].tolist() == [0, 1, 2] * 5


def test_bundled_plan():
    assert_as_straightforward(load_scenario(SAMPLE))


def test_dated_changes():
    assert_as_straightforward(parse_scenario(small_data(), "dated"))


def test_a_change_of_kind_moves_the_line_between_categories():
    # chat (realtime, from 2027-12) becomes batch from 2028-01: chat 0, 3,000, 3,300, 3,630;
    # batch-sum $400 a month; team support → x from then
    data = small_data([{"month": "2028-01", "workload": "chat",
                        "set": {"kind": "batch", "team": "x"}}])
    result = assert_as_straightforward(parse_scenario(data, "kind"))
    assert result.by_category["realtime_inference"].tolist() == pytest.approx([0, 3000, 0, 0])
    assert result.by_category["batch_inference"].tolist() == pytest.approx(
        [400, 400, 400 + 3300, 400 + 3630])
    chat = result.workload_table().set_index("workload").loc["chat"]
    assert chat["category"] == "realtime_inference → batch_inference"
    assert chat["team"] == "support → x"
    assert chat["cost_usd"] == pytest.approx(3000 + 3300 + 3630)
    rows = workload_rows(result).set_index("workload")
    assert rows.loc["chat", "category"] == "Real-time inference → Batch inference"


def test_a_generated_big_plan():
    data = scenario_data(300, 24)  # bench/scale_speed.py's copies of the bundled plan
    result = assert_as_straightforward(parse_scenario(data, "scale"))
    every = workload_rows(result)
    assert len(every) == 300
    assert every["cost_usd"].is_monotonic_decreasing  # largest first
    pd.testing.assert_frame_equal(workload_rows(result, 50), every.head(50), check_exact=True)


def test_no_workloads():
    data = tomllib.loads(SMALL.read_text())
    for table in ("inference", "training", "experimentation", "platform"):
        data.pop(table, None)
    result = assert_as_straightforward(parse_scenario(data, "empty"))
    assert result.total_cost_usd == 0.0
    assert result.by_category.to_numpy().sum() == 0.0


@given(scenarios(windows=True, changes=True))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_scenarios(scenario):
    assert_as_straightforward(scenario)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300,
                          max_value=1e300), max_size=300),
       st.sampled_from([1e-300, 1e-8, 1.0]))  # sums stay below overflow (fsum raises there)
def test_exact_sum_is_fsum(values, scale):
    x = np.array(values, dtype=float) * scale
    assert exact_sum(x) == math.fsum(x.tolist())  # bit for bit (both exactly rounded)


def test_exact_sum_by_hand():
    # 1e16 + 1 + 1 − 1e16 is 2 exactly; a left-to-right float sum gives 0 (1e16 + 1 rounds)
    assert exact_sum(np.array([1e16, 1.0, 1.0, -1e16])) == 2.0
    assert exact_sum(np.array([0.1] * 10)) == 1.0  # fsum's example: sum() gives 0.9999999999999999
    assert exact_sum(np.zeros(0)) == 0.0
