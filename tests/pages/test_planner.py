"""Planner page (AppTest): each slider moves the KPIs by the hand-computed amount."""

from __future__ import annotations

import hashlib
import os

import pytest
from streamlit.testing.v1 import AppTest

from budget.fmt import usd
from budget.scenario import load_scenario
from tests.conftest import SMALL, SMALL_DRIVER_CASES, SMALL_TOTAL_USD
from tests.pages.apptest import open_page

BASE_TOTAL = SMALL_TOTAL_USD


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    return open_page("planner")


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def test_baseline_kpis(app):
    assert metric(app, "Horizon total").value == "$19,420"
    assert metric(app, "Run-rate 2027-11").value == "$5,580"
    assert metric(app, "Run-rate 2028-01").value == "$7,460"
    # 11,130 / 4.39M requests × 1,000 and 11,130 / 8,205M tokens × 1M
    assert metric(app, "Per 1K requests").value == "$2.5353"
    assert metric(app, "Per 1M tokens").value == "$1.3565"
    assert not metric(app, "Horizon total").delta  # nothing moved yet


SLIDER_KEYS = {"inference_volume": "plan_volume", "output_tokens": "plan_output_tokens",
               "refresh_frequency": "plan_refresh", "gpu_price": "plan_gpu_price",
               "token_price": "plan_token_price"}


@pytest.mark.parametrize(("driver", "value", "expected_total"), SMALL_DRIVER_CASES)
def test_each_slider_moves_total(app, driver, value, expected_total):
    key = SLIDER_KEYS[driver]
    app.slider(key=key).set_value(value).run()
    assert not app.exception
    total = metric(app, "Horizon total")
    assert total.value == usd(expected_total)
    change = expected_total - BASE_TOTAL
    assert total.delta == ("+" if change > 0 else "-") + usd(abs(change))


def test_token_price_moves_unit_costs(app):
    app.slider(key="plan_token_price").set_value(0.5).run()
    # inference cost 4,965 (chat at half price) + 1,200 (self-hosted) over 4.39M requests
    assert metric(app, "Per 1K requests").value == usd(6_165 / 4_390, 4)
    assert metric(app, "Per 1K requests").delta == "-" + usd((11_130 - 6_165) / 4_390, 4)


def test_captions_show_absolute_values(app):
    app.slider(key="plan_volume").set_value(3.0).run()
    captions = [c.value for c in app.caption]
    assert "≈ 4.1M requests/month in 2027-11" in captions


def test_reset_button_restores_file_drivers(app):
    app.slider(key="plan_gpu_price").set_value(2.0).run()
    assert metric(app, "Horizon total").value != "$19,420"
    app.button[0].click().run()
    assert app.slider(key="plan_gpu_price").value == 1.0
    assert metric(app, "Horizon total").value == "$19,420"


def test_every_input_has_help(app):
    widgets = [*app.slider, *app.selectbox, *app.button, *app.text_input]
    assert len(widgets) >= 10
    for widget in widgets:
        assert widget.help, f"{widget.label} has no help text"


def test_workload_table_lists_owners(app):
    table = app.dataframe[0].value
    assert dict(zip(table["workload"], table["team"], strict=True))["batch-sum"] == "docs"
    assert table["cost_usd"].sum() == pytest.approx(BASE_TOTAL)


def test_invalid_scenario_shows_error_and_keeps_serving(tmp_path, monkeypatch):
    bad = tmp_path / "a-bad.toml"
    bad.write_text(SMALL.read_text().replace("kind = \"batch\"", "kind = \"bulk\""))
    (tmp_path / "b-good.toml").write_text(SMALL.read_text())
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("planner")
    assert len(at.error) == 1
    assert 'a-bad.toml: [[inference]] row 2 ("batch-sum"), field "kind"' in at.error[0].value
    at.selectbox(key="scenario").set_value("b-good").run()
    assert not at.error
    assert metric(at, "Horizon total").value == "$19,420"


def test_no_scenarios_is_an_error_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("planner")
    assert "No scenario files" in at.error[0].value


def save(at: AppTest, name: str | None = "Small v2", reason: str = "GPUs dearer") -> AppTest:
    """Type a name and a reason into the save block and click Save version."""
    if name is not None:
        at.text_input(key="plan_save_name").input(name)
    at.text_input(key="plan_save_reason").input(reason)
    return at.button(key="plan_save").click().run()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "small.toml").write_text(SMALL.read_text())
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    return tmp_path


