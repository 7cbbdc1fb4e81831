"""Scenario tables as editable grids: TOML data to a DataFrame and back, columns from the schema."""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from budget.errors import BudgetInputError, shown
from budget.fmt import sentence
from budget.schema import NAME_MAX, PROSE_MAX, TABLES_BY_NAME, Key
from ui.draft import Cell, changed_fields, row_key

# The tables the Edit page shows, in its order, with the tab each is under.
EDIT_TABLES: dict[str, str] = {
    "inference": "Inference", "training": "Training", "experimentation": "Experimentation",
    "platform": "Platform", "gpu_prices": "GPU prices", "ranges": "Ranges",
    "changes": "Dated changes",
}
# The columns that name a row: pinned on the left, the changed column right after them.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {"gpu_prices": ("cloud", "gpu"), "changes": ()}
OVERRIDE_STYLE = "background-color: #fde68a; color: #78350f"  # amber, as overrides are marked
CHANGED = "changed"  # the read-only column naming the fields the draft changed in a row
RANGE_INPUT, RANGE_LOW, RANGE_HIGH = "input", "low", "high"
DRAFT_LABEL = "the draft"  # how an error names a grid's text that never reached the data
SET_EXAMPLE = 'input_tokens = 500, model = "llama-3.1-8b"'


def _missing(value: Any) -> bool:
    """Return whether a grid cell is empty (None, NaN, pandas' NA or a blank text)."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def toml_value(value: Any) -> str:
    """Return a value as TOML writes it inline: 500, 0.25, true, "llama-3.1-8b"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def cell_text(value: Any) -> str:
    """Return a value of the data as the changed-cells table shows it (— when absent)."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "{ " + set_text(value) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(cell_text(v) for v in value) + "]"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(
            value).is_integer() and abs(value) < 1e16:
        return f"{int(value):,}"
    return toml_value(value)


def set_text(values: Mapping[str, Any]) -> str:
    """Return a change's `set` as the grid shows it: 'field = value, …'."""
    return ", ".join(f"{name} = {toml_value(value)}" for name, value in values.items())


def parse_set(text: str, place: str) -> dict[str, Any]:
    """Return the fields of a 'field = value, …' text; BudgetInputError naming it when bad."""
    fix = f"write it like {SET_EXAMPLE} (texts in double quotes)"
    if _missing(text):
        raise BudgetInputError(DRAFT_LABEL, "set is empty", place=place, field="set",
                               fix=fix)
    try:
        parsed = tomllib.loads(f"set = {{ {text} }}")
    except tomllib.TOMLDecodeError as exc:
        raise BudgetInputError(DRAFT_LABEL, f"cannot read {shown(text)} ({exc})",
                               place=place, field="set", fix=fix) from None
    if list(parsed) != ["set"] or not isinstance(parsed["set"], dict):
        raise BudgetInputError(DRAFT_LABEL, f"cannot read {shown(text)}", place=place,
                               field="set", fix=fix)
    return dict(parsed["set"])


def _cell(key: Key, value: Any) -> Any:
    """Return a grid cell's value as TOML data holds it, or None when the cell is empty."""
    if _missing(value):
        return None
    if key.kind == "int" and isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    if key.kind in ("number", "int") and isinstance(value, int | float) and not isinstance(
            value, bool):
        return float(value)
    if hasattr(value, "item"):  # a numpy scalar
        return value.item()
    return value


def _changed_column(table: str, keys: list[str], cells: list[Cell]) -> list[str]:
    """Return, per row, the fields the draft changed there ('' when none)."""
    fields = changed_fields(cells, table)
    return [", ".join(fields.get(key, [])) for key in keys]


