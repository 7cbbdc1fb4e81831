"""Calibrate: a scenario from actuals that validates, round-trips and forecasts the sample."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from budget.calibrate import (
    Calibration,
    calibrate,
    calibrated_scenario,
    calibration,
    cloud_id,
    fitted_monthly_growth,
    to_toml,
)
from budget.cli import main
from budget.errors import BudgetInputError
from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.forecast import forecast
from budget.months import DAYS_PER_AVERAGE_MONTH
from budget.scenario import load_scenario
from tests.conftest import ROOT, SMALL

SAMPLE = ROOT / "data" / "exports"


@pytest.fixture(scope="module")
def rollups() -> tuple[pd.DataFrame, pd.DataFrame]:
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    return billing_rollup(exports), telemetry_rollup(exports)


def test_next_month_within_ten_percent_of_last_full_month(rollups):
    billing, telemetry = rollups
    scenario = calibrated_scenario(calibrate(billing, telemetry, weeks=8))
    assert scenario.start == "2026-12"  # the month after the last actual day, 2026-11-27
    october = billing[(billing["day"] >= "2026-10-01") & (billing["day"] <= "2026-10-31")]
    actual = october["effective_cost"].sum()
    assert abs(forecast(scenario).run_rate_usd(0) / actual - 1) < 0.10


def test_calibrated_prices_match_the_generator(rollups):
    billing, telemetry = rollups
    data = calibrate(billing, telemetry)
    prices = {(p["cloud"], p["gpu"]): p for p in data["gpu_prices"]}
    # budget/sample_data.py bills H100 spot at 1.56, reserved at 2.45, on-demand at 3.90
    assert prices[("aws", "H100")]["spot"] == pytest.approx(1.56, abs=0.005)
    assert prices[("aws", "H100")]["reserved"] == pytest.approx(2.45, abs=0.005)
    assert prices[("aws", "H100")]["on_demand"] == pytest.approx(3.90, abs=0.005)
    # L4 is only ever bought on spot (0.32): on-demand is estimated at 60% off → 0.80
    assert prices[("aws", "L4")]["on_demand"] == pytest.approx(0.80, abs=0.005)
    assert "estimated" in prices[("aws", "L4")]["source"]
    inference = {w["name"]: w for w in data["inference"]}
    assert inference["support-chat"]["output_tokens"] == pytest.approx(350 * 1.385, rel=0.01)
    assert inference["search-answers"]["serving"] == "self_hosted"
    assert inference["doc-summaries"]["kind"] == "batch"


def test_toml_round_trip(rollups, tmp_path):
    data = calibrate(*rollups)
    path = tmp_path / "calibrated.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    again = load_scenario(path)
    assert again == calibrated_scenario(data, str(path))
    assert forecast(again).total_cost_usd == forecast(calibrated_scenario(data)).total_cost_usd


def test_fitted_monthly_growth_recovers_a_known_rate():
    days = pd.date_range("2026-01-01", periods=84, freq="D")
    rate = 0.05  # 5% a month, compounded daily
    values = pd.Series(1000 * (1.05 ** (np.arange(84) / DAYS_PER_AVERAGE_MONTH)))
    assert fitted_monthly_growth(pd.Series(days), values) == pytest.approx(rate, abs=0.002)
    assert fitted_monthly_growth(pd.Series(days[:10]), values[:10]) == 0.0  # too short to fit
    assert math.isclose(fitted_monthly_growth(pd.Series(days), values * 0 + 7), 0.0, abs_tol=1e-9)


@pytest.mark.parametrize(("provider", "cloud"), [("AWS", "aws"), ("Microsoft", "azure"),
                                                 ("Google Cloud", "gcp"), ("Oracle", "oci"),
                                                 ("Lambda Labs", "lambda-labs")])
def test_cloud_ids(provider, cloud):
    assert cloud_id(provider) == cloud


def test_refuses_other_currencies(rollups):
    billing, telemetry = rollups
    with pytest.raises(BudgetInputError, match="needs USD billing only, found EUR"):
        calibrate(billing.assign(currency="EUR"), telemetry)


def test_cli_writes_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "plan.toml"
    assert main(["calibrate", str(SAMPLE), "--out", str(out)]) == 0
    assert load_scenario(out).start == "2026-12"
    assert main(["calibrate", str(SAMPLE), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["calibrate", str(SAMPLE), "--out", str(out), "--force", "--weeks", "6"]) == 0


def test_calibration_lines_count_the_scenario():
    # small.toml by hand: 2 [[inference]], 1 [[training]], 1 [[experimentation]], 1 [[platform]]
    found = Calibration("", load_scenario(SMALL), "2026-01", 0.0)
    assert found.line_counts == "2 inference, 1 training, 1 experimentation and 1 platform lines"


def test_calibration_is_calibrate_validate_forecast(rollups):
    found = calibration(*rollups, weeks=6, name="From actuals", label="plan.toml")
    data = calibrate(*rollups, 6, "From actuals")
    assert found.toml == to_toml(data)
    assert found.scenario == calibrated_scenario(data, "plan.toml")
    assert found.scenario.name == "From actuals"
    assert found.first_month == "2026-12"  # the month after the last actual day, 2026-11-27
    assert found.first_month_usd == forecast(found.scenario).run_rate_usd(0)


def test_the_cli_writes_the_calibration(rollups, tmp_path, capsys):
    out = tmp_path / "plan.toml"
    assert main(["calibrate", str(SAMPLE), "--out", str(out), "--weeks", "6"]) == 0
    found = calibration(*rollups, weeks=6, label=str(out))
    assert out.read_text(encoding="utf-8") == found.toml
    assert capsys.readouterr().err.endswith(
        f"wrote {out}: {found.line_counts}; first month 2026-12 forecast "
        f"{found.first_month_usd:,.2f}\n")
