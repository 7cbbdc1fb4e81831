"""What changed between two scenario versions, and a bridge of the horizon total (Shapley)."""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from budget.errors import BudgetInputError
from budget.forecast import horizon_total_usd
from budget.scenario import parse_scenario
from budget.scenario_model import WORKLOAD_TABLES, Scenario
from budget.scenario_toml import scenario_data

MAX_PLAYERS = 12  # 2^12 = 4,096 forecasts; more changes are grouped by row, then by table


@dataclass(frozen=True)
class Change:
    """One changed assumption: a field, a whole row added or removed, or a dated change.

    A dated change ([[changes]] row) is one Change of table "changes", row "MONTH TARGET"
    (" #2" on a second one of the same month and target), added, removed or with a new `set`;
    `target` is the "table/row" it changes, by which it is grouped with that row's changes.
    """

    table: str
    row: str  # workload name, "cloud/gpu" for prices, "" for [scenario] and [drivers]
    field: str  # "" when the whole row is added or removed
    old: Any
    new: Any
    target: str = ""  # dated changes: the "table/row" they change

    @property
    def label(self) -> str:
        """Return e.g. 'inference/support-chat/requests_per_month: 3000000 -> 3600000'."""
        path = "/".join(p for p in (self.table, self.row, self.field) if p)
        if self.table == "changes":
            if self.old is None or self.new is None:
                what = "added" if self.old is None else "removed"
                return f"{path}: {what} ({_settings(self.new or self.old)})"
            return f"{path}: ({_settings(self.old)}) -> ({_settings(self.new)})"
        if not self.field:
            return f"{path}: {'added' if self.old is None else 'removed'}"
        return f"{path}: {_show(self.old)} -> {_show(self.new)}"

    def group(self, grouping: str) -> str:
        """Return the step this change belongs to: its own label, its row's or its table's."""
        if grouping == "field":
            return self.label
        where = self.target or (f"{self.table}/{self.row}" if self.row else self.table)
        return where if grouping == "row" else where.split("/", 1)[0]


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _settings(row: dict[str, Any]) -> str:
    """Return a dated change's `set` as 'model = llama-3.1-8b, utilization = 0.5'."""
    return ", ".join(f"{k} = {_show(v)}" for k, v in row["set"].items())


