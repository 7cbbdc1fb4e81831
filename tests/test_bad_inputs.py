"""The bad-input corpus (tests/data/bad/cases.toml), through the CLI and through the app.

Every bad file or flag gets one clear message naming the file (or flag) and what to fix: exit
code 2 and exactly one line on stderr on the command line, one st.error in the app, which keeps
serving; valid-but-hostile input is accepted and shown literally; scenario files beside a bad
one are never touched and nothing half-written is left behind. Files that cannot be committed
portably (a FIFO, symbolic links, a folder named *.toml, files of megabytes) are made at test
time by the case's `make` hook.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from budget.cli import main
from budget.governance import Incident, load_incidents, save_incident
from tests.budget.test_hostile_values import numbers
from tests.conftest import ROOT, SAMPLE, SMALL
from tests.pages.apptest import open_page

BAD = ROOT / "tests" / "data" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text())["case"]
SAMPLE_BILLING = ROOT / "data" / "exports" / "billing"
GOOD_INCIDENT = Incident(title="Good incident", trigger="a release doubled output tokens",
                         started=date(2026, 8, 12), detected=date(2026, 8, 19), impact_usd=100.0)


def _long_name(path: Path) -> None:
    path.write_text(SMALL.read_text(encoding="utf-8").replace(
        'name = "Small"', 'name = "' + "n" * 102_400 + '"'), encoding="utf-8")


def _oversize(path: Path) -> None:
    padding = ("# " + "x" * 98 + "\n") * 60_000  # 6,000,000 bytes of comments
    path.write_text(padding + SMALL.read_text(encoding="utf-8"), encoding="utf-8")


MAKERS: dict[str, Callable[[Path], None]] = {
    "fifo": os.mkfifo,
    "dev-zero-link": lambda p: p.symlink_to("/dev/zero"),
    "folder": lambda p: p.mkdir(),
    "link-to-good": lambda p: p.symlink_to(SMALL),
    "dangling-link": lambda p: p.symlink_to(p.with_name("nowhere.toml")),
    "link-loop": lambda p: p.symlink_to(p.name),
    "long-name": _long_name,
    "oversize": _oversize,
}
POSIX_ONLY = {"fifo", "dev-zero-link", "link-to-good", "dangling-link", "link-loop"}
DEFAULT_ARGS = {
    "scenario": ["forecast", "{file}", "--format", "json"],
    "billing": ["ingest", "{file}", "--format", "json"],
    "telemetry": ["calibrate", "{billing}", "--telemetry", "{file}", "--out", "{tmp}/out.toml"],
    "weights": ["chargeback", "{billing}", "--method", "headcount", "--weights", "{file}",
                "--format", "json"],
}


def ids(case: dict[str, Any]) -> str:
    return str(case.get("file") or case["name"])


def params(kinds: set[str], *, app: bool = False) -> list[Any]:
    """Return the cases of these kinds as pytest params (POSIX-only makers skipped elsewhere)."""
    chosen = [c for c in CASES if c["kind"] in kinds and not (app and c.get("app") is False)]
    return [pytest.param(c, id=ids(c), marks=pytest.mark.skipif(
        c.get("make") in POSIX_ONLY and os.name != "posix", reason="needs POSIX files"))
        for c in chosen]


def case_path(case: dict[str, Any], folder: Path, name: str | None = None) -> Path:
    """Return the case's file: made in `folder` by its hook, copied there, or in the corpus."""
    if "file" not in case:
        return folder
    target = folder / (name or case["file"])
    if "make" in case:
        MAKERS[case["make"]](target)
    elif name is not None:
        shutil.copy(BAD / case["file"], target)
    else:
        return BAD / case["file"]
    return target


def plain(markdown: str) -> str:
    """Return what a Markdown-escaped message says (backslash escapes and word joiners gone)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def strings(data: Any) -> Iterator[str]:
    """Yield every string (keys included) in decoded JSON."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def test_corpus_is_complete():
    listed = {c["file"] for c in CASES if "file" in c and "make" not in c}
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("cases.toml",)
               and not p.name.startswith("LICENSE")}
    assert listed == on_disk
    assert len({ids(c) for c in CASES}) == len(CASES)
    assert len(CASES) >= 70
    for case in CASES:
        assert case["kind"] in (*DEFAULT_ARGS, "incident", "cli"), case
        assert case.get("ok") or case["expect"], case
        assert case.get("make") in (None, *MAKERS), case


