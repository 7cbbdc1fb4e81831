"""Scenario back to TOML data: the inverse of parse_scenario, for saving and diffing versions."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

from budget.errors import BudgetInputError, visible
from budget.files import MAX_FILE_BYTES, file_stamp
from budget.inputs import INPUTS_BY_NAME
from budget.scenario import parse_scenario_bytes
from budget.scenario_model import WORKLOAD_TABLES, Drivers, Scenario
from budget.schema import NAME_MAX, TABLES_BY_NAME, TINY
from budget.storage import save_once


def _clean(row: dict[str, Any], table: str) -> dict[str, Any]:
    """Drop None values and keys the table does not have (in the schema's key order)."""
    spec = TABLES_BY_NAME[table]
    return {k.name: row[k.name] for k in spec.keys
            if row.get(k.name) is not None
            and (k.only_for is None or row.get("serving") == k.only_for)}


def _written(value: float) -> float:
    """Return a driver or range end as written: 0 when closer to 0 than the loader accepts."""
    return 0.0 if abs(value) < TINY else value


def _written_range(name: str, expected: float, relative: tuple[float, float]) -> list[float]:
    """Return [P10, P90] rounded to 10 decimals, still holding `expected` as the loader demands."""
    low, high = INPUTS_BY_NAME[name].move(expected, relative)
    return [min(_written(round(low, 10)), expected), max(_written(round(high, 10)), expected)]


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """Return the scenario as TOML-ready data; parse_scenario(scenario_data(s)) == s.

    Values at the loader's edges are written so that it accepts them: a driver closer to 0
    than TINY is 0, and each [ranges] pair holds its expected value after rounding.
    """
    drivers = Drivers(**{k: _written(v) for k, v in dataclasses.asdict(scenario.drivers).items()})
    data: dict[str, Any] = {
        "scenario": {"name": scenario.name, "start": scenario.start, "months": scenario.months,
                     "currency": scenario.currency},
        "drivers": dataclasses.asdict(drivers),
    }
    for key in ("previous", "reason"):
        if getattr(scenario, key) is not None:
            data["scenario"][key] = getattr(scenario, key)
    if scenario.unit_name and scenario.unit_workload:
        data["narrative"] = {"unit_name": scenario.unit_name,
                             "unit_workload": scenario.unit_workload}
    if (scenario.stress_surge, scenario.interruption_overhead) != (2.0, 0.10):
        data["capacity"] = {"stress_surge": scenario.stress_surge,
                            "interruption_overhead": scenario.interruption_overhead}
    if scenario.ranges:
        data["ranges"] = {r.name: _written_range(r.name, float(getattr(drivers, r.name)),
                                                 r.relative) for r in scenario.ranges}
    if scenario.budget_monthly is not None:
        data["budget"] = {"monthly": scenario.budget_monthly}
    for table in ("gpu_prices", *WORKLOAD_TABLES, "portability", "guardrails", "projects"):
        rows = [_clean(dataclasses.asdict(row), table) for row in getattr(scenario, table)]
        if rows:
            data[table] = rows
    if scenario.changes:
        data["changes"] = [{"month": c.month,
                            **({"workload": c.workload} if c.workload is not None
                               else {"gpu": c.gpu}),
                            "set": dict(c.written)} for c in scenario.changes]
    return data


def scenario_toml(scenario: Scenario, comment: str = "") -> str:
    """Return the scenario as TOML text that load_scenario accepts, with an optional comment.

    The text is read back through the loader before it is returned: anything it would refuse
    raises BudgetInputError here, so no file is ever saved that cannot be opened.
    """
    import tomli_w

    header = "".join(f"# {visible(line)}\n" for line in comment.splitlines())
    text = header + ("\n" if header else "") + tomli_w.dumps(scenario_data(scenario))
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise BudgetInputError("the new version", f"would be {size / 1024 / 1024:,.1f} MB, "
                               f"over the {MAX_FILE_BYTES // 1024 // 1024} MB a scenario may be",
                               fix="save fewer rows, or split the plan into several files")
    try:
        parse_scenario_bytes(text.encode("utf-8"), "the new version")
    except BudgetInputError as exc:
        raise BudgetInputError("the new version", f"would not load: {exc.message}",
                               fix="change the value it names, then save again") from None
    return text


def version_name(name: str, stamp: str) -> str:
    """Return 'NAME (saved STAMP)', NAME cut (with …) so that the whole fits NAME_MAX."""
    suffix = f" (saved {stamp})"
    room = NAME_MAX - len(suffix)
    return (name if len(name) <= room else name[: room - 1].rstrip() + "…") + suffix


@dataclasses.dataclass(frozen=True)
class SavedVersion:
    """Where a new version went, and whether this call wrote it (False: an identical one exists)."""

    path: Path
    created: bool


def save_version(folder: Path, adjusted: Scenario, now: datetime,
                 loaded_stamp: tuple[int, int] | None = None) -> SavedVersion:
    """Save the planner's adjusted scenario as a new file in `folder`, never over another.

    The file is SOURCE-STEM-YYYYMMDD.toml (or -2, -3 …), named "NAME (saved YYYY-MM-DD HH:MM)",
    and always loads. A second click writing the same text returns the first file (created
    False). With `loaded_stamp` (file_stamp of the source when the page read it), a source
    changed on disk since then is refused: the sliders were set against the old content.
    """
    source = Path(adjusted.source)
    if loaded_stamp is not None and _stamp_or_none(source) != loaded_stamp:
        raise BudgetInputError(source.name, "changed on disk after the page read it, so these "
                               "drivers were set against its old content",
                               fix="look at the new version the page now shows, then save again")
    stamp = f"{now:%Y-%m-%d %H:%M}"
    version = dataclasses.replace(adjusted, name=version_name(adjusted.name, stamp))
    text = scenario_toml(version, f"Saved from the planner on {stamp}, from {source.name}.")
    saved = save_once(folder, f"{source.stem}-{now:%Y%m%d}", text)
    return SavedVersion(saved.path, saved.created)


def _stamp_or_none(path: Path) -> tuple[int, int] | None:
    try:
        return file_stamp(path)
    except BudgetInputError:
        return None
