"""The display rows and CSV bytes reconcile with the forecast."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from budget.fmt import compact, sentence, usd
from budget.forecast import forecast
from budget.rows import assumption_rows, csv_bytes, gpu_hour_rows, monthly_rows, workload_rows
from budget.scenario import load_scenario
from tests.conftest import SMALL


@pytest.fixture
def result():
    return forecast(load_scenario(SMALL))


def test_workload_csv_round_trips_and_sums(result):
    rows = workload_rows(result)
    assert rows["workload"].tolist()[0] == "chat"  # largest first: $9,930
    back = pd.read_csv(io.BytesIO(csv_bytes(rows)))
    assert back["cost_usd"].sum() == pytest.approx(19_420)
    assert back.set_index("workload").loc["batch-sum", "category"] == "Batch inference"


def test_monthly_rows_total_column(result):
    table = monthly_rows(result)
    assert table["Month"].tolist() == ["2027-11", "2027-12", "2028-01"]
    assert table["Total"].tolist() == pytest.approx([5580, 6380, 7460])
    parts = table.drop(columns=["Month", "Total"]).sum(axis=1)
    assert parts.tolist() == pytest.approx(table["Total"].tolist())


def test_gpu_hour_rows(result):
    assert gpu_hour_rows(result)["aws/H100"].tolist() == pytest.approx([560] * 3)


def test_assumption_rows_keep_sources():
    tables = assumption_rows(load_scenario(SMALL))
    assert list(tables) == ["drivers", "gpu_prices", "inference", "training", "experimentation",
                            "platform", "ranges"]
    assert tables["gpu_prices"].loc[0, "source"] == "test figures"
    assert tables["drivers"]["value"].tolist()[:5] == [1.0] * 5


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234.5, 0, "$1,234"), (-1234.4, 0, "-$1,234"), (1.20513, 4, "$1.2051"), (None, 0, "—"),
     (float("nan"), 2, "—")],
)
def test_usd(value, decimals, text):
    assert usd(value, decimals) == text


def test_compact_and_sentence():
    assert compact(4_123_000) == "4.1M"
    assert compact(620_000) == "620.0K"
    assert compact(950) == "950"
    assert sentence("multiplies every GPU price") == "Multiplies every GPU price"


def test_sensitivity_tables_reconcile(result):
    from budget.rows import cases_rows, fan_rows, range_rows, sobol_rows, tornado_rows
    from budget.sensitivity import (
        SobolIndex,
        cases_by_category,
        monte_carlo,
        tornado,
    )

    scenario = result.scenario
    base, bars = tornado(scenario)
    table = tornado_rows(base, bars, {b.input: SobolIndex(0.1, 0.2) for b in bars})
    assert (table["high_change_usd"] == table["high_total_usd"] - 19_420).all()
    assert table["sobol_st"].tolist() == [0.2] * len(bars)
    mc = monte_carlo(scenario, draws=1_000)
    fan = fan_rows(result.months, mc, result.total_usd)
    assert fan["expected_usd"].tolist() == pytest.approx([5580, 6380, 7460])
    assert (fan["p10_usd"] <= fan["p90_usd"]).all()
    cases = cases_rows(cases_by_category(scenario, mc))
    assert cases["line"].tolist()[0] == "Total"
    assert cases.set_index("line").loc["Platform", "expected_usd"] == pytest.approx(4_750)
    ranges = range_rows(scenario).set_index("input")
    assert ranges.loc["refresh_frequency", ["p10", "expected", "p90"]].tolist() == [0.5, 1, 1.5]
    assert ranges.loc["refresh_frequency", "range_from"] == "documented default"
    sobol = sobol_rows({"gpu_price": SobolIndex(0.1, 0.3),
                        "inference_volume": SobolIndex(0.5, 0.6),
                        "token_price": SobolIndex(-0.001, 0.002)})  # noise below 0
    assert sobol["input"].tolist() == ["Inference volume", "GPU price", "API token price"]
    assert sobol["interaction"].tolist() == pytest.approx([0.1, 0.2, 0.002])
    assert sobol["s1"].tolist()[-1] == 0.0  # −0.001 is no share of variance: shown as 0


@pytest.mark.parametrize(("amount", "currency", "decimals", "text"), [
    (15.234, "USD", None, "$15.23"), (-3.1, "USD", None, "-$3.10"),
    (501_618.4, "USD", None, "$501,618"), (501_618.4, "EUR", None, "501,618 EUR"),
    (0.01234, "USD", 4, "$0.0123"), (None, "USD", None, "—"), (float("nan"), "EUR", 2, "—")])
def test_money(amount, currency, decimals, text):
    from budget.fmt import money, usd

    assert money(amount, currency, decimals) == text
    if currency == "USD" and amount is not None:  # one money format: the same as usd()
        assert text == usd(amount, decimals if decimals is not None else
                           (2 if abs(amount) < 1000 else 0))


def test_strategy_rows_keep_the_procurement_csv_columns():
    from budget.procurement import Strategy
    from budget.rows import strategy_rows

    options = [Strategy("all_on_demand", 10_000.0, {}, 0.0, 0.0, 10_400.0),
               Strategy("recommended", 7_250.0, {"aws/H100": 2, "gcp/A100": 0, "aws/L4": 1},
                        0.5, 300.0, 7_900.0),
               Strategy("all_reserved", 10_900.0, {"aws/H100": 4}, 0.0, 2_100.0, 10_950.0)]
    rows = strategy_rows(options)
    assert rows.columns.tolist() == ["strategy", "cost_usd", "saving_vs_on_demand_usd",
                                     "reserved_gpus", "idle_reserved_usd",
                                     "expected_cost_over_draws_usd"]
    assert rows["strategy"].tolist() == ["all on demand", "recommended", "all reserved"]
    assert rows["saving_vs_on_demand_usd"].tolist() == [0.0, 2_750.0, -900.0]
    assert rows["reserved_gpus"].tolist() == ["none", "aws/H100 × 2, aws/L4 × 1", "aws/H100 × 4"]
    assert rows["expected_cost_over_draws_usd"].tolist() == [10_400.0, 7_900.0, 10_950.0]
    assert csv_bytes(rows).decode().splitlines()[1] == "all on demand,10000.0,0.0,none,0.0,10400.0"


def test_placement_and_portability_rows():
    from budget.multicloud import Placement, WorkloadPortability
    from budget.rows import cost_changes, placement_rows, portability_rows

    options = [Placement("as planned", 10_000.0, 0.6, 0.0, {}),
               Placement("all aws", 8_500.0, 1.0, 1_200.0, {}),
               Placement("all gcp", 10_250.0, 1.0, 900.0, {})]
    rows = placement_rows(options)
    assert rows.columns.tolist() == ["placement", "gpu_cost_usd", "largest_cloud_share",
                                     "switching_usd"]
    assert rows["gpu_cost_usd"].tolist() == [10_000.0, 8_500.0, 10_250.0]
    assert cost_changes(options) == [None, -1_500.0, 250.0]
    scores = portability_rows([WorkloadPortability("chat", "aws", None, 62.5, 40.0, 9_000.0),
                               WorkloadPortability("ft", "gcp", "aws", 80.0, 0.0, 3_000.0)])
    assert scores.columns.tolist() == ["workload", "cloud", "secondary_cloud", "score",
                                       "monthly_egress_usd", "move_usd"]
    assert scores["secondary_cloud"].tolist() == ["", "aws"]
    assert scores["move_usd"].sum() == 12_000.0


def test_bridge_alert_and_reforecast_rows():
    from datetime import date

    from budget.alerts import Alert
    from budget.bridge import Step
    from budget.reforecast import PeriodForecast
    from budget.rows import alert_rows, bridge_rows, reforecast_rows

    steps = bridge_rows([Step("gpu price", 2_370.0), Step("token price", -4_965.0)])
    assert steps.to_dict("records") == [{"change": "gpu price", "delta_usd": 2_370.0},
                                        {"change": "token price", "delta_usd": -4_965.0}]
    first = Alert("unit_cost", (("endpoint", "chat"), ("environment", "prod")),
                  date(2026, 11, 2), 10.0, 12.5, 300.0, "USD per 1K requests",
                  deployment_ids=("chat-v2",), experiments=("exp-1",))
    second = Alert("request_jump", (("endpoint", "search"),), date(2026, 11, 9), 0.0, 50.0,
                   20.0, "requests per day")
    alerts = alert_rows([first, second])
    assert alerts.columns.tolist() == ["start", "kind", "scope", "expected", "actual", "unit",
                                       "change", "impact_usd", "deployments / experiments"]
    assert alerts["kind"].tolist() == ["request jump", "unit cost"]  # newest first
    assert alerts["change"].tolist()[1] == pytest.approx(0.25)  # 12.5 / 10 − 1
    assert pd.isna(alerts["change"].tolist()[0])  # nothing expected: no change
    assert alerts["deployments / experiments"].tolist() == ["", "chat-v2, exp-1"]
    periods = reforecast_rows([PeriodForecast(
        "month-end 2026-11", date(2026, 11, 30), actual_usd=100.0, forecast_usd=160.0,
        low_usd=150.0, high_usd=175.0, budget_usd=170.0)])
    assert periods.to_dict("records") == [{
        "period": "month-end 2026-11", "end": date(2026, 11, 30), "actual_usd": 100.0,
        "low_usd": 150.0, "forecast_usd": 160.0, "high_usd": 175.0, "budget_usd": 170.0}]


def test_incident_rows_and_checklist_cells():
    from datetime import date

    from budget.governance import CHECKLIST, Incident, checklist, complete_projects
    from budget.rows import checklist_cells, incident_rows
    from budget.scenario_model import Project

    records = incident_rows([Incident("Spike", "a sweep", date(2026, 10, 5), date(2026, 10, 9),
                                      1_935.0, alert='{"kind": "x"}')])
    assert "alert" not in records.columns
    assert records.loc[0, "detection_gap_days"] == 4  # 5 → 9 October
    assert records.loc[0, "impact_usd"] == 1_935.0
    table = checklist([Project("full", owner="a", workload_forecast="w",
                               unit_cost_baseline=1.5, approval_threshold=0.1,
                               rollback_plan="r", cost_dashboard="d", portable=False,
                               spot_eligible=True, cost_model="showback"),
                       Project("bare", spot_eligible=False)])
    labels = [label for _, label in CHECKLIST]
    shown = checklist_cells(table, labels).set_index("project")
    assert shown.loc["full", "Unit-cost baseline"] == "1.5"
    assert (shown.loc["full", "Portable across clouds?"],
            shown.loc["full", "Spot-eligible?"]) == ("no", "yes")
    assert shown.loc["bare", "Named owner"] == ""  # a gap
    assert shown.loc["bare", "Spot-eligible?"] == "no"  # False is an answer
    assert complete_projects(table) == 1
