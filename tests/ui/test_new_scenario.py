"""The New scenario panel writes a template beside the other scenarios and opens it."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from budget.forecast import forecast
from budget.scenario import load_scenario
from ui.new_scenario import next_months


def _panel() -> None:
    from ui.new_scenario import new_scenario_panel

    new_scenario_panel(calibrate_link=False)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    return tmp_path


def test_next_months_start_after_today():
    assert next_months(date(2026, 12, 2), 3) == ["2027-01", "2027-02", "2027-03"]
    assert next_months(date(2027, 5, 31), 2) == ["2027-06", "2027-07"]


def test_create_a_blank_scenario(folder):
    at = AppTest.from_function(_panel, default_timeout=30)
    at.run()
    at.selectbox(key="new_template").set_value("blank")
    at.selectbox(key="new_start").set_value(at.selectbox(key="new_start").options[1])
    at.text_input(key="new_name").input("Team **plan** ![x](http://e.invalid/a.png)")
    at.button(key="new_create").click().run()
    assert not at.exception and not at.error
    [path] = sorted(folder.glob("*.toml"))
    assert path.name == "team-plan-x-http-e-invalid-a-png.toml"
    scenario = load_scenario(path)
    assert scenario.name == "Team **plan** ![x](http://e.invalid/a.png)"  # stored as typed
    # blank: one platform line, 2,000 a month for 12 months
    assert forecast(scenario).total_cost_usd == pytest.approx(24_000)
    assert at.session_state["scenario"] == path.stem  # the picker opens it
    success = at.success[0].value
    assert "\\*\\*plan\\*\\*" not in success and path.name in success  # names, not markup
    at.button(key="new_create").click().run()  # a second click: a second file, never over one
    assert len(list(folder.glob("*.toml"))) == 2


def test_every_company_template(folder):
    at = AppTest.from_function(_panel, default_timeout=30)
    at.run()
    for template in at.selectbox(key="new_template").options:
        at.selectbox(key="new_template").set_value(template)
        at.button(key="new_create").click().run()
        assert not at.error, at.error
    assert len(list(folder.glob("*.toml"))) == 4
    for path in folder.glob("*.toml"):
        assert forecast(load_scenario(path)).total_cost_usd > 0


def test_the_edit_page_creates_and_opens_one(folder):
    import shutil

    from tests.conftest import SMALL
    from tests.pages.apptest import open_page

    shutil.copy(SMALL, folder / "small.toml")
    at = open_page("edit")
    at.selectbox(key="new_template").set_value("company")
    at.text_input(key="new_name").input("Next year")
    at.button(key="new_create").click().run()
    assert not at.exception and not at.error
    assert (folder / "next-year.toml").is_file()
    assert at.session_state["scenario"] == "next-year"
    assert load_scenario(folder / "next-year.toml").name == "Next year"