def run_cli(case: dict[str, Any], tmp_path: Path, capsys) -> tuple[int, str, str]:
    path = case_path(case, tmp_path)
    fill = {"file": str(path), "small": str(SMALL), "billing": str(SAMPLE_BILLING),
            "tmp": str(tmp_path), "bad": str(BAD)}
    args = [a.format(**fill) for a in case.get("args", DEFAULT_ARGS.get(case["kind"], []))]
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse: a usage error
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", params({*DEFAULT_ARGS, "cli"}))
def test_cli(case, tmp_path, capsys):
    code, out, err = run_cli(case, tmp_path, capsys)
    assert "Traceback" not in err
    assert not list(tmp_path.rglob("*.tmp"))  # nothing half-written
    if case.get("ok"):
        assert code == 0, err
        data = json.loads(out)
        assert all(math.isfinite(n) for n in numbers(data))
        if case["kind"] != "billing":  # ingest's totals name currencies, not tags
            assert case["literal"] in set(strings(data))
        elif case["literal"] == "EUR":
            assert data["currencies"] == ["EUR", "USD"]
        return
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err  # one line
    if "file" in case:
        assert case["file"] in err
    assert "Fix: " in err
    for fragment in case["expect"]:
        assert fragment in err, (fragment, err)
    assert not (tmp_path / "out.toml").exists()


@pytest.mark.parametrize("case", params({"incident"}))
def test_incident_records(case, tmp_path):
    save_incident(tmp_path, GOOD_INCIDENT)
    case_path(case, tmp_path, case["file"])
    loaded, problems = load_incidents(tmp_path)
    if case.get("ok"):
        assert problems == []
        assert sorted(i.title for i in loaded) == sorted([case["literal"], GOOD_INCIDENT.title])
        assert all(type(i.started) is date and type(i.detected) is date for i in loaded)
        return
    assert [i.title for i in loaded] == [GOOD_INCIDENT.title]  # the others still load
    assert len(problems) == 1 and problems[0].startswith(case["file"] + ": ")
    assert "\n" not in problems[0] and "Fix: " in problems[0]
    for fragment in case["expect"]:
        assert fragment in problems[0], (fragment, problems[0])


@pytest.mark.parametrize("case", params({"scenario"}, app=True))
def test_app_scenarios(case, tmp_path, monkeypatch):
    case_path(case, tmp_path, f"a-{case['file']}")
    good = tmp_path / "b-good.toml"
    good.write_bytes(SMALL.read_bytes())
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("planner")
    if case.get("ok"):
        assert not at.error
        shown = " ".join([plain(c.value) for c in at.caption] + [
            str(v) for v in at.dataframe[0].value["workload"]])
        assert case["literal"] in shown
        return
    assert len(at.error) == 1
    for fragment in case.get("app_expect", case["expect"]):
        assert fragment in plain(at.error[0].value), (fragment, at.error[0].value)
    at.selectbox(key="scenario").set_value("b-good").run()  # the app keeps serving
    assert not at.exception and not at.error
    assert at.metric[0].value == "$19,420"
    assert good.read_bytes() == SMALL.read_bytes()


@pytest.mark.parametrize("case", params({"incident"}, app=True))
def test_app_incidents(case, tmp_path, monkeypatch):
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    save_incident(tmp_path / "incidents", GOOD_INCIDENT)
    case_path(case, tmp_path / "incidents", case["file"])
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("governance")
    titles = {str(t) for frame in at.dataframe if "title" in frame.value
              for t in frame.value["title"]}
    if case.get("ok"):
        assert not at.error
        assert titles == {case["literal"], GOOD_INCIDENT.title}
        return
    assert len(at.error) == 1  # one message for the bad record; the good one is listed
    for fragment in [case["file"], *case["expect"]]:
        assert fragment in plain(at.error[0].value), (fragment, at.error[0].value)
    assert titles == {GOOD_INCIDENT.title}


@pytest.mark.parametrize("case", params({"billing", "telemetry"}, app=True))
def test_app_exports(case, tmp_path, monkeypatch):
    billing = tmp_path / "billing"
    if case["kind"] == "billing":
        billing.mkdir()
        shutil.copy(BAD / case["file"], billing / case["file"])
    else:
        shutil.copytree(SAMPLE_BILLING, billing)
        (tmp_path / "telemetry").mkdir()
        shutil.copy(BAD / case["file"], tmp_path / "telemetry" / case["file"])
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(tmp_path))
    at = open_page("actuals")
    assert not at.exception
    if case.get("ok"):
        assert not at.error
        options = [*at.selectbox(key="act_currency").options,
                   *at.multiselect(key="act_filter_team").options]
        assert case["literal"] in options
        return
    assert len(at.error) == 1
    for fragment in case.get("app_expect", case["expect"]):
        assert fragment in plain(at.error[0].value)
    at.switch_page("pages/planner.py").run()  # the app keeps serving
    assert not at.exception and at.metric
