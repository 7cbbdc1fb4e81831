"""Plan vs actual page (AppTest): the engine's totals and commentary, and a plan out of range."""

from __future__ import annotations

from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.fmt import signed_usd, usd
from budget.forecast import forecast
from budget.plan_vs_actual import commentary, plan_vs_actual, totals
from budget.scenario import load_scenario
from tests.conftest import ROOT
from tests.pages.apptest import open_page

SAMPLE = ROOT / "data" / "exports"


def test_the_fy26_plan_against_the_sample():
    at = open_page("plan_vs_actual")
    assert next(i.value for i in at.info).startswith("FY27 plan runs 2027-01 to 2027-12")
    at.selectbox(key="scenario").set_value("fy26-plan").run()
    assert not at.exception
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    rows = plan_vs_actual(forecast(load_scenario(ROOT / "data" / "scenarios" / "fy26-plan.toml")),
                          billing_rollup(exports), telemetry_rollup(exports))
    sums = totals(rows)
    values = {m.label: m.value for m in at.metric}
    assert values["Plan, 2026-01 to 2026-10"] == usd(sums["plan_usd"])
    assert values["Actual"] == usd(sums["actual_usd"])
    assert values["Variance"] == signed_usd(sums["variance_usd"])
    assert abs(sums["volume_effect_usd"] + sums["unit_cost_effect_usd"]
               - sums["variance_usd"]) < 1e-6
    shown = " ".join(m.value for m in at.markdown)
    assert commentary(rows)[0].split(":")[0] in shown  # "2026-10, Experimentation"
    at.radio(key="pva_by").set_value("team").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Variance"] == signed_usd(sums["variance_usd"])
