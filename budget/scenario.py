"""Reading a scenario file: TOML parsed, checked and priced into a Scenario; errors for people."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from budget.errors import BudgetInputError, shown, visible
from budget.files import decode_toml, read_bounded
from budget.inputs import INPUTS_BY_NAME
from budget.months import month_labels
from budget.params import parse_decimal
from budget.pricing import catalog_gpu_row, token_price
from budget.scenario_model import (
    WORKLOAD_TABLES,
    DatedChange,
    Drivers,
    ExperimentationWorkload,
    GpuPrice,
    Guardrail,
    InferenceWorkload,
    PlatformLine,
    Portability,
    Project,
    Scenario,
    TrainingWorkload,
    WrittenRange,
)
from budget.schema import (
    FIXED_BY_TABLE,
    FIXED_KEYS,
    TABLES,
    TABLES_BY_NAME,
    Table,
    name_key,
    same_name_note,
)

_ROW_TYPES: dict[str, type] = {
    "portability": Portability,
    "gpu_prices": GpuPrice,
    "inference": InferenceWorkload,
    "training": TrainingWorkload,
    "experimentation": ExperimentationWorkload,
    "platform": PlatformLine,
    "guardrails": Guardrail,
    "projects": Project,
}


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario TOML file; raise BudgetInputError on any problem.

    Only a regular file of at most 5 MB is read (never a pipe, a device or a folder).
    """
    label = str(path)
    return parse_scenario_bytes(read_bounded(path, label), label)


def parse_scenario_bytes(raw: bytes, label: str) -> Scenario:
    """Decode, parse and validate scenario TOML bytes; `label` names the file in errors."""
    return parse_scenario(decode_toml(raw, label), label)


def parse_scenario(data: Mapping[str, Any], label: str) -> Scenario:
    """Validate parsed TOML and build a Scenario; raise BudgetInputError naming the problem."""
    for name in data:
        if name not in TABLES_BY_NAME:
            close = difflib.get_close_matches(name[:100], list(TABLES_BY_NAME), n=1)
            fix = f'rename it to "{close[0]}"' if close else (
                "remove it; allowed tables are " + ", ".join(TABLES_BY_NAME))
            raise BudgetInputError(label, f"unknown table {shown(name)}", fix=fix)
    values: dict[str, Any] = {}
    for table in TABLES:
        present = table.name in data
        if not present:
            if table.required:
                raise BudgetInputError(label, f"missing table [{table.name}]",
                                       fix=f"add a [{table.name}] table: {table.help}")
            continue
        content = data[table.name]
        if table.many:
            if not isinstance(content, list) or not all(isinstance(r, dict) for r in content):
                raise BudgetInputError(
                    label, f"{table.name} must be a list of tables",
                    fix=f"write each row under its own [[{table.name}]] header")
            values[table.name] = [
                _check_row(table, row, label, _row_place(table.name, i, row))
                for i, row in enumerate(content, start=1)
            ]
        else:
            if not isinstance(content, dict):
                raise BudgetInputError(label, f"{table.name} must be a table",
                                       fix=f"write it under a [{table.name}] header")
            values[table.name] = _check_row(table, content, label, f"[{table.name}]")
    scenario = _fill_prices(_build(values, label), label)
    _check_references(scenario, label)
    if values.get("changes"):
        plain = {name: content for name, content in data.items() if name != "changes"}
        changes, last = _dated_changes(plain, values["changes"], scenario, label)
        priced = {(p.cloud, p.gpu) for p in scenario.gpu_prices}
        filled = tuple(p for p in last.gpu_prices if (p.cloud, p.gpu) not in priced)
        # a change moving a workload to a GPU only the reference table prices: that row is
        # the plan's from the start, so every month's plan has it
        scenario = dataclasses.replace(scenario, changes=changes,
                                       gpu_prices=scenario.gpu_prices + filled)
    return scenario


def _row_place(table: str, number: int, row: Mapping[str, Any]) -> str:
    """Return how messages name a row: '[[TABLE]] row N', a change '[[changes]] #N (MONTH)'."""
    if table == "changes" and isinstance(row.get("month"), str):
        return _change_place(number - 1, visible(row["month"][:20]))
    return f"[[{table}]] row {number}"


