"""Actuals page (AppTest): KPIs reconcile with the rollup; bad exports give an error."""

from __future__ import annotations

import shutil

import pandas as pd

from budget.calibrate import calibration
from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.fmt import money, usd
from tests.conftest import ROOT
from tests.pages.apptest import open_page

SAMPLE = ROOT / "data" / "exports"


def test_actuals_total_matches_rollup_over_default_range():
    at = open_page("actuals")
    values = {m.label: m.value for m in at.metric}
    rollup = billing_rollup(open_exports([str(SAMPLE / "billing")]))
    last = rollup["day"].max()
    in_range = rollup[rollup["day"] >= last - pd.Timedelta(days=89)]
    assert values["Total"] == money(in_range["effective_cost"].sum(), "USD", 2)
    assert not at.error
    assert len(at.tabs) >= 7


def test_filter_by_team_changes_total():
    at = open_page("actuals")
    at.multiselect(key="act_filter_team").set_value(["support"]).run()
    assert not at.exception
    rollup = billing_rollup(open_exports([str(SAMPLE / "billing")]))
    last = rollup["day"].max()
    rows = rollup[(rollup["day"] >= last - pd.Timedelta(days=89))
                  & (rollup["team"] == "support")]
    total = {m.label: m.value for m in at.metric}["Total"]
    assert total == money(rows["effective_cost"].sum(), "USD", 2)


def test_native_export_shows_error(tmp_path, monkeypatch):
    (tmp_path / "billing").mkdir()
    shutil.copy(ROOT / "tests" / "data" / "bad" / "billing-oci-native.csv",
                tmp_path / "billing" / "oci.csv")
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(tmp_path))
    at = open_page("actuals")
    assert len(at.error) == 1
    assert "Oracle Cloud (OCI) native cost report" in at.error[0].value


def test_every_input_has_help():
    at = open_page("actuals")
    for widget in [*at.selectbox, *at.multiselect, *at.radio, *at.date_input, *at.text_input]:
        assert widget.help, widget.label


def test_calibrate_button_and_save(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("actuals")
    at.text_input(key="act_cal_name").set_value("From actuals")
    at.button(key="FormSubmitter:act_calibrate-Calibrate").click().run()
    assert not at.exception and not at.error
    assert "forecast $" in at.success[0].value
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    found = calibration(billing_rollup(exports), telemetry_rollup(exports), 8, "From actuals")
    assert at.session_state["act_calibrated"] == found.toml  # the file the CLI writes
    assert at.success[0].value == (f"{found.line_counts}; 2026-12 forecast "
                                   f"{usd(found.first_month_usd)}.")
    at.button(key="act_save").click().run()
    saved = sorted(tmp_path.glob("*.toml"))
    assert [p.name for p in saved] == ["from-actuals.toml"]
    assert "Saved as from-actuals.toml" in at.success[0].value


def test_a_bad_tag_map_names_the_control_not_the_flag():
    at = open_page("actuals")
    at.text_input(key="act_tag_map").set_value("nonsense").run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("Tag keys:") and "--tag-map" not in message
    assert "team=business" in message
