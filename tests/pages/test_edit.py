"""Edit page (AppTest): a draft of the scenario that every page shows, undo, discard, save."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from budget.fmt import usd
from budget.scenario import load_scenario
from tests.conftest import SMALL, SMALL_TOTAL_USD
from tests.pages.apptest import open_page
from ui.grids import EDIT_TABLES

# small.toml by hand (tests/budget/test_forecast.py): chat is 1,000,000 requests × (1,000 × $1 +
# 500 × $4) / 1M = $3,000 in 2027-11, growing 10% a month: 3,000 + 3,300 + 3,630 = 9,930.
CHAT_USD = 9_930.0
DOUBLED_CHAT_TOTAL = SMALL_TOTAL_USD + CHAT_USD  # requests_per_month 1,000,000 → 2,000,000


@pytest.fixture
def folder(tmp_path, monkeypatch):
    shutil.copy(SMALL, tmp_path / "small.toml")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def app(folder) -> AppTest:
    return open_page("edit")


def show(at: AppTest, table: str) -> AppTest:
    """Pick the table's tab, as a click on it does (only the open tab's grid is built)."""
    if not any(e.key.startswith(f"edit_grid_{table}_") for e in at.data_editor):
        at.session_state["edit_tab"] = EDIT_TABLES[table]
        at.run()
    return at


def grid_key(at: AppTest, table: str) -> str:
    show(at, table)
    return next(e.key for e in at.data_editor if e.key.startswith(f"edit_grid_{table}_"))


def editor(at: AppTest, table: str):  # type: ignore[no-untyped-def]
    """Return one table's grid (its tab picked first)."""
    key = grid_key(at, table)
    return at.data_editor(key=key)