def table_frame(data: Mapping[str, Any], table: str, cells: list[Cell]) -> pd.DataFrame:
    """Return one table of the data as a grid: one row a row, one column a key."""
    if table == "ranges":
        written = data.get("ranges", {})
        names = [k.name for k in TABLES_BY_NAME["ranges"].keys]
        pairs = [written.get(n) if isinstance(written.get(n), list) else [None, None]
                 for n in names]
        return pd.DataFrame({
            RANGE_INPUT: pd.Series(names, dtype=object),
            RANGE_LOW: pd.Series([p[0] if len(p) > 0 else None for p in pairs], dtype=float),
            RANGE_HIGH: pd.Series([p[1] if len(p) > 1 else None for p in pairs], dtype=float),
            CHANGED: pd.Series(_changed_column("ranges", names, cells), dtype=object),
        })
    rows = [r for r in data.get(table, []) if isinstance(r, dict)]
    spec = TABLES_BY_NAME[table]
    columns: dict[str, pd.Series] = {}
    for key in spec.keys:
        values = [row.get(key.name) for row in rows]
        if key.kind == "fields":
            values = [set_text(v) if isinstance(v, dict) else v for v in values]
        numeric = key.kind in ("number", "int") and all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values)
        columns[key.name] = pd.Series(values, dtype=float if numeric else object)
    keys = [row_key(table, r, i) for i, r in enumerate(rows, start=1)]
    changed = pd.Series(_changed_column(table, keys, cells), dtype=object)
    first = [name for name in KEY_COLUMNS.get(table, ("name",)) if name in columns]
    return pd.DataFrame({**{name: columns[name] for name in first}, CHANGED: changed,
                         **{n: c for n, c in columns.items() if n not in first}})


def highlighted(frame: pd.DataFrame) -> Styler:
    """Return the grid styled as overrides are marked: a changed row's changed cell in amber.

    Streamlit 1.67 applies a Styler's colours only to read-only columns, so the edited cells
    themselves cannot be coloured; the changed column beside the row's name is.
    """
    return frame.style.map(lambda value: OVERRIDE_STYLE if value else "", subset=[CHANGED])


def edited_frame(frame: pd.DataFrame, state: Mapping[str, Any]) -> pd.DataFrame:
    """Return `frame` with a data_editor's edits made: its edited, deleted and added rows.

    `state` is the editor's session value ({"edited_rows": {position: {column: value}},
    "deleted_rows": [position], "added_rows": [{column: value}]}), read in its on_change
    callback so that an edit is in the draft before the page runs (one run per edit, not two).
    """
    out = frame.astype(object).reset_index(drop=True)
    columns = {str(c): i for i, c in enumerate(out.columns)}
    for position, values in dict(state.get("edited_rows", {})).items():
        for column, value in dict(values).items():
            if column in columns:
                out.iat[int(position), columns[column]] = value
    deleted = [int(p) for p in state.get("deleted_rows", [])]
    out = out.drop(index=deleted)
    added = [{c: v for c, v in dict(row).items() if c in out.columns}
             for row in state.get("added_rows", [])]
    if added:
        out = pd.concat([out, pd.DataFrame(added, columns=out.columns, dtype=object)],
                        ignore_index=True)
    return out.reset_index(drop=True)


def frame_rows(frame: pd.DataFrame, table: str) -> Any:
    """Return a grid's rows as TOML data (a list of rows, or [ranges]' table); empty rows go.

    A change's `set` text is read back (parse_set): a bad one raises BudgetInputError.
    """
    records = frame.to_dict("records")
    if table == "ranges":
        spec = TABLES_BY_NAME["ranges"]
        out: dict[str, Any] = {}
        for record in records:
            name = str(record[RANGE_INPUT])
            key = spec.key(name)
            if key is None:
                continue
            low, high = _cell(key, record.get(RANGE_LOW)), _cell(key, record.get(RANGE_HIGH))
            if low is not None or high is not None:
                out[name] = [low, high]
        return out
    spec = TABLES_BY_NAME[table]
    rows: list[dict[str, Any]] = []
    for record in records:
        row = {}
        for key in spec.keys:
            value = _cell(key, record.get(key.name))
            if value is not None:
                row[key.name] = value
        if not row:
            continue
        if table == "changes" and "set" in row:
            row["set"] = parse_set(str(row["set"]), f"[[changes]] #{len(rows) + 1}"
                                   + (f" ({row['month']})" if "month" in row else ""))
        rows.append(row)
    return rows


def with_table(data: Mapping[str, Any], table: str, content: Any) -> dict[str, Any]:
    """Return a copy of the data with one table replaced (left out when it has nothing)."""
    out = {name: value for name, value in data.items() if name != table}
    if content:
        out[table] = content
    return out


