"""The session's draft of a scenario file: its TOML data as edited, undo, the last valid plan.

A draft lives in st.session_state (private to the session) under DRAFTS_KEY, one per file
path. Its data is what budget.scenario_toml.scenario_data returns for the file as loaded, as
edited; every edit is parsed with budget.scenario.parse_scenario, and a refused one stays in
the data (to be fixed or undone) while the last plan that loaded keeps showing.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

from budget.errors import BudgetInputError
from budget.files import file_stamp
from budget.scenario import parse_scenario
from budget.scenario_model import Scenario
from budget.scenario_toml import scenario_data

DRAFTS_KEY = "_drafts"  # session key: {str(path): Draft}
UNDO_DEPTH = 100  # edits a draft can take back; older ones stay in it (Discard drops all)
REVISION_KEY = "_draft_revision"  # session key: bumped on every change, so grids start afresh


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """One state of a draft: the data as edited, the last valid plan, why the data is refused."""

    data: dict[str, Any]
    scenario: Scenario
    error: str | None = None


@dataclasses.dataclass(frozen=True)
class Draft:
    """One file's unsaved edits: the file's data, the current state and the earlier ones."""

    path: str
    file_data: dict[str, Any]  # scenario_data of the file as loaded
    now: Snapshot
    earlier: tuple[Snapshot, ...] = ()  # oldest first; undo pops the last
    stamp: tuple[int, int] | None = None  # file_stamp of the file when the draft began
    dropped: int = 0  # edits older than UNDO_DEPTH: counted, no longer undoable

    @property
    def data(self) -> dict[str, Any]:
        """Return the TOML data as edited."""
        return self.now.data

    @property
    def scenario(self) -> Scenario:
        """Return the last valid plan: the data's, or the one before a refused edit."""
        return self.now.scenario

    @property
    def error(self) -> str | None:
        """Return why the data as edited does not load, or None when it does."""
        return self.now.error

    @property
    def edits(self) -> int:
        """Return how many edits the draft holds (each undo takes one back, UNDO_DEPTH at most)."""
        return len(self.earlier) + self.dropped


class Cell(NamedTuple):
    """One value the draft holds differently from the file: where, and both values."""

    table: str
    row: str  # the row's key: a workload's name, 'cloud/gpu', '#N' of a change, an input
    field: str  # "" for a whole row added or deleted
    file_value: Any
    draft_value: Any


ADDED, DELETED = "(row added)", "(row deleted)"


def new_draft(path: str, loaded: Scenario, stamp: tuple[int, int] | None = None) -> Draft:
    """Return a draft with no edits of the file at `path` as loaded."""
    data = scenario_data(loaded)
    return Draft(path, data, Snapshot(copy.deepcopy(data), loaded), (), stamp)


def with_edit(draft: Draft, data: Mapping[str, Any]) -> Draft:
    """Return the draft with `data` as its new state; a refused one keeps the last valid plan."""
    copied: dict[str, Any] = copy.deepcopy(dict(data))
    try:
        now = Snapshot(copied, parse_scenario(copied, draft.path))
    except BudgetInputError as exc:
        now = Snapshot(copied, draft.scenario, str(exc))
    earlier = (*draft.earlier, draft.now)
    cut = max(0, len(earlier) - UNDO_DEPTH)  # a snapshot of a 1,000-workload plan is ~1 MB
    return dataclasses.replace(draft, now=now, earlier=earlier[cut:],
                               dropped=draft.dropped + cut)


def undone(draft: Draft) -> Draft:
    """Return the draft as it was before its last edit (unchanged when it has none)."""
    if not draft.earlier:
        return draft
    return dataclasses.replace(draft, now=draft.earlier[-1], earlier=draft.earlier[:-1])


def row_key(table: str, row: Mapping[str, Any], number: int) -> str:
    """Return what names a row of `table`: its name, 'cloud/gpu', or '#N' of a change."""
    if table == "gpu_prices":
        return f"{row.get('cloud')}/{row.get('gpu')}"
    if table == "changes":
        return f"#{number}"
    for key in ("name", "workload", "environment"):
        if isinstance(row.get(key), str):
            return str(row[key])
    if table == "experimentation" and isinstance(row.get("team"), str):
        return f"{row['team']}-experimentation"
    return f"row {number}"