def edit_cells(at: AppTest, table: str, edited=None, added=None, deleted=None) -> AppTest:
    """Make edits in one grid, as the browser sends them, and rerun."""
    at.session_state[grid_key(at, table)] = {
        "edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}
    at.run()
    assert not at.exception, at.exception
    return at


def horizon_total(at: AppTest, page: str = "planner") -> str:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    value = next(m.value for m in at.metric if m.label == "Horizon total")
    at.switch_page("pages/edit.py").run()
    return value


def marker(at: AppTest) -> list[str]:
    return [m.value for m in at.sidebar.markdown if "Unsaved draft" in m.value]


def test_the_page_shows_every_table_with_help(app):
    assert [t.label for t in app.tabs] == ["Inference", "Training", "Experimentation",
                                           "Platform", "GPU prices", "Ranges", "Dated changes"]
    assert [e.key for e in app.data_editor] == ["edit_grid_inference_0"]  # the open tab's
    for table in EDIT_TABLES:
        assert grid_key(app, table) == f"edit_grid_{table}_0"
        assert [e.key for e in app.data_editor] == [f"edit_grid_{table}_0"]
    app.session_state["edit_tab"] = "Inference"
    app.run()
    chat = editor(app, "inference").value
    assert list(chat["name"]) == ["chat", "batch-sum"]
    assert list(chat["requests_per_month"]) == [1_000_000, 360_000]
    assert marker(app) == []
    for widget in [*app.selectbox, *app.multiselect, *app.button, *app.text_input]:
        assert widget.help, f"{widget.label} has no help text"


def amber(at: AppTest, table: str) -> list[str]:
    """Return the grid cells (row, column) its Styler colours as overrides."""
    css = editor(at, table).proto.arrow_data.styler.styles
    return re.findall(r"_(row\d+_col\d+) \{ background-color: #fde68a", css)


def test_an_edited_cell_moves_every_page(app):
    assert amber(app, "inference") == []
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    assert amber(app, "inference") == ["row0_col1"]  # chat's changed cell, beside its name
    assert amber(app, "platform") == []
    assert marker(app) == [":material/edit_note: **Unsaved draft — 1 change**"]
    changed = app.dataframe[0].value  # the "Changed from the file" table
    assert changed.to_dict("records") == [{
        "table": "inference", "row": "chat", "field": "requests_per_month",
        "file value": "1,000,000", "draft value": "2,000,000"}]
    assert editor(app, "inference").value["changed"].tolist() == [
        "requests_per_month", ""]
    # the Edit page's own headline numbers: the draft against the file
    total = next(m for m in app.metric if m.label == "Horizon total")
    assert (total.value, total.delta) == ("$29,350", "+$9,930")
    assert horizon_total(app) == usd(DOUBLED_CHAT_TOTAL) == "$29,350"
    # the summary's narrative and the overview follow too (one draft, every page)
    app.switch_page("pages/overview.py").run()
    assert any(m.value == "$29,350" for m in app.metric)
    app.switch_page("pages/summary.py").run()
    assert not app.exception
    assert any("29,350" in m.value for m in app.markdown)


@pytest.mark.parametrize(("page", "label", "value"), [
    ("sensitivity", "Point forecast", "$29,350"),
    ("present", "Horizon total", "$29,350"),
    # the last month's run-rate: 7,460 + chat's 2028-01 again (3,630)
    ("present", "Run-rate 2028-01", "$11,090"),
])
def test_the_other_pages_show_the_draft(app, page, label, value):
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    app.switch_page(f"pages/{page}.py").run(timeout=120)
    assert not app.exception, app.exception
    assert next(m.value for m in app.metric if m.label == label) == value
    assert marker(app) == [":material/edit_note: **Unsaved draft — 1 change**"]


def test_a_bad_cell_is_named_and_the_last_valid_plan_stays(app):
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    edit_cells(app, "inference", edited={0: {"requests_per_month": -5}})
    [error] = [e.value for e in app.error]  # table, row, field and the allowed range
    assert ('small.toml: [[inference]] row 1 ("chat"), field "requests_per_month": must be ≥ 0 '
            "and ≤ 10,000,000,000,000, got -5.0.") in error
    assert next(m.value for m in app.metric if m.label == "Horizon total") == "$29,350"
    assert horizon_total(app) == "$29,350"  # the last plan that loaded, on every page
    assert marker(app) == [":material/edit_note: **Unsaved draft — 2 changes**"]


def test_the_planners_drivers_apply_on_top_of_the_draft(app):
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    app.switch_page("pages/planner.py").run()
    app.slider(key="plan_gpu_price").set_value(1.5).run()
    # the GPU lines (batch-sum 1,200, ft 1,200, experimentation 2,340) × 1.5 on top of the
    # draft's 29,350: + 0.5 × 4,740
    total = next(m for m in app.metric if m.label == "Horizon total")
    assert total.value == usd(DOUBLED_CHAT_TOTAL + 0.5 * 4_740) == "$31,720"
    assert total.delta == "+$2,370"  # against the draft's own drivers


def test_undo_and_discard(app):
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    edit_cells(app, "inference", edited={0: {"requests_per_month": -5}})
    app.sidebar.button(key="draft_undo").click().run()
    assert [e.value for e in app.error] == []
    assert horizon_total(app) == "$29,350"
    app.sidebar.button(key="draft_undo").click().run()  # back to the file: the draft goes
    assert marker(app) == []
    assert horizon_total(app) == usd(SMALL_TOTAL_USD)
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    edit_cells(app, "platform", edited={0: {"monthly_cost": 2_000}})
    assert horizon_total(app) != usd(SMALL_TOTAL_USD)
    app.sidebar.button(key="draft_discard").click().run()
    assert marker(app) == []
    assert horizon_total(app) == usd(SMALL_TOTAL_USD) == "$19,420"


def test_a_dated_change_row_and_a_bad_set(app):
    # chat from 2028-01 at 500 input tokens: 1,210,000 × (500 × $1 + 500 × $4) / 1M = 3,025
    # instead of 3,630
    edit_cells(app, "changes", added=[{"month": "2028-01", "workload": "chat",
                                       "set": "input_tokens = 500"}])
    assert horizon_total(app) == usd(SMALL_TOTAL_USD - 3_630 + 3_025) == "$18,815"
    edit_cells(app, "changes", edited={0: {"set": "input_tokens = "}})
    [error] = [e.value for e in app.error]
    assert error.startswith('the draft: [[changes]] #1 (2028-01), field "set": cannot read '
                            '"input_tokens = "')
    assert marker(app) == [":material/edit_note: **Unsaved draft — 1 change**"]  # unchanged
    assert horizon_total(app) == "$18,815"


def test_delete_and_duplicate_rows(app):
    # deleting the platform line obs (1,000 + 1,500 + 2,250 = 4,750)
    edit_cells(app, "platform", deleted=[0])
    assert horizon_total(app) == usd(SMALL_TOTAL_USD - 4_750)
    app.sidebar.button(key="draft_undo").click().run()
    # duplicating chat adds a second 9,930 under a new name
    app.selectbox(key="edit_dup_inference").set_value(0)
    app.button(key="edit_dup_button_inference").click().run()
    names = editor(app, "inference").value["name"].tolist()
    assert names == ["chat", "batch-sum", "chat-copy"]
    assert horizon_total(app) == usd(SMALL_TOTAL_USD + CHAT_USD)


def test_add_a_row_from_a_template(app):
    app.selectbox(key="edit_template").set_value("platform-line").run()
    app.button(key="edit_template_add").click().run()
    assert not app.exception
    platform = editor(app, "platform").value
    assert platform["name"].tolist() == ["obs", "new-platform-line"]
    # the template's line: $2,000 growing 2% a month: 2,000 + 2,040 + 2,080.80 = 6,120.80
    assert horizon_total(app) == usd(SMALL_TOTAL_USD + 2_000 + 2_040 + 2_080.8) == "$25,541"


def test_apply_a_lever(app):
    app.selectbox(key="edit_lever").set_value("Prompt caching").run()
    app.selectbox(key="edit_lever_month").set_value("2027-12").run()
    [workloads] = [m for m in app.multiselect if m.key.startswith("edit_lever_workloads")]
    assert workloads.options == ["chat"] and workloads.value == ["chat"]
    app.button(key="edit_lever_apply").click().run()
    assert not app.exception, app.exception
    changes = editor(app, "changes").value
    assert changes[["month", "workload", "set"]].to_dict("records") == [
        {"month": "2027-12", "workload": "chat", "set": "price_per_1m_input = 0.6"}]
    # caching cuts chat's input price 40% from 2027-12: input cost 1,100 + 1,210 → × 0.6,
    # 440 + 484 = 924 less
    assert horizon_total(app) == usd(SMALL_TOTAL_USD - 924) == "$18,496"


def test_save_as_a_new_version(app, folder):
    app.text_input(key="edit_save_reason").input("nothing yet").run()
    app.button(key="edit_save").click().run()
    assert "Nothing written" in app.info[0].value
    assert sorted(p.name for p in folder.iterdir()) == ["small.toml"]
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    app.text_input(key="edit_save_name").input("Small doubled chat").run()
    app.text_input(key="edit_save_reason").input("chat traffic doubles").run()
    app.button(key="edit_save").click().run()
    assert not app.exception, app.exception
    assert "Saved as small-doubled-chat.toml" in app.success[0].value
    saved = folder / "small-doubled-chat.toml"
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# A scenario small enough to check by hand")  # comments kept
    plan = load_scenario(saved)
    digest = hashlib.sha256((folder / "small.toml").read_bytes()).hexdigest()
    assert (plan.name, plan.previous, plan.reason) == (
        "Small doubled chat", f"small.toml@{digest}", "chat traffic doubles")
    assert plan.inference[0].requests_per_month == 2_000_000
    assert app.selectbox(key="scenario").value == "small-doubled-chat"  # the picker follows
    assert marker(app) == []  # the draft became the file
    assert horizon_total(app) == "$29,350"


def test_a_save_is_refused_when_the_file_changed_on_disk(app, folder):
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    source = folder / "small.toml"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited elsewhere\n",
                      encoding="utf-8")
    app.run()
    assert any("small.toml changed on disk since this draft began" in c.value
               for c in app.sidebar.caption)
    app.text_input(key="edit_save_reason").input("chat traffic doubles").run()
    app.button(key="edit_save").click().run()
    [error] = [e.value for e in app.error]
    assert "changed on disk after the page read it" in error
    assert sorted(p.name for p in folder.iterdir()) == ["small.toml"]
    assert marker(app) == [":material/edit_note: **Unsaved draft — 1 change**"]  # kept


