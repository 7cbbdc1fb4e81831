"""ui/draft.py and ui/grids.py: a draft's states, its changed cells, grids to data and back."""

from __future__ import annotations

import pandas as pd
import pytest

from budget.errors import BudgetInputError
from budget.forecast import forecast
from budget.scenario import load_scenario
from budget.scenario_toml import scenario_data
from budget.schema import TABLES_BY_NAME
from tests.conftest import SMALL, SMALL_TOTAL_USD
from ui.draft import ADDED, DELETED, Cell, changed_cells, new_draft, row_key, undone, with_edit
from ui.grids import (
    cell_text,
    frame_rows,
    key_help,
    parse_set,
    set_text,
    table_frame,
    with_table,
)


@pytest.fixture
def draft():
    return new_draft(str(SMALL), load_scenario(SMALL))


def chat_requests(data, value):
    rows = [dict(r) for r in data["inference"]]
    rows[0]["requests_per_month"] = value
    return with_table(data, "inference", rows)


def test_a_new_draft_is_the_file(draft):
    assert draft.edits == 0 and draft.error is None
    assert draft.data == draft.file_data == scenario_data(load_scenario(SMALL))
    assert forecast(draft.scenario).total_cost_usd == pytest.approx(SMALL_TOTAL_USD)
    assert changed_cells(draft.file_data, draft.data) == []


def test_an_edit_is_parsed_and_a_bad_one_keeps_the_last_valid_plan(draft):
    doubled = with_edit(draft, chat_requests(draft.data, 2_000_000.0))
    assert doubled.edits == 1 and doubled.error is None
    # chat doubles: 19,420 + 9,930 (3,000 + 3,300 + 3,630)
    assert forecast(doubled.scenario).total_cost_usd == pytest.approx(29_350)
    bad = with_edit(doubled, chat_requests(doubled.data, -5.0))
    assert bad.edits == 2
    assert bad.data["inference"][0]["requests_per_month"] == -5.0  # kept, to fix or undo
    assert bad.scenario is doubled.scenario  # the last plan that loaded
    assert bad.error == (f'{SMALL}: [[inference]] row 1 ("chat"), field "requests_per_month": '
                         "must be ≥ 0 and ≤ 10,000,000,000,000, got -5.0. Fix: set "
                         "requests_per_month to a value ≥ 0 and ≤ 10,000,000,000,000.")
    assert undone(bad) == doubled
    assert undone(undone(bad)).edits == 0
    assert undone(undone(bad)).data == draft.file_data
    assert undone(draft) is draft


def test_an_edit_does_not_share_the_callers_data(draft):
    data = chat_requests(draft.data, 2_000_000.0)
    edited = with_edit(draft, data)
    data["inference"][0]["requests_per_month"] = 7.0
    assert edited.data["inference"][0]["requests_per_month"] == 2_000_000.0
    assert draft.data["inference"][0]["requests_per_month"] == 1_000_000.0


def test_changed_cells_name_table_row_and_field(draft):
    data = chat_requests(draft.data, 2_000_000.0)
    data["platform"] = [*data["platform"], {"name": "vec", "category": "vector_db",
                                            "monthly_cost": 10.0}]
    data["training"] = []
    data["ranges"] = {"gpu_price": [0.9, 1.2]}
    data["changes"] = [{"month": "2028-01", "workload": "chat", "set": {"input_tokens": 500}}]
    assert changed_cells(draft.file_data, data) == [
        Cell("inference", "chat", "requests_per_month", 1_000_000.0, 2_000_000.0),
        Cell("training", "ft", "", DELETED, None),
        Cell("platform", "vec", "", None, ADDED),
        Cell("ranges", "", "gpu_price", None, [0.9, 1.2]),
        Cell("changes", "#1", "", None, ADDED),
    ]


def test_rows_sharing_a_name_are_matched_by_number(draft):
    data = dict(draft.data)
    data["inference"] = [draft.data["inference"][0], {**draft.data["inference"][0],
                                                      "team": "other"}]
    cells = changed_cells(draft.file_data, data)
    assert Cell("inference", "row 2", "name", "batch-sum", "chat") in cells
    assert Cell("inference", "row 2", "team", "docs", "other") in cells


@pytest.mark.parametrize(("table", "row", "key"), [
    ("gpu_prices", {"cloud": "aws", "gpu": "H100"}, "aws/H100"),
    ("changes", {"month": "2028-01"}, "#3"),
    ("inference", {"name": "chat"}, "chat"),
    ("experimentation", {"team": "research"}, "research-experimentation"),
    ("portability", {"workload": "ft"}, "ft"),
    ("guardrails", {"environment": "dev"}, "dev"),
    ("platform", {}, "row 3"),
])
def test_row_key(table, row, key):
    assert row_key(table, row, 3) == key


def test_grids_round_trip_every_table(draft):
    data = dict(draft.data)
    data["changes"] = [{"month": "2028-01", "workload": "chat",
                        "set": {"input_tokens": 500.0, "model": "m \"b\""}}]
    data["ranges"] = {"gpu_price": [0.9, 1.2]}
    for table in ("inference", "training", "experimentation", "platform", "gpu_prices",
                  "changes"):
        assert frame_rows(table_frame(data, table, []), table) == data[table], table
    assert frame_rows(table_frame(data, "ranges", []), "ranges") == {"gpu_price": [0.9, 1.2]}