def _row_key(table: str, row: Mapping[str, Any]) -> str:
    """Return what a change names a raw row by: 'cloud/gpu' for a price row, else its name."""
    if table == "gpu_prices":
        return f"{row.get('cloud')}/{row.get('gpu')}"
    if table == "experimentation" and "name" not in row:
        return f"{row.get('team')}-experimentation"
    return str(row.get("name"))


def _dated_changes(data: Mapping[str, Any], rows: list[dict[str, Any]], base: Scenario,
                   label: str) -> tuple[tuple[DatedChange, ...], Scenario]:
    """Check each [[changes]] row against the plan as it stands then; return them resolved.

    Also returns the plan with every change made (its price rows include any the reference
    table filled in for a GPU a change moves to).

    Changes apply in month order (file order within a month). Each month's are checked by
    loading the whole plan with them and every earlier change made, so a value out of bounds,
    a field that does not belong to the workload's serving mode or a GPU without a price is
    refused exactly as in a workload row, named by the change. One load per month with changes,
    however many changes it has (a lever on hundreds of workloads is one month).
    """
    labels = month_labels(base.start, base.months)
    current = {table: [dict(r) for r in data.get(table, [])]
               for table in ("gpu_prices", *WORKLOAD_TABLES)}
    before = base
    out: dict[int, DatedChange] = {}
    for month in sorted({row["month"] for row in rows}):
        group = [i for i, row in enumerate(rows) if row["month"] == month]
        if month not in labels:
            raise BudgetInputError(
                label, f"{shown(month)} is outside the horizon, {labels[0]} to {labels[-1]}",
                place=_change_place(group[0], month), field="month",
                fix=f"use a month from {labels[0]} to {labels[-1]}")
        start = {table: list(r) for table, r in current.items()}
        targets = [_apply_change(rows[i], current, _change_place(i, month), label)
                   for i in group]
        try:
            after = _plan_with(data, current, label)
        except BudgetInputError:
            _name_the_failing_change(data, rows, group, start, label)
            raise  # not reached: one of the group fails alone
        for i, (table, key) in zip(group, targets, strict=True):
            spec = TABLES_BY_NAME[table]
            old, new = _find(before, table, key), _find(after, table, key)
            resolved = tuple((f.name, getattr(new, f.name)) for f in dataclasses.fields(new)
                             if getattr(new, f.name) != getattr(old, f.name))
            written = tuple((name, float(value) if spec.key(name).kind == "number"  # type: ignore[union-attr]
                             else value) for name, value in rows[i]["set"].items())
            out[i] = DatedChange(month, written, resolved,
                                 workload=key if table != "gpu_prices" else None,
                                 gpu=key if table == "gpu_prices" else None)
        before = after
    return tuple(out[i] for i in range(len(rows))), before


def _change_place(index: int, month: str) -> str:
    """Return how messages name a change: '[[changes]] #N (YYYY-MM)'."""
    return f"[[changes]] #{index + 1} ({month})"


def _plan_with(data: Mapping[str, Any], current: dict[str, list[dict[str, Any]]],
               label: str) -> Scenario:
    """Return the plan of `data` with its workload and price rows replaced by `current`."""
    return parse_scenario({**data, **{t: r for t, r in current.items() if r}}, label)


def _name_the_failing_change(data: Mapping[str, Any], rows: list[dict[str, Any]],
                             group: list[int], start: dict[str, list[dict[str, Any]]],
                             label: str) -> None:
    """Re-apply a month's changes one at a time from `start`; raise for the first that fails."""
    current = {table: list(r) for table, r in start.items()}
    for i in group:
        place = _change_place(i, rows[i]["month"])
        _apply_change(rows[i], current, place, label)
        try:
            _plan_with(data, current, label)
        except BudgetInputError as exc:
            raise BudgetInputError(
                label, exc.problem, place=f"{place}, making {exc.place or 'the plan'}",
                field=exc.field, fix=exc.fix) from None