def _rows(data: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    if table == "gpu_prices":
        return {f"{r['cloud']}/{r['gpu']}": r for r in data.get(table, [])}
    return {r["name"]: r for r in data.get(table, [])}


def changes(old: Scenario, new: Scenario) -> list[Change]:
    """Return every changed assumption from old to new (names and ranges are not assumptions)."""
    a, b = scenario_data(old), scenario_data(new)
    out: list[Change] = []
    for table, keys in (("scenario", ("start", "months", "currency")),
                        ("drivers", tuple(b["drivers"]))):
        for key in keys:
            if a[table].get(key) != b[table].get(key):
                out.append(Change(table, "", key, a[table].get(key), b[table].get(key)))
    for table in ("gpu_prices", *WORKLOAD_TABLES):
        rows_a, rows_b = _rows(a, table), _rows(b, table)
        for name in [*rows_a, *[n for n in rows_b if n not in rows_a]]:
            if name not in rows_b:
                out.append(Change(table, name, "", rows_a[name], None))
            elif name not in rows_a:
                out.append(Change(table, name, "", None, rows_b[name]))
            else:
                fields = [*rows_a[name], *[f for f in rows_b[name] if f not in rows_a[name]]]
                out.extend(Change(table, name, f, rows_a[name].get(f), rows_b[name].get(f))
                           for f in fields if rows_a[name].get(f) != rows_b[name].get(f))
    dated_a, dated_b = _dated(a), _dated(b)
    for key in [*dated_a, *[k for k in dated_b if k not in dated_a]]:
        old_row, new_row = dated_a.get(key), dated_b.get(key)
        if old_row != new_row:
            row = new_row if old_row is None else old_row
            out.append(Change("changes", key, "", old_row, new_row, target=_target(a, b, row)))
    return out


def _dated(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the [[changes]] rows by 'MONTH TARGET' (' #2' on a second of the same)."""
    out: dict[str, dict[str, Any]] = {}
    for row in data.get("changes", []):
        key = f"{row['month']} {row.get('workload', row.get('gpu'))}"
        n = 1
        while (f"{key} #{n}" if n > 1 else key) in out:
            n += 1
        out[f"{key} #{n}" if n > 1 else key] = row
    return out


def _target(a: dict[str, Any], b: dict[str, Any], row: dict[str, Any] | None) -> str:
    """Return the 'table/row' a dated change changes, in either version."""
    assert row is not None  # a changed row is in one version at least
    if "gpu" in row:
        return f"gpu_prices/{row['gpu']}"
    for table in WORKLOAD_TABLES:
        if row["workload"] in _rows(a, table) or row["workload"] in _rows(b, table):
            return f"{table}/{row['workload']}"
    return f"changes/{row['workload']}"


def apply(data: dict[str, Any], selected: list[Change]) -> dict[str, Any]:
    """Return a copy of scenario data with the selected changes made."""
    out = copy.deepcopy(data)
    for change in selected:
        if change.table == "changes":
            _apply_dated(out, change)
            continue
        if change.table in ("scenario", "drivers"):
            out[change.table][change.field] = change.new
            continue
        rows = out.setdefault(change.table, [])
        key = (lambda r: f"{r['cloud']}/{r['gpu']}") if change.table == "gpu_prices" else (
            lambda r: r["name"])
        index = next((i for i, r in enumerate(rows) if key(r) == change.row), None)
        if not change.field:
            if change.new is None and index is not None:
                rows.pop(index)
            elif change.new is not None and index is None:
                rows.append(copy.deepcopy(change.new))
        elif index is not None:
            if change.new is None:
                rows[index].pop(change.field, None)
            else:
                rows[index][change.field] = change.new
    return out


def _apply_dated(data: dict[str, Any], change: Change) -> None:
    """Add, remove or replace one [[changes]] row; rows stay in month order (a stable sort).

    An added row goes after the rows of its month already there, as it would in the new file.
    """
    keys = list(_dated(data))
    rows: list[dict[str, Any]] = data.setdefault("changes", [])
    index = keys.index(change.row) if change.row in keys else None
    if change.new is None:
        if index is not None:
            rows.pop(index)
    elif index is None:
        rows.append(copy.deepcopy(change.new))
    else:
        rows[index] = copy.deepcopy(change.new)
    rows.sort(key=lambda r: str(r["month"]))
    if not rows:
        del data["changes"]


@dataclass(frozen=True)
class Step:
    """One bar of the bridge: the change(s) and their share of the total's change.

    `changes` lists each change inside the step (without the step's own 'table/row' prefix),
    so a grouped step names them all; a step of one change lists its label.
    """

    change: str
    delta: float
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bridge:
    """Old and new horizon totals and the steps between them (they sum to the difference)."""

    old_total: float
    new_total: float
    steps: tuple[Step, ...]
    grouping: str  # "field", "row" or "table": how changes were grouped into steps


def _players(found: list[Change], grouping: str) -> list[list[Change]]:
    groups: dict[str, list[Change]] = {}
    for c in found:
        groups.setdefault(c.group(grouping), []).append(c)
    return list(groups.values())


def _player_label(player: list[Change], grouping: str) -> str:
    if len(player) == 1:
        return player[0].label
    return f"{player[0].group(grouping)}: {len(player)} changes"


def _player_changes(player: list[Change], grouping: str) -> tuple[str, ...]:
    """Return each change's label inside its step, its step's 'table/row/' prefix left out."""
    if len(player) == 1:
        return (player[0].label,)
    where = player[0].group(grouping)
    return tuple(c.label.removeprefix(f"{where}/").removeprefix(f"{where}: ") for c in player)


def shapley(players: int, value: Callable[[int], float]) -> list[float]:
    """Return exact Shapley values; value(mask) is the total with the masked players applied."""
    cache: dict[int, float] = {}

    def v(mask: int) -> float:
        if mask not in cache:
            cache[mask] = value(mask)
        return cache[mask]

    n = players
    weights = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
               for k in range(n)]
    out = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = 0.0
        for size in range(n):
            for subset in combinations(others, size):
                mask = sum(1 << j for j in subset)
                total += weights[size] * (v(mask | (1 << i)) - v(mask))
        out.append(total)
    return out


def bridge(old: Scenario, new: Scenario) -> Bridge:
    """Attribute the change in horizon total to each changed assumption by Shapley values.

    Each change is a player; the value of a set of changes is the horizon total of the old
    scenario with those changes made. When some set makes an invalid scenario (a workload moved
    to a GPU whose price row is another change, say), or there are more than MAX_PLAYERS
    changes, changes are grouped by row, then by table. The steps are sorted by size, and the
    largest absorbs the last fraction of a cent of rounding so they sum exactly to the change.
    """
    old_total, new_total = horizon_total_usd(old), horizon_total_usd(new)
    found = changes(old, new)
    if not found:
        return Bridge(old_total, new_total, (), "field")
    base = scenario_data(old)
    for grouping in ("field", "row", "table"):
        players = _players(found, grouping)
        if len(players) > MAX_PLAYERS and grouping != "table":
            continue

        def value(mask: int, players: list[list[Change]] = players) -> float:
            chosen = [c for i, p in enumerate(players) if mask >> i & 1 for c in p]
            return horizon_total_usd(parse_scenario(apply(base, chosen), "bridge"))

        try:
            values = shapley(len(players), value)
        except BudgetInputError:
            continue
        steps = sorted((Step(_player_label(p, grouping), d, _player_changes(p, grouping))
                        for p, d in zip(players, values, strict=True)),
                       key=lambda s: -abs(s.delta))
        residual = (new_total - old_total) - math.fsum(s.delta for s in steps)
        steps[0] = dataclasses.replace(steps[0], delta=steps[0].delta + residual)
        return Bridge(old_total, new_total, tuple(steps), grouping)
    return Bridge(old_total, new_total, (Step("all changes", new_total - old_total,
                                              tuple(c.label for c in found)),), "all")


def bridge_json(result: Bridge) -> dict[str, Any]:
    """Return the diff CLI's JSON contract (each step's change and delta; not its list)."""
    return {"old_total": result.old_total, "new_total": result.new_total,
            "steps": [{"change": s.change, "delta": s.delta} for s in result.steps]}
