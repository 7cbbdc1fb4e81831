"""The bad-input corpus (tests/data/bad/cases.toml), through the CLI and through the app.

Every bad file gets one clear message naming the file and what to fix: exit code 2 on the
command line, an st.error in the app, which keeps serving; valid-but-hostile input is accepted
and shown literally; scenario files beside a bad one are never touched.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from budget.cli import main
from tests.conftest import ROOT, SMALL
from tests.pages.apptest import open_page

BAD = ROOT / "tests" / "data" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text())["case"]
SAMPLE_BILLING = ROOT / "data" / "exports" / "billing"


def ids(case: dict[str, Any]) -> str:
    return str(case["file"])


def test_corpus_is_complete():
    listed = {c["file"] for c in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("cases.toml",)
               and not p.name.startswith("LICENSE")}
    assert listed == on_disk
    assert len(CASES) >= 30


def run_cli(case: dict[str, Any], tmp_path: Path, capsys) -> tuple[int, str, str]:
    path = str(BAD / case["file"])
    if case["kind"] == "scenario":
        args = ["forecast", path, "--format", "json"]
    elif case["kind"] == "billing":
        args = ["ingest", path, "--format", "json"]
    else:
        args = ["calibrate", str(SAMPLE_BILLING), "--telemetry", path, "--out",
                str(tmp_path / "out.toml")]
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_cli(case, tmp_path, capsys):
    code, out, err = run_cli(case, tmp_path, capsys)
    assert "Traceback" not in err
    if case.get("ok"):
        assert code == 0, err
        if case["kind"] == "scenario":
            data = json.loads(out)
            assert case["literal"] in [data["scenario"], *data["by_workload"]]
        elif case["literal"] == "EUR":
            assert json.loads(out)["currencies"] == ["EUR", "USD"]
        return
    assert code == 2
    assert err.startswith("error: ") and case["file"] in err
    for fragment in case["expect"]:
        assert fragment in err, (fragment, err)
    assert not (tmp_path / "out.toml").exists()  # nothing half-written


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "scenario"], ids=ids)
def test_app_scenarios(case, tmp_path, monkeypatch):
    shutil.copy(BAD / case["file"], tmp_path / f"a-{case['file']}")
    good = tmp_path / "b-good.toml"
    good.write_bytes(SMALL.read_bytes())
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    at = open_page("planner")
    if case.get("ok"):
        assert not at.error
        shown = " ".join([c.value for c in at.caption] + [str(v) for v in
                                                          at.dataframe[0].value["workload"]])
        assert case["literal"] in shown
        return
    assert len(at.error) == 1
    for fragment in case["expect"]:
        assert fragment in at.error[0].value
    at.selectbox(key="scenario").set_value("b-good").run()  # the app keeps serving
    assert not at.exception and not at.error
    assert at.metric[0].value == "$19,420"
    assert good.read_bytes() == SMALL.read_bytes()


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] != "scenario"], ids=ids)
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
        assert fragment in at.error[0].value
    at.switch_page("pages/planner.py").run()  # the app keeps serving
    assert not at.exception and at.metric