def _apply_change(row: Mapping[str, Any], current: dict[str, list[dict[str, Any]]], place: str,
                  label: str) -> tuple[str, str]:
    """Check one change's target and fields and make it on the raw rows; return (table, key)."""
    table, index = _change_target(row, current, place, label)
    spec = TABLES_BY_NAME[table]
    for name in row["set"]:
        if spec.key(name) is None:
            raise BudgetInputError(
                label, f"[[{table}]] rows have no field {shown(name)}", place=place,
                field=f"set.{name}", fix=spec.suggest(name))
        if name in FIXED_KEYS or name in FIXED_BY_TABLE.get(table, ()):
            raise BudgetInputError(
                label, f"a dated change cannot set {name}", place=place, field=f"set.{name}",
                fix="set starts/ends on the workload itself" if name in ("starts", "ends")
                else "add a new row for it instead, and end the old one")
    changed = dict(current[table][index])
    if table == "experimentation" and "name" not in changed:  # TEAM-experimentation: pinned,
        changed["name"] = _row_key(table, changed)  # so a change of team keeps the row's name
    if "serving" in row["set"] and row["set"]["serving"] != changed.get("serving"):
        changed = {k: v for k, v in changed.items()  # keys of the old mode go with it
                   if spec.key(k) is None or spec.key(k).only_for is None}  # type: ignore[union-attr]
    changed.update(row["set"])
    current[table][index] = changed
    return table, _row_key(table, changed)


def _change_target(row: Mapping[str, Any], current: dict[str, list[dict[str, Any]]],
                   place: str, label: str) -> tuple[str, int]:
    """Return (table, row index) of the row a change names; refuse none, both or an unknown."""
    if ("workload" in row) == ("gpu" in row):
        raise BudgetInputError(label, "a change names either a workload or a gpu price row",
                               place=place, field="workload",
                               fix='write workload = "NAME" or gpu = "cloud/GPU", not both')
    tables = ("gpu_prices",) if "gpu" in row else WORKLOAD_TABLES
    wanted = row.get("gpu", row.get("workload"))
    for table in tables:
        for index, raw in enumerate(current[table]):
            if _row_key(table, raw) == wanted:
                return table, index
    known = [_row_key(t, r) for t in tables for r in current[t]]
    close = difflib.get_close_matches(str(wanted)[:100], known, n=1)
    what = "gpu price row" if "gpu" in row else "workload"
    raise BudgetInputError(
        label, f"no {what} {shown(str(wanted))} in this file", place=place,
        field="gpu" if "gpu" in row else "workload",
        fix=f'did you mean "{close[0]}"?' if close else
        "name one of " + (", ".join(known[:10]) or f"the file's {what}s"))


def _find(scenario: Scenario, table: str, key: str) -> Any:
    """Return the row of `table` named `key` ('cloud/gpu' for a price row)."""
    for row in getattr(scenario, table):
        if (f"{row.cloud}/{row.gpu}" if table == "gpu_prices" else row.name) == key:
            return row
    raise KeyError(key)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _fill_prices(scenario: Scenario, label: str) -> Scenario:
    """Price what the file leaves unpriced: token prices from genai-prices, GPUs from the table."""
    inference = []
    for i, w in enumerate(scenario.inference, start=1):
        if w.serving == "api" and (w.price_per_1m_input is None or w.price_per_1m_output is None):
            found = token_price(w.model, w.provider)
            if found is None:
                raise BudgetInputError(
                    label, f'no list price for model "{w.model}" in genai-prices',
                    place=f'[[inference]] row {i} ("{w.name}")', field="price_per_1m_input",
                    fix="set price_per_1m_input and price_per_1m_output, or a provider = … "
                    "that genai-prices knows")
            w = dataclasses.replace(
                w, price_per_1m_input=w.price_per_1m_input if w.price_per_1m_input is not None
                else found.input_usd,
                price_per_1m_output=w.price_per_1m_output if w.price_per_1m_output is not None
                else found.output_usd, price_source=found.source)
        inference.append(w)
    priced = {(p.cloud, p.gpu) for p in scenario.gpu_prices}
    used = [(w.cloud, w.gpu) for w in inference if w.cloud and w.gpu]
    used += [(w.self_host_cloud, w.self_host_gpu) for w in inference
             if w.self_host_cloud and w.self_host_gpu]
    used += [(t.cloud, t.gpu) for t in scenario.training]
    used += [(e.cloud, e.gpu) for e in scenario.experimentation]
    extra = []
    for cloud, gpu in dict.fromkeys(used):
        if (cloud, gpu) not in priced:
            row = catalog_gpu_row(cloud, gpu)
            if row is not None:
                extra.append(GpuPrice(
                    cloud=cloud, gpu=gpu, on_demand=float(row["on_demand"]),
                    source=str(row["source"]), as_of=str(row["as_of"]),
                    spot=_optional_float(row.get("spot")),
                    reserved=_optional_float(row.get("reserved")),
                    reserved_3y=_optional_float(row.get("reserved_3y"))))
                priced.add((cloud, gpu))
    return dataclasses.replace(scenario, inference=tuple(inference),
                               gpu_prices=scenario.gpu_prices + tuple(extra))


