"""Editing a TOML document in place (tomlkit): only what changed is rewritten, comments kept.

`edited_text(text, old, new)` takes a file's text and two versions of its data (old: what the
text says, as scenario_data writes it; new: what it should say) and returns the text with only
the differences applied: a changed value set in place (its line's comment kept), a key added at
the end of its table, a row added to its array of tables (after the row before it), a row or key
removed, a table created when missing. Everything else (comments, order, blank lines, how
numbers are written, Windows line ends) stays as typed.

Rows are matched old to new in order: by what they say (a row unchanged is the same row), then
by what names them (ROW_KEYS: an edited row), then by position between those (a change whose
workload was renamed, a workload renamed): a matched row is edited in place with its comments;
the others are removed, or added.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Comment, Integer, Item, Table, Whitespace

from budget.errors import BudgetInputError

# How a row of an array of tables is told apart from the others (a dated change by its month
# and what it changes, so that its comment stays with it), once rows that say the same are
# matched (two changes of one workload in one month: the one deleted goes, not the last).
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
    windows = "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF throughout
    if windows:  # edited with LF line ends, each written back as CRLF (new lines too)
        text = text.replace("\r\n", "\n")
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
    return out.replace("\n", "\r\n") if windows else out


def _edit_mapping(table: Any, before: dict[str, Any], after: dict[str, Any],
                  last: Table | None = None) -> None:
    """Set the keys whose value changed, add the new ones (to `last`), delete the ones gone.

    `last` is the last line of a table written in dotted keys over several lines (set.a = …,
    set.b = …), where a new key goes; tomlkit would put it after the first.
    """
    for key, value in after.items():
        if key in before and same(before[key], value):
            continue
        if (key in table and isinstance(value, dict) and isinstance(before.get(key), dict)
                and isinstance(table[key], dict)):  # set = { … }, [changes.set], set.x = …
            parts = [item for k, item in table.value.body if k is not None and k.key == key
                     ] if isinstance(table, Table) else []
            _edit_mapping(table[key], before[key], value,  # key by key, comments kept
                          parts[-1] if len(parts) > 1 and isinstance(parts[-1], Table) else None)
        elif key in table:
            old = table.item(key) if isinstance(table, Table) else None
            table[key] = _item(value, old if isinstance(old, Item) else None)
        else:
            _add_key(table if last is None else last, key, _item(value, None))
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
    # Rows past `written` came from elsewhere (the shipped price table): by key, never in place.
    implicit = {row_key(name, r): r for r in before[written:]}
    pairs = matched_rows(name, before[:written], after, set(implicit))
    kept = {i for i, _ in pairs}
    for i in reversed(range(written)):
        if i not in kept:
            assert rows is not None
            _remove_row(doc, name, rows, i)
    for at, (i, j) in enumerate(pairs):  # the rows left are the matched ones, in order
        if not same(before[i], after[j]):
            assert rows is not None
            _edit_mapping(rows[at], before[i], after[j])
    in_file = {j for _, j in pairs}
    for j, row in enumerate(after):
        shipped = implicit.get(row_key(name, row))
        if j in in_file or (shipped is not None and same(shipped, row)):
            continue
        at = sum(1 for k in in_file if k < j)  # after the rows before it
        _insert_row(doc, name, at, row)
        in_file.add(j)


def matched_rows(table: str, old: list[dict[str, Any]], new: list[dict[str, Any]],
                 shipped: set[str] | frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Return the pairs (i, j), in order, of an old row i that new row j is (edited or not).

    First rows that say the same (1_000 and 1000.0 alike), then, between those, rows of one
    row_key, then, between those, rows by position (the k-th left old row is the k-th left new
    one); a new row whose key names a row in `shipped` (the price table) is never matched by
    position. Rows in no pair were removed (old) or added (new).
    """
    pairs: list[tuple[int, int]] = []

    def align(old_at: int, old_end: int, new_at: int, new_end: int, stage: int) -> None:
        if stage == 2:
            fresh = [j for j in range(new_at, new_end) if row_key(table, new[j]) not in shipped]
            pairs.extend(zip(range(old_at, old_end), fresh, strict=False))
            return
        token = _content if stage == 0 else (lambda row: row_key(table, row))
        blocks = SequenceMatcher(None, [token(r) for r in old[old_at:old_end]],
                                 [token(r) for r in new[new_at:new_end]],
                                 autojunk=False).get_matching_blocks()
        i, j = old_at, new_at
        for a, b, size in blocks:  # the last block is (len, len, 0): the gap after the others
            align(i, old_at + a, j, new_at + b, stage + 1)
            pairs.extend((old_at + a + k, new_at + b + k) for k in range(size))
            i, j = old_at + a + size, new_at + b + size

    align(0, len(old), 0, len(new), 0)
    return pairs


def _content(value: Any) -> Any:
    """Return a hashable form of a TOML value, equal for values `same` calls equal."""
    if isinstance(value, dict):
        return ("table", tuple(sorted((k, _content(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_content(v) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", float(value))
    return (type(value).__name__, value)


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

