"""Scenario back to TOML data: the inverse of parse_scenario, for saving and diffing versions."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from budget.errors import BudgetInputError, visible
from budget.files import MAX_FILE_BYTES, file_stamp, read_bounded
from budget.inputs import INPUTS_BY_NAME
from budget.scenario import parse_scenario_bytes
from budget.scenario_model import WORKLOAD_TABLES, Drivers, Scenario
from budget.schema import NAME_MAX, TABLES_BY_NAME, TINY
from budget.storage import safe_stem, save_once
from budget.toml_edit import edited_text, same


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
    if scenario.fiscal_year_start_month != 1:
        data["scenario"]["fiscal_year_start_month"] = scenario.fiscal_year_start_month
    if scenario.calendar != "average":
        data["scenario"]["calendar"] = scenario.calendar
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
    _checked(text)
    return text


def version_name(name: str, stamp: str) -> str:
    """Return 'NAME (saved STAMP)', NAME cut (with …) so that the whole fits NAME_MAX."""
    suffix = f" (saved {stamp})"
    room = NAME_MAX - len(suffix)
    return (name if len(name) <= room else name[: room - 1].rstrip() + "…") + suffix


@dataclasses.dataclass(frozen=True)
class SavedVersion:
    """Where a new version went, and whether this call wrote it.

    created False: nothing was written, because a file of that name already holds exactly this
    text (a second click), or, with unchanged True, because the draft says what its source says
    (path is then the source).
    """

    path: Path
    created: bool
    unchanged: bool = False


def save_edited(folder: Path, source: Path, edited: Scenario, name: str, reason: str,
                now: datetime, loaded_stamp: tuple[int, int] | None = None) -> SavedVersion:
    """Save `edited` as a new file in `folder`: the source's text with only the edits made.

    The source file is read and each difference between it (as loaded) and `edited` is made in
    place with tomlkit, so its comments, key order and formatting stay; [scenario] gets `name`,
    previous = "SOURCE@SHA256" (of the bytes read) and `reason`. The text is read back through
    the loader and must equal `edited`, or BudgetInputError: no file is written that does not
    load or does not say what the draft says. A draft equal to its source (name and reason
    aside) writes nothing (unchanged True); a second identical save names the first file. The
    file is safe_stem(name).toml (or SOURCE-STEM-YYYYMMDD.toml), -2, -3 … when taken, never over
    another. With `loaded_stamp` (file_stamp of the source when the draft was read), a source
    changed on disk since then is refused.
    """
    stem = safe_stem(name) if any(c.isascii() and c.isalnum() for c in name) else (
        f"{source.stem}-{now:%Y%m%d}")
    return _save(folder, source, edited, name, reason, stem, loaded_stamp)


def save_version(folder: Path, adjusted: Scenario, now: datetime,
                 loaded_stamp: tuple[int, int] | None = None, name: str | None = None,
                 reason: str | None = None) -> SavedVersion:
    """Save the planner's moved drivers as a new version of the file they were set against.

    save_edited with the drivers as the edit (comments of the source kept). Without a name,
    "NAME (saved YYYY-MM-DD HH:MM)" in SOURCE-STEM-YYYYMMDD.toml; without a reason, "Drivers
    moved on the planner". An unchanged draft writes nothing (unchanged True).
    """
    source = Path(adjusted.source)
    if name is None:
        return _save(folder, source, adjusted, version_name(adjusted.name, f"{now:%Y-%m-%d %H:%M}"),
                     reason or "Drivers moved on the planner", f"{source.stem}-{now:%Y%m%d}",
                     loaded_stamp)
    return save_edited(folder, source, adjusted, name,
                       "Drivers moved on the planner" if reason is None else reason, now,
                       loaded_stamp)


def _save(folder: Path, source: Path, edited: Scenario, name: str, reason: str, stem: str,
          loaded_stamp: tuple[int, int] | None) -> SavedVersion:
    for key, text in (("name", name), ("reason", reason)):
        if not text.strip():
            raise BudgetInputError("the new version", f"has no {key}", place="[scenario]",
                                   field=key, fix="name the version" if key == "name" else
                                   "say why this version is saved (what changed, and why)")
    if loaded_stamp is not None and _stamp_or_none(source) != loaded_stamp:
        raise _changed_on_disk(source)
    raw = read_bounded(source, source.name)
    if loaded_stamp is not None and _stamp_or_none(source) != loaded_stamp:
        raise _changed_on_disk(source)  # written while it was read
    loaded = parse_scenario_bytes(raw, str(source))
    target = dataclasses.replace(
        edited, name=name, reason=reason,
        previous=f"{source.name}@{hashlib.sha256(raw).hexdigest()}")
    old, new = scenario_data(loaded), scenario_data(target)
    if same(_plan_only(old), _plan_only(new)):
        return SavedVersion(source, created=False, unchanged=True)
    text = edited_text(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), old, new,
                       source.name)
    saved = _checked(text)
    if not _says(saved, target):  # a value the loader fills in (a default, a list price):
        text = edited_text(text, scenario_data(saved), new, "the new version")  # write it out
        saved = _checked(text)
    if not _says(saved, target):
        raise BudgetInputError(
            "the new version", "would not say what the draft says "
            f"({_first_difference(saved, target)})",
            fix="report this; the draft is kept, and no file was written")
    result = save_once(folder, stem, text)
    return SavedVersion(result.path, result.created)


def _changed_on_disk(source: Path) -> BudgetInputError:
    return BudgetInputError(source.name, "changed on disk after the page read it, so this "
                            "draft was made against its old content",
                            fix="look at the new version the page now shows, then save again")


def _plan_only(data: dict[str, Any]) -> dict[str, Any]:
    """Return scenario data without what names a version (name, previous, reason)."""
    head = {k: v for k, v in data["scenario"].items() if k not in ("name", "previous", "reason")}
    return {**data, "scenario": head}


def _checked(text: str) -> Scenario:
    """Return the scenario `text` loads as; BudgetInputError when too big or refused."""
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise BudgetInputError("the new version", f"would be {size / 1024 / 1024:,.1f} MB, "
                               f"over the {MAX_FILE_BYTES // 1024 // 1024} MB a scenario may be",
                               fix="save fewer rows, or split the plan into several files")
    try:
        return parse_scenario_bytes(text.encode("utf-8"), "the new version")
    except BudgetInputError as exc:
        raise BudgetInputError("the new version", f"would not load: {exc.message}",
                               fix="change the value it names, then save again") from None


def _says(saved: Scenario, target: Scenario) -> bool:
    """Return whether the saved file says what the draft says (price rows in any order)."""
    def plain(s: Scenario) -> Scenario:
        return dataclasses.replace(s, source="", ranges=(), gpu_prices=tuple(
            sorted(s.gpu_prices, key=lambda p: (p.cloud, p.gpu))))
    return (plain(saved) == plain(target)
            and (saved.name, saved.previous, saved.reason)
            == (target.name, target.previous, target.reason)
            and same(scenario_data(saved).get("ranges"), scenario_data(target).get("ranges")))


_TABLE_OF = {"name": "scenario", "start": "scenario", "months": "scenario",
             "currency": "scenario", "fiscal_year_start_month": "scenario",
             "calendar": "scenario",
             "unit_name": "narrative", "unit_workload": "narrative",
             "stress_surge": "capacity", "interruption_overhead": "capacity",
             "budget_monthly": "budget"}


def _first_difference(saved: Scenario, wanted: Scenario) -> str:
    """Return where the saved file first differs from the draft, e.g. '[[changes]] row 1'."""
    for f in dataclasses.fields(Scenario):
        a, b = getattr(saved, f.name), getattr(wanted, f.name)
        if not f.compare or f.name in ("source", "ranges", "gpu_prices") or a == b:
            continue
        if isinstance(b, tuple):
            row = next((i for i, r in enumerate(b) if i >= len(a) or a[i] != r), len(b))
            return f"[[{f.name}]] row {row + 1}"
        return f"[{_TABLE_OF.get(f.name, f.name)}]"
    return "[ranges] or [[gpu_prices]]"


def _stamp_or_none(path: Path) -> tuple[int, int] | None:
    try:
        return file_stamp(path)
    except BudgetInputError:
        return None
