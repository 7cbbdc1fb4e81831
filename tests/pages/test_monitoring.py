"""Monitoring page (AppTest): the burn-rate KPIs match burn_rate(); alert settings bite."""

from __future__ import annotations

import pytest

from budget.burn import burn_rate
from budget.exports import billing_rollup, open_exports
from budget.fmt import usd
from budget.scenario import load_scenario
from tests.conftest import ROOT
from tests.pages.apptest import open_page

SAMPLE = ROOT / "data" / "exports"


@pytest.fixture(scope="module")
def page():
    return open_page("monitoring")


def test_kpis_match_the_burn_rate(page):
    billing = billing_rollup(open_exports([str(SAMPLE / "billing")]))
    burn = burn_rate(billing, load_scenario(ROOT / "data" / "scenarios" / "fy27-plan.toml"))
    values = {m.label: m.value for m in page.metric}
    assert values["Month to date"] == usd(burn.mtd_usd)
    assert values["Projected month-end"] == usd(burn.projected_month_end_usd)
    assert values["7-day run rate"] == f"{usd(burn.run_rate_usd_per_day)}/day"
    assert values["Monthly budget"] == "$170,000"
    assert not page.error


def test_leading_indicators_show_the_engines_texts(page):
    from budget.exports import telemetry_rollup
    from budget.reforecast import leading_indicators

    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    indicators = leading_indicators(billing_rollup(exports), telemetry_rollup(exports))
    metrics = {m.label: m for m in page.metric}
    for indicator in indicators:
        assert metrics[indicator.name].value == indicator.recent_text
        assert metrics[indicator.name].delta == indicator.change_text
    # the sample: 2 runs started in the last 28 days, 3 in the 28 before → 2.14 (30/14), -33.3%
    refresh = metrics["Model refresh frequency"]
    assert (refresh.value, refresh.delta) == ("2.14", "-33.3%")


def test_alerts_table_follows_the_threshold():
    at = open_page("monitoring")
    alerts = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert "unit cost" in set(alerts["kind"])  # the planted +19% release
    at.number_input(key="mon_threshold").set_value(25.0).run()
    assert not at.exception
    alerts = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert "unit cost" not in set(alerts["kind"])  # +19% is under a 25% threshold


def test_digest_defaults_to_the_last_complete_week(page):
    assert page.selectbox(key="mon_week").value == "2026-W47"
    text = "\n".join(m.value for m in page.markdown)
    assert "AI spend, week 2026-W47 (2026-11-16 to 2026-11-22)" in text


def test_every_input_has_help(page):
    for widget in [*page.selectbox, *page.number_input, *page.text_input]:
        assert widget.help, widget.label


def test_the_reforecast_states_its_track_record(page):
    from budget.backtest import backtest, track_record
    from budget.exports import telemetry_rollup

    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    expected = track_record(backtest(billing_rollup(exports), telemetry_rollup(exports), (1, 2, 3),
                                     "reforecast"))
    assert expected.startswith("Track record: over the last 9 months")
    assert expected in [i.value for i in page.info]