def _keyed(table: str, rows: list[Any], by_number: bool) -> list[tuple[str, dict[str, Any]]]:
    """Return (key, row) pairs: by row_key, or 'row N' with by_number."""
    pairs = [(row_key(table, r, i), r) for i, r in enumerate(rows, start=1)
             if isinstance(r, dict)]
    if by_number:
        return [(f"row {i}", r) for i, (_, r) in enumerate(pairs, start=1)]
    return pairs


def _unique(pairs: list[tuple[str, dict[str, Any]]]) -> bool:
    return len({k for k, _ in pairs}) == len(pairs)


def changed_cells(file_data: Mapping[str, Any], data: Mapping[str, Any]) -> list[Cell]:
    """Return every value `data` holds differently from `file_data`, in table and row order."""
    cells: list[Cell] = []
    for table in [*file_data, *(t for t in data if t not in file_data)]:
        old, new = file_data.get(table), data.get(table)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            old_rows = old if isinstance(old, list) else []
            new_rows = new if isinstance(new, list) else []
            # rows by number when a name is used twice on either side
            by_number = not (_unique(_keyed(table, old_rows, False))
                             and _unique(_keyed(table, new_rows, False)))
            before = dict(_keyed(table, old_rows, by_number))
            after = dict(_keyed(table, new_rows, by_number))
            for key, row in after.items():
                if key not in before:
                    cells.append(Cell(table, key, "", None, ADDED))
                    continue
                cells += _row_cells(table, key, before[key], row)
            cells += [Cell(table, key, "", DELETED, None) for key in before if key not in after]
        else:
            cells += _row_cells(table, "", old if isinstance(old, dict) else {},
                                new if isinstance(new, dict) else {})
    return cells


def _row_cells(table: str, key: str, old: dict[str, Any], new: dict[str, Any]) -> list[Cell]:
    """Return the fields of one row (or single table) whose values differ."""
    fields = [*old, *(f for f in new if f not in old)]
    return [Cell(table, key, f, old.get(f), new.get(f)) for f in fields
            if old.get(f) != new.get(f)]


def changed_fields(cells: list[Cell], table: str) -> dict[str, list[str]]:
    """Return, for each row key of `table`, the fields the draft changed there."""
    out: dict[str, list[str]] = {}
    for cell in cells:
        if cell.table == table:
            out.setdefault(cell.row, []).append(cell.field or "new row")
    return out


# --- the session's drafts ------------------------------------------------------------------


def _drafts() -> dict[str, Draft]:
    drafts: dict[str, Draft] = st.session_state.setdefault(DRAFTS_KEY, {})
    return drafts


def get_draft(path: Path | str) -> Draft | None:
    """Return this session's draft of the file at `path`, or None."""
    return _drafts().get(str(path))


def draft_for(path: Path | str, loaded: Scenario) -> Draft:
    """Return this session's draft of `path`, or a new one with no edits (not yet kept)."""
    found = get_draft(path)
    if found is not None:
        return found
    try:
        stamp: tuple[int, int] | None = file_stamp(Path(path))
    except BudgetInputError:
        stamp = None
    return new_draft(str(path), loaded, stamp)


def revision() -> int:
    """Return a number that changes whenever any draft of the session does (for widget keys)."""
    return int(st.session_state.get(REVISION_KEY, 0))


def _keep(draft: Draft | None, path: str) -> None:
    """Store the draft (or forget it when None or back to no edits); bump the revision."""
    if draft is None or draft.edits == 0:
        _drafts().pop(path, None)
    else:
        _drafts()[path] = draft
    st.session_state[REVISION_KEY] = revision() + 1


def edit(draft: Draft, data: Mapping[str, Any]) -> Draft:
    """Apply an edit to the session's draft and keep it; return it (its error when refused)."""
    edited = with_edit(draft, data)
    _keep(edited, draft.path)
    return edited


def undo(path: Path | str) -> None:
    """Take back the last edit of the session's draft of `path` (none left: the draft goes)."""
    found = get_draft(path)
    if found is not None:
        _keep(undone(found), str(path))


def discard(path: Path | str) -> None:
    """Forget the session's draft of `path`: every page shows the file again."""
    _keep(None, str(path))