def test_save_as_new_version_writes_a_new_file(folder):
    at = open_page("planner")
    assert at.text_input(key="plan_save_name").value.startswith("Small (saved ")  # prefilled
    at.slider(key="plan_gpu_price").set_value(1.5).run()
    save(at)
    assert not at.exception
    assert sorted(p.name for p in folder.glob("*.toml")) == ["small-v2.toml", "small.toml"]
    version = load_scenario(folder / "small-v2.toml")
    assert (version.name, version.reason, version.drivers.gpu_price) == (
        "Small v2", "GPUs dearer", 1.5)
    digest = hashlib.sha256(SMALL.read_bytes()).hexdigest()
    assert version.previous == f"small.toml@{digest}"
    text = (folder / "small-v2.toml").read_text()
    assert text.startswith("# A scenario small enough to check by hand")  # comments kept
    assert (folder / "small.toml").read_text() == SMALL.read_text()  # original untouched
    assert at.success[0].value.startswith("Saved as small-v2.toml in ")
    assert at.selectbox(key="scenario").options[-1] == "small-v2"  # listed at once, last


def test_saving_the_files_own_drivers_writes_nothing(folder):
    at = save(open_page("planner"))
    assert [p.name for p in folder.glob("*.toml")] == ["small.toml"]
    assert "Nothing saved: these drivers are the ones small.toml already has" in at.info[0].value


def test_a_version_needs_a_reason(folder):
    at = open_page("planner")
    at.slider(key="plan_gpu_price").set_value(1.5).run()
    save(at, reason="")
    assert [p.name for p in folder.glob("*.toml")] == ["small.toml"]
    assert 'field "reason": has no reason' in at.error[0].value


def test_disk_edit_is_noticed(tmp_path, monkeypatch):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.read_text())
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("planner")
    path.write_text(SMALL.read_text().replace("monthly_cost = 1000", "monthly_cost = 2000"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    at.run()
    assert metric(at, "Horizon total").value == usd(SMALL_TOTAL_USD + 4_750)
    assert "changed on disk" in at.toast[0].value


def test_a_second_click_saves_nothing_new(folder):
    at = open_page("planner")
    at.slider(key="plan_gpu_price").set_value(1.5).run()
    save(at)
    at.button(key="plan_save").click().run()
    assert len(list(folder.glob("*.toml"))) == 2  # the original and one saved version
    assert "Already saved as small-v2.toml" in at.info[0].value


def test_a_save_after_a_disk_edit_is_refused(folder):
    path = folder / "small.toml"
    at = open_page("planner")
    at.slider(key="plan_gpu_price").set_value(1.5).run()
    # a colleague edits the file after the page read it, before the click
    path.write_text(SMALL.read_text().replace("monthly_cost = 1000", "monthly_cost = 2000"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    save(at)
    assert [p.name for p in folder.glob("*.toml")] == ["small.toml"]
    assert "changed on disk after the page read it" in at.error[0].value


def test_the_name_is_prefilled_from_the_picked_file(folder):
    (folder / "other.toml").write_text(SMALL.read_text().replace('name = "Small"',
                                                                 'name = "Other plan"'))
    at = open_page("planner")
    at.selectbox(key="scenario").set_value("other").run()
    assert at.text_input(key="plan_save_name").value.startswith("Other plan (saved ")
    assert at.text_input(key="plan_save_reason").value == ""


def test_quarter_and_year_tables(app):
    """small.toml, calendar fiscal year: Nov + Dec 2027 are FY2027 Q4, Jan 2028 FY2028 Q1."""
    app.get("button_group")[0].set_value("By quarter").run()
    quarters = app.dataframe[0].value
    assert quarters["Quarter"].tolist() == ["FY2027 Q4", "FY2028 Q1"]
    assert quarters["Total"].tolist() == [5_580 + 6_380, 7_460]
    assert quarters["Months"].tolist() == [2, 1]
    app.get("button_group")[0].set_value("By year").run()
    assert app.dataframe[0].value["Year"].tolist() == ["FY2027", "FY2028"]
