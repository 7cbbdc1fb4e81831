"""Editing a TOML document in place (tomlkit): only what changed is rewritten, comments kept.

`edited_text(text, old, new)` takes a file's text and two versions of its data (old: what the
text says, as scenario_data writes it; new: what it should say) and returns the text with only
the differences applied: a changed value set in place (its line's comment kept), a key added at
the end of its table, a row added to its array of tables (after the row before it), a row or key
removed, a table created when missing. Everything else (comments, order, blank lines, how
numbers are written) stays as typed.
"""

from __future__ import annotations

from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Comment, InlineTable, Integer, Item, Table, Whitespace

from budget.errors import BudgetInputError

# How a row of an array of tables is told apart from the others (a dated change by its month
# and what it changes, so that its comment stays with it). Rows a table cannot tell apart (two
# changes of one workload in one month) are matched by position.
ROW_KEYS: dict[str, tuple[str, ...]] = {"gpu_prices": ("cloud", "gpu"),
                                        "portability": ("workload",),
                                        "guardrails": ("environment",),
                                        "changes": ("month", "workload", "gpu")}


def row_key(table: str, row: dict[str, Any]) -> str:
    """Return what names a row: 'cloud/gpu' for a price row, '2028-01 chat' for a change, …"""
    if table == "changes":
        return f"{row.get('month')} {row.get('workload', row.get('gpu'))}"
    return "/".join(str(row.get(f)) for f in ROW_KEYS.get(table, ("name",)))


def same(a: Any, b: Any) -> bool:
    """Return whether two TOML values say the same thing (1_000 and 1000.0 do; true and 1 not)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def edited_text(text: str, old: dict[str, Any], new: dict[str, Any], label: str) -> str:
    """Return `text` with the differences from `old` to `new` applied in place (see module).

    `label` names the text in the error raised when tomlkit cannot read what tomllib read.
    """
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:  # tomllib read it; tomlkit may not
        raise BudgetInputError(label, f"cannot be edited in place ({exc})",
                               fix="write it in plain TOML (one [table] or [[row]] per header)"
                               ) from None
    for name in [*old, *(n for n in new if n not in old)]:
        before, after = old.get(name), new.get(name)
        if after is None:
            if name in doc:
                _remove_table(doc, name)
        elif isinstance(after, list):
            _edit_rows(doc, name, before or [], after)
        else:
            if name not in doc:
                doc[name] = tomlkit.table()
            _edit_mapping(doc[name], before or {}, after)
    out = doc.as_string()
    if text.endswith("\n") and not text.endswith("\n\n"):  # a table removed at the end
        out = out.rstrip("\n") + "\n"
    return out


def _edit_mapping(table: Any, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Set the keys whose value changed, add the new ones, delete the ones gone."""
    for key, value in after.items():
        if key in before and same(before[key], value):
            continue
        if (key in table and isinstance(value, dict) and isinstance(before.get(key), dict)
                and isinstance(table[key], InlineTable)):  # set = { … }: key by key
            _edit_mapping(table[key], before[key], value)
        elif key in table:
            old = table.item(key) if isinstance(table, Table) else None
            table[key] = _item(value, old if isinstance(old, Item) else None)
        else:
            _add_key(table, key, _item(value, None))
    for key in before:
        if key not in after and key in table:
            del table[key]


def _edit_rows(doc: Any, name: str, before: list[dict[str, Any]],
               after: list[dict[str, Any]]) -> None:
    """Edit an array of tables row by row: the rows as written lead `before` (the rest implicit)."""
    rows: AoT | None = doc.get(name)
    if rows is not None and not isinstance(rows, AoT):  # written inline: write it anew
        doc[name] = _item(after, None)
        return
    written = len(rows) if rows is not None else 0
    keys_before = [row_key(name, r) for r in before]
    keys_after = [row_key(name, r) for r in after]
    if len(set(keys_before)) < len(keys_before) or len(set(keys_after)) < len(keys_after):
        keys_before = [f"#{i}" for i in range(len(before))]  # not told apart: by position
        keys_after = [f"#{i}" for i in range(len(after))]
    wanted = dict(zip(keys_after, after, strict=True))
    # In the file: (key, row). Rows past `written` came from elsewhere (the shipped price table).
    present = [(k, before[i]) for i, k in enumerate(keys_before[:written])]
    for i in reversed(range(written)):
        if present[i][0] not in wanted:
            assert rows is not None
            _remove_row(doc, name, rows, i)
            del present[i]
    for i, (key, row) in enumerate(present):
        if not same(row, wanted[key]):
            assert rows is not None
            _edit_mapping(rows[i], row, wanted[key])
    implicit = {k: before[i] for i, k in enumerate(keys_before) if i >= written}
    in_file = {k for k, _ in present}
    for j, key in enumerate(keys_after):
        if key in in_file or (key in implicit and same(implicit[key], after[j])):
            continue
        at = sum(1 for k in keys_after[:j] if k in in_file)  # after the rows before it
        rows = _insert_row(doc, name, at, after[j])
        in_file.add(key)