def test_a_grid_reads_empty_cells_as_left_out(draft):
    frame = table_frame(draft.data, "inference", [])
    assert pd.isna(frame.loc[0, "cloud"])  # chat is served by API: no cloud
    frame.loc[0, "team"] = "  "  # a blank text is no value
    frame.loc[1, "utilization"] = float("nan")
    added = pd.DataFrame([{c: None for c in frame.columns}])  # a row added, nothing typed
    rows = frame_rows(pd.concat([frame, added], ignore_index=True), "inference")
    assert len(rows) == 2
    assert "team" not in rows[0] and "utilization" not in rows[1]


def test_a_whole_number_key_is_written_as_an_int():
    frame = table_frame({"inference": [{"name": "x", "min_gpus": 4}]}, "inference", [])
    assert frame_rows(frame, "inference") == [{"name": "x", "min_gpus": 4}]
    assert isinstance(frame_rows(frame, "inference")[0]["min_gpus"], int)


def test_the_changed_column_lists_a_rows_changed_fields(draft):
    data = chat_requests(draft.data, 2_000_000.0)
    cells = changed_cells(draft.file_data, data)
    frame = table_frame(data, "inference", cells)
    assert frame["changed"].tolist() == ["requests_per_month", ""]
    assert "changed" not in frame_rows(frame, "inference")[0]


@pytest.mark.parametrize(("values", "text"), [
    ({"input_tokens": 500.0}, "input_tokens = 500"),
    ({"utilization": 0.25, "model": "llama-3.1-8b"}, 'utilization = 0.25, model = "llama-3.1-8b"'),
    ({"spot": 1.5}, "spot = 1.5"),
])
def test_set_text_reads_back(values, text):
    assert set_text(values) == text
    assert parse_set(text, "[[changes]] #1") == values


@pytest.mark.parametrize("text", ["input_tokens = ", "input_tokens 500", "",
                                  "a = 1 }\n[x]\nb = { c = 2"])
def test_a_bad_set_is_named(text):
    with pytest.raises(BudgetInputError) as caught:
        parse_set(text, "[[changes]] #2 (2028-01)")
    assert caught.value.place == "[[changes]] #2 (2028-01)"
    assert caught.value.field == "set"
    assert "input_tokens = 500" in caught.value.fix


def test_key_help_states_bounds_units_and_whether_required():
    inference = TABLES_BY_NAME["inference"]
    assert key_help(inference.key("requests_per_month")) == (
        "Requests in the workload's first month (the first forecast month, or starts). "
        "Allowed: ≥ 0 and ≤ 10,000,000,000,000. Required.")
    assert key_help(inference.key("utilization")) == (
        "Average fraction of GPU capacity in use, 0.01 ≤ u ≤ 1. Allowed: ≥ 0.01 and ≤ 1. "
        "Only when serving = self_hosted. Required.")
    assert key_help(TABLES_BY_NAME["gpu_prices"].key("spot")).startswith(
        "Spot USD per GPU-hour (needed when a workload uses spot). Allowed: > 0 and ≤ 1,000.")
    assert key_help(inference.key("pricing")).endswith(
        "One of on_demand, spot, reserved. Only when serving = self_hosted. Optional: leave "
        "empty for the default, \"on_demand\".")
    assert key_help(TABLES_BY_NAME["inference"].key("min_gpus")).endswith(
        "Allowed: ≥ 1 and ≤ 10,000, whole numbers. Optional: leave empty for none.")


@pytest.mark.parametrize(("value", "text"), [
    (None, "—"), (2_000_000.0, "2,000,000"), (0.6, "0.6"), ("chat", "chat"),
    ([0.9, 1.2], "[0.9, 1.2]"), ({"spot": 1.5}, "{ spot = 1.5 }"), (True, "true"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_undo_goes_back_undo_depth_edits_and_the_older_ones_stay(draft, monkeypatch):
    monkeypatch.setattr("ui.draft.UNDO_DEPTH", 2)
    for value in (2.0, 3.0, 4.0):
        draft = with_edit(draft, chat_requests(draft.data, value))
    assert draft.edits == 3 and len(draft.earlier) == 2 and draft.dropped == 1
    once = undone(undone(draft))
    assert once.data["inference"][0]["requests_per_month"] == 2.0  # the first edit stays
    assert once.edits == 1
    assert undone(once) is once  # nothing more to take back: Discard returns to the file


def test_edited_frame_makes_a_data_editors_edits():
    import pandas as pd

    from ui.grids import edited_frame

    frame = pd.DataFrame({"name": ["a", "b", "c"], "requests_per_month": [1.0, 2.0, 3.0]})
    state = {"edited_rows": {1: {"requests_per_month": 20.0}, 2: {"name": "z"}},
             "deleted_rows": [0], "added_rows": [{"name": "d"}]}
    out = edited_frame(frame, state)
    assert out["name"].tolist() == ["b", "z", "d"]
    assert out["requests_per_month"].tolist()[:2] == [20.0, 3.0]
    assert pd.isna(out["requests_per_month"].tolist()[2])
    assert frame["requests_per_month"].tolist() == [1.0, 2.0, 3.0]  # the frame is not changed
    assert edited_frame(frame, {}).equals(frame.astype(object))