def _check_row(table: Table, row: Mapping[str, Any], label: str, place: str) -> dict[str, Any]:
    """Return the row's values with defaults, or raise on the first problem."""
    if isinstance(row.get("name"), str):
        place = f"{place} ({shown(row['name'])})"
    for key_name in row:
        if table.key(key_name) is None:
            raise BudgetInputError(label, f"unknown key {shown(key_name)}", place=place,
                                   field=key_name, fix=table.suggest(key_name))
    mode = row.get("serving") if table.name == "inference" else None
    out: dict[str, Any] = {}
    for key in table.keys:
        applies = key.only_for is None or key.only_for == mode
        if key.name not in row:
            if key.required and applies and (key.only_for is None or mode is not None):
                raise BudgetInputError(
                    label, "missing required key", place=place, field=key.name,
                    fix=f"add {key.name} = …  ({key.help})")
            if applies and key.default is not None:
                out[key.name] = key.default
            continue
        if not applies and mode in ("api", "self_hosted"):
            raise BudgetInputError(
                label, f'only applies when serving = "{key.only_for}", not "{mode}"',
                place=place, field=key.name,
                fix=f'remove {key.name}, or set serving = "{key.only_for}"')
        problem = key.check(row[key.name])
        if problem is not None:
            _, text, fix = problem
            raise BudgetInputError(label, text, place=place, field=key.name, fix=fix)
        value = row[key.name]
        out[key.name] = float(value) if key.kind == "number" else value
    if table.name == "experimentation" and "name" not in out:
        out["name"] = f"{out['team']}-experimentation"
    return out


def _build(values: dict[str, Any], label: str) -> Scenario:
    """Turn checked values into the frozen dataclasses."""
    head = values["scenario"]
    rows: dict[str, tuple[Any, ...]] = {
        name: tuple(kind(**row) for row in values.get(name, []))
        for name, kind in _ROW_TYPES.items()
    }
    drivers = Drivers(**values.get("drivers", {}))
    return Scenario(
        name=head["name"],
        start=head["start"],
        months=head["months"],
        currency=head["currency"],
        fiscal_year_start_month=head["fiscal_year_start_month"],
        calendar=head["calendar"],
        drivers=drivers,
        ranges=_ranges(values.get("ranges", {}), drivers, label),
        unit_name=values.get("narrative", {}).get("unit_name"),
        unit_workload=values.get("narrative", {}).get("unit_workload"),
        stress_surge=values.get("capacity", {}).get("stress_surge", 2.0),
        interruption_overhead=values.get("capacity", {}).get("interruption_overhead", 0.10),
        budget_monthly=values.get("budget", {}).get("monthly"),
        previous=head.get("previous"),
        reason=head.get("reason"),
        source=label,
        **rows,
    )


def _ranges(written: dict[str, Any], drivers: Drivers, label: str) -> tuple[WrittenRange, ...]:
    """Check low ≤ expected ≤ high for each written range; keep it relative to the expected."""
    out = []
    for name, (low, high) in written.items():
        expected = float(getattr(drivers, name))
        if not low <= expected <= high:
            raise BudgetInputError(
                label, f"the expected value {expected:g} (from [drivers], or its default) must lie "
                f"within [low, high] = [{low:g}, {high:g}]", place="[ranges]", field=name,
                fix=f"widen the range to include {expected:g}, or change {name} in [drivers]")
        spec = INPUTS_BY_NAME[name]
        out.append(WrittenRange(name, spec.relative(expected, float(low), float(high))))
    return tuple(out)


def _check_references(scenario: Scenario, label: str) -> None:
    """Check unique names and that every GPU workload has a price for its pricing mode."""
    _check_price_rows(scenario, label)
    _check_windows(scenario, label)
    names, gpu_rows = _check_names(scenario, label)
    _check_portability(scenario, label)
    _check_governance(scenario, label, names)
    _check_narrative(scenario, label)
    _check_self_host(scenario, label)
    _check_gpu_pricing(scenario, label, gpu_rows)