def _insert_row(doc: Any, name: str, at: int, row: dict[str, Any]) -> AoT:
    """Insert a new row at position `at` of the array of tables `name` (made when missing)."""
    table = tomlkit.table()
    for key, value in row.items():
        table[key] = _item(value, None)
    if name not in doc:
        rows = tomlkit.aot()
        rows.append(table)
        doc[name] = rows
        return doc[name]  # type: ignore[no-any-return]
    rows = doc[name]
    if at >= len(rows):  # the last row's trailing comments head what follows: move them on
        last = rows[len(rows) - 1]
        trailing = _pop_trailing(last)
        last.value.body.append((None, Whitespace("\n")))
        table.value.body.extend(trailing)
        rows.append(table)
    else:
        table.value.body.append((None, Whitespace("\n")))
        rows.insert(at, table)
    return rows  # type: ignore[no-any-return]


def _remove_row(doc: Any, name: str, rows: AoT, index: int) -> None:
    """Delete one row; comments after its last key (the next section's) go to the row before."""
    trailing = _pop_trailing(rows[index])
    if len(rows) == 1:
        _give_trailing(doc, name, trailing)
        del doc[name]
        return
    if index > 0:
        _merge_trailing(rows[index - 1], trailing)
    del rows[index]


def _remove_table(doc: Any, name: str) -> None:
    """Delete a whole table or array of tables, keeping the comments that follow it."""
    item = doc[name]
    last = item[len(item) - 1] if isinstance(item, AoT) else item
    _give_trailing(doc, name, _pop_trailing(last))
    del doc[name]


def _give_trailing(doc: Any, name: str, trailing: list[tuple[Any, Item]]) -> None:
    """Hand the comments after table `name` to the table before it in the document."""
    body = doc.body
    index = next(i for i, (key, _) in enumerate(body) if key is not None and key.key == name)
    for key, item in reversed(body[:index]):
        if key is None:
            continue
        if isinstance(item, AoT) and len(item):
            _merge_trailing(item[len(item) - 1], trailing)
        elif isinstance(item, Table):
            _merge_trailing(item, trailing)
        return


def _merge_trailing(table: Table, trailing: list[tuple[Any, Item]]) -> None:
    """Append comments after a table's keys; a blank-only tail of its own gives way to them."""
    if not any(isinstance(item, Comment) for _, item in trailing):
        return
    own = _pop_trailing(table)
    if any(isinstance(item, Comment) for _, item in own):
        table.value.body.extend(own)
    table.value.body.extend(trailing)


def _pop_trailing(table: Table) -> list[tuple[Any, Item]]:
    """Remove and return the comments and blank lines after a table's last key."""
    body = table.value.body
    cut = len(body)
    while cut and body[cut - 1][0] is None and isinstance(body[cut - 1][1],
                                                           Comment | Whitespace):
        cut -= 1
    trailing = body[cut:]
    del body[cut:]
    return trailing


def _add_key(table: Any, key: str, item: Item) -> None:
    """Add a key after the table's last key (before the comments that head what follows)."""
    if not isinstance(table, Table):
        table[key] = item
        return
    trailing = _pop_trailing(table)
    table[key] = item
    table.value.body.extend(trailing)


def _item(value: Any, like: Item | None) -> Item:
    """Return a TOML item for `value`, a whole number written as the old one was (1_000)."""
    if isinstance(value, bool):
        return tomlkit.item(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if isinstance(value, int):
        if isinstance(like, Integer) and "_" in like.as_string() and abs(value) >= 1000:
            written: Item = tomlkit.value(f"{value:_}")
            return written
        return tomlkit.item(value)
    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        for key, inner in value.items():
            inline[key] = _item(inner, None)
        return inline
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(_item(v, None) for v in value)
        return array
    scalar: Item = tomlkit.item(value)
    return scalar