def key_help(key: Key) -> str:
    """Return a column's help: the key's help, its allowed values, whether it is required."""
    parts = [sentence(key.help.replace("[[", "").replace("]]", "")) + "."]
    if key.kind in ("number", "int") and (key.low is not None or key.high is not None):
        parts.append(f"Allowed: {key.bounds()}" + (", whole numbers." if key.kind == "int"
                                                     else "."))
    if key.kind == "month":
        parts.append("Written YYYY-MM.")
    if key.choices:
        parts.append("One of " + ", ".join(key.choices) + ".")
    if key.only_for is not None:
        parts.append(f"Only when serving = {key.only_for}.")
    parts.append("Required." if key.required else "Optional: leave empty for "
                 + ("the default, " + toml_value(key.default) + "." if key.default is not None
                    else "none."))
    return " ".join(parts)


def _column(key: Key, options: Mapping[str, list[str]], pinned: bool = False) -> Any:
    """Return the st.column_config column of one schema key."""
    required = key.required and key.only_for is None
    help_text = key_help(key)
    if pinned:
        return st.column_config.TextColumn(key.name, help=help_text, required=required,
                                           max_chars=NAME_MAX, pinned=True)
    if key.kind in ("number", "int"):
        return st.column_config.NumberColumn(
            key.name, help=help_text, required=required, min_value=key.low,
            max_value=key.high, step=1 if key.kind == "int" else None,
            format="%d" if key.kind == "int" else "localized")
    if key.kind == "choice" or key.name in options:
        return st.column_config.SelectboxColumn(
            key.name, help=help_text, required=required,
            options=list(key.choices) or options[key.name])
    return st.column_config.TextColumn(
        key.name, help=help_text, required=required,
        max_chars=PROSE_MAX if key.prose or key.kind == "fields" else NAME_MAX,
        validate=r"^\d{4}-\d{2}$" if key.kind == "month" else None)


def column_config(table: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the grid's column_config: each key's column from budget.schema."""
    changed = st.column_config.TextColumn(
        "changed", disabled=True, pinned=table not in ("changes", "ranges"),
        help="The fields of this row the draft holds differently from the file (all of them "
        "for a new row).")
    if table == "ranges":
        spec = TABLES_BY_NAME["ranges"]
        low = min((k.low for k in spec.keys if k.low is not None), default=None)
        return {
            RANGE_INPUT: st.column_config.TextColumn(
                "input", disabled=True, pinned=True, help="The uncertain input: a multiplier "
                "or offset of the plan, as the [drivers] hold it."),
            RANGE_LOW: st.column_config.NumberColumn(
                "low (P10)", min_value=low, format="%.4g", help="P10 of the input: the low "
                "end of its range, at most the expected value in [drivers]. Leave both ends "
                "empty for the default range."),
            RANGE_HIGH: st.column_config.NumberColumn(
                "high (P90)", min_value=low, format="%.4g", help="P90 of the input: the high "
                "end of its range, at least the expected value in [drivers]."),
            CHANGED: changed,
        }
    options: dict[str, list[str]] = {}
    if table == "changes":
        options = {"workload": workload_names(data), "gpu": price_rows(data)}
    pinned = KEY_COLUMNS.get(table, ("name",))
    config = {key.name: _column(key, options, key.name in pinned)
              for key in TABLES_BY_NAME[table].keys}
    if table == "changes":
        config["set"] = st.column_config.TextColumn(
            "set", required=True, max_chars=PROSE_MAX,
            help=f"The fields and their new values, written field = value, …, e.g. "
            f"{SET_EXAMPLE}: any key of the row's table but its name, starts and ends.")
    config[CHANGED] = changed
    return config


def workload_names(data: Mapping[str, Any]) -> list[str]:
    """Return the names of the data's workload rows, in table order (a change's targets)."""
    names = []
    for table in ("inference", "training", "experimentation", "platform"):
        for i, row in enumerate(data.get(table, []), start=1):
            if isinstance(row, dict):
                names.append(row_key(table, row, i))
    return names


def price_rows(data: Mapping[str, Any]) -> list[str]:
    """Return the data's [[gpu_prices]] rows as 'cloud/gpu'."""
    return [row_key("gpu_prices", r, i) for i, r in enumerate(data.get("gpu_prices", []),
                                                               start=1) if isinstance(r, dict)]