def _check_windows(scenario: Scenario, label: str) -> None:
    """Check that a workload's starts and ends lie in the horizon, ends not before starts."""
    labels = month_labels(scenario.start, scenario.months)
    first, last = labels[0], labels[-1]  # YYYY-MM texts compare as the months do
    for table in WORKLOAD_TABLES:
        for i, row in enumerate(getattr(scenario, table), start=1):
            place = f'[[{table}]] row {i} ("{row.name}")'
            for key in ("starts", "ends"):
                month = getattr(row, key)
                if month is not None and not first <= month <= last:
                    raise BudgetInputError(
                        label, f'{shown(month)} is outside the horizon, {first} to {last}',
                        place=place, field=key,
                        fix=f"use a month from {first} to {last}, or leave {key} out")
            if row.starts is not None and row.ends is not None and row.ends < row.starts:
                raise BudgetInputError(
                    label, f'ends {shown(row.ends)} is before starts {shown(row.starts)}',
                    place=place, field="ends",
                    fix=f"set ends to {row.starts} or later, or leave it out")


def _check_price_rows(scenario: Scenario, label: str) -> None:
    """Refuse a second [[gpu_prices]] row for a cloud and GPU (names compared folded)."""
    folded_prices: dict[tuple[str, str], int] = {}
    for i, price in enumerate(scenario.gpu_prices, start=1):
        pair = (name_key(price.cloud), name_key(price.gpu))
        if pair in folded_prices:
            earlier = scenario.gpu_prices[folded_prices[pair] - 1]
            raise BudgetInputError(
                label, f'a second price row for cloud "{price.cloud}", gpu "{price.gpu}" after '
                f"row {folded_prices[pair]}"
                + _same_as((earlier.cloud, earlier.gpu), (price.cloud, price.gpu)),
                place=f"[[gpu_prices]] row {i}", fix="keep one row per cloud and GPU type")
        folded_prices[pair] = i


def _check_names(scenario: Scenario,
                 label: str) -> tuple[set[str], list[tuple[str, int, Any]]]:
    """Refuse a name used twice; return the names and (table, row number, row) of GPU rows."""
    seen_names: dict[str, tuple[str, str]] = {}  # name_key → (name, place)
    gpu_rows: list[tuple[str, int, Any]] = []
    for table in WORKLOAD_TABLES:
        for i, row in enumerate(getattr(scenario, table), start=1):
            place = f'[[{table}]] row {i} ("{row.name}")'
            first = seen_names.get(name_key(row.name))
            if first is not None:
                raise BudgetInputError(
                    label, f'the name "{row.name}" is already used by {first[1]}'
                    + _same_as((first[0],), (row.name,)),
                    place=place, field="name", fix="give every workload a unique name")
            seen_names[name_key(row.name)] = (row.name, place)
            if table != "platform" and getattr(row, "cloud", None) is not None:
                gpu_rows.append((table, i, row))
    return {name for name, _ in seen_names.values()}, gpu_rows


def _check_portability(scenario: Scenario, label: str) -> None:
    """Refuse a [[portability]] row that names no GPU workload of the file."""
    gpu_names = {w.name for w in scenario.inference if w.cloud} | {
        t.name for t in scenario.training} | {e.name for e in scenario.experimentation}
    for i, p in enumerate(scenario.portability, start=1):
        if p.workload not in gpu_names:
            raise BudgetInputError(
                label, f'"{p.workload}" is not a GPU workload of this file',
                place=f"[[portability]] row {i}", field="workload",
                fix="name a self-hosted inference, training or experimentation workload")


def _check_narrative(scenario: Scenario, label: str) -> None:
    """Check that [narrative] unit_workload is an inference workload, set with unit_name."""
    inference_names = [w.name for w in scenario.inference]
    if scenario.unit_workload is not None and scenario.unit_workload not in inference_names:
        raise BudgetInputError(
            label, f'"{scenario.unit_workload}" is not an [[inference]] workload',
            place="[narrative]", field="unit_workload",
            fix="use one of " + (", ".join(inference_names) or "your inference workloads"))
    if (scenario.unit_name is None) != (scenario.unit_workload is None):
        raise BudgetInputError(label, "unit_name and unit_workload go together",
                               place="[narrative]",
                               fix="set both, or leave the [narrative] table out")


def _available_prices(scenario: Scenario) -> str:
    """Return the price rows as 'cloud/gpu, …' for a fix, or 'none'."""
    return ", ".join(f"{p.cloud}/{p.gpu}" for p in scenario.gpu_prices) or "none"