def test_the_name_is_prefilled_again_after_another_page(app):
    expected = f"Small (saved {date.today():%Y-%m-%d})"
    assert app.text_input(key="edit_save_name").value == expected
    app.switch_page("pages/planner.py").run()
    app.switch_page("pages/edit.py").run()
    assert app.text_input(key="edit_save_name").value == expected


def test_the_planners_save_box_saves_the_draft_and_shows_the_new_file(app, folder):
    # chat doubled on the Edit page, then saved from the Planner's box: the new file holds the
    # edit (total 29,350 by hand), the draft is gone and every page shows the new file
    edit_cells(app, "inference", edited={0: {"requests_per_month": 2_000_000}})
    app.switch_page("pages/planner.py").run()
    app.text_input(key="plan_save_name").input("Small, chat doubled")
    app.text_input(key="plan_save_reason").input("support volume doubles")
    app.button(key="plan_save").click().run()
    assert not app.exception and not app.error
    saved = folder / "small-chat-doubled.toml"
    assert saved.is_file()
    assert load_scenario(saved).inference[0].requests_per_month == 2_000_000
    assert app.session_state["scenario"] == "small-chat-doubled"
    assert marker(app) == []  # no draft left: the file says what it said
    assert horizon_total(app) == "$29,350"
    assert load_scenario(folder / "small.toml").inference[0].requests_per_month == 1_000_000