def _check_self_host(scenario: Scenario, label: str) -> None:
    """Check that self_host_cloud and self_host_gpu name a [[gpu_prices]] row together."""
    seen_prices: set[tuple[str, str]] = {(p.cloud, p.gpu) for p in scenario.gpu_prices}
    for i, w in enumerate(scenario.inference, start=1):
        if (w.self_host_cloud is None) != (w.self_host_gpu is None) or (
                w.self_host_cloud is not None
                and (w.self_host_cloud, w.self_host_gpu) not in seen_prices):
            raise BudgetInputError(
                label, "self_host_cloud and self_host_gpu must name a [[gpu_prices]] row "
                f"together, got {w.self_host_cloud}/{w.self_host_gpu}",
                place=f'[[inference]] row {i} ("{w.name}")', field="self_host_gpu",
                fix=f"use one of {_available_prices(scenario)}, or leave both out")


def _check_gpu_pricing(scenario: Scenario, label: str,
                       gpu_rows: list[tuple[str, int, Any]]) -> None:
    """Check that every GPU workload has a price row with a price for its pricing mode."""
    for table, i, row in gpu_rows:
        place = f'[[{table}]] row {i} ("{row.name}")'
        try:
            price = scenario.price(row.cloud, row.gpu)
        except KeyError:
            raise BudgetInputError(
                label, f'no [[gpu_prices]] row for cloud "{row.cloud}", gpu "{row.gpu}"',
                place=place, field="gpu",
                fix=f"add that price row, or use one that exists "
                f"({_available_prices(scenario)})") from None
        if price.usd_per_gpu_hour(row.pricing) is None:
            raise BudgetInputError(
                label, f'pricing "{row.pricing}" needs a {row.pricing} price, and the '
                f'[[gpu_prices]] row for {row.cloud}/{row.gpu} has none',
                place=place, field="pricing",
                fix=f"add {row.pricing} = … to that price row, or choose another pricing")


def _same_as(first: tuple[str, ...], again: tuple[str, ...]) -> str:
    """Return " (why these spellings are one name)", or "" when they are the same text."""
    note = same_name_note("/".join(first), "/".join(again))
    return f" ({note})" if note else ""


def _check_governance(scenario: Scenario, label: str, workloads: set[str]) -> None:
    """Check one guardrail per environment, unique project names, known forecast workloads."""
    environments: dict[str, str] = {}
    for i, g in enumerate(scenario.guardrails, start=1):
        first = environments.get(name_key(g.environment))
        if first is not None:
            raise BudgetInputError(label, f'a second guardrail for "{g.environment}"'
                                   + _same_as((first,), (g.environment,)),
                                   place=f"[[guardrails]] row {i}", field="environment",
                                   fix="keep one row per environment")
        environments[name_key(g.environment)] = g.environment
    projects: dict[str, str] = {}
    for i, p in enumerate(scenario.projects, start=1):
        place = f'[[projects]] row {i} ("{p.name}")'
        first = projects.get(name_key(p.name))
        if first is not None:
            raise BudgetInputError(label, f'the project "{p.name}" is listed twice'
                                   + _same_as((first,), (p.name,)), place=place,
                                   field="name", fix="keep one checklist per project")
        projects[name_key(p.name)] = p.name
        if p.workload_forecast is not None and p.workload_forecast not in workloads:
            raise BudgetInputError(
                label, f'"{p.workload_forecast}" is not a workload of this file', place=place,
                field="workload_forecast",
                fix="name an [[inference]], [[training]], [[experimentation]] or "
                "[[platform]] row, or leave it out (a gap)")


def override_drivers(scenario: Scenario, assignments: list[str]) -> Scenario:
    """Apply 'DRIVER=VALUE' strings (the CLI's --set) to the scenario's drivers."""
    values: dict[str, float] = {}
    driver_table = TABLES_BY_NAME["drivers"]
    for text in assignments:
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep:
            raise BudgetInputError("--set", f"{shown(text)} is not DRIVER=VALUE",
                                   fix="write it like --set inference_volume=1.2")
        key = driver_table.key(name)
        if key is None:
            raise BudgetInputError("--set", f"unknown driver {shown(name)}",
                                   fix=driver_table.suggest(name))
        try:
            number = parse_decimal(raw)
        except ValueError as exc:
            raise BudgetInputError("--set", str(exc), field=name,
                                   fix=f"write it like --set {name}=1.2") from None
        problem = key.check(number)
        if problem is not None:
            raise BudgetInputError("--set", problem[1], field=name, fix=problem[2])
        values[name] = number
    return scenario.with_drivers(**values)
