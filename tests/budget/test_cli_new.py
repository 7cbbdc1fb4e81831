"""`new --template T --out FILE [--start YYYY-MM] [--name NAME]`: writes a commented scenario
that loads, never over an existing file, and exits 2 with one line on stderr for bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import cli_scenario
from budget.cli import main
from budget.cli_scenario import next_month
from budget.forecast import forecast
from budget.scenario import load_scenario
from budget.scenario_templates import COMPANY_TEMPLATES, template_toml
from budget.storage import write_new
from tests.budget.test_hostile_values import FAST, hostile_text


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Return (exit code, stdout, stderr) of `python -m budget ARGS`."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """Return stderr's only line, checked to be 'error: … Fix: …'."""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Fix: " in lines[0], err
    return lines[0]


@pytest.mark.parametrize("template", list(COMPANY_TEMPLATES))
def test_every_template_writes_a_file_that_loads(capsys, tmp_path: Path, template: str):
    out = tmp_path / "plans" / f"{template}.toml"  # the folder is made
    code, stdout, err = run(capsys, "new", "--template", template, "--out", str(out),
                            "--start", "2028-02")
    assert (code, stdout) == (0, "")
    label = COMPANY_TEMPLATES[template].label
    assert err == f"wrote {out}: the {label} template, 12 months from 2028-02\n"
    scenario = load_scenario(out)
    assert (scenario.name, scenario.start, scenario.months) == (
        f"{label} plan from 2028-02", "2028-02", 12)
    assert forecast(scenario).total_cost_usd > 0
    assert out.read_text(encoding="utf-8") == template_toml(template, "2028-02")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_written_file_keeps_its_comments(capsys, tmp_path: Path):
    out = tmp_path / "hosted.toml"
    assert run(capsys, "new", "--template", "self-hosted", "--out", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    for comment in ("# first forecast month, YYYY-MM", "# forecast horizon in months",
                    "# USD per GPU-hour, AWS P5 list price",  # each GPU price's source
                    "# USD per GPU-hour under a 1-year commitment",
                    "# GPU-hours per run", "# GPU-hours a week", "# USD in the first month",
                    "docs/scenario-format.md"):
        assert comment in text, comment
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert len(headers) >= 10 and all("  # " in line for line in headers)


def test_name_and_default_start(capsys, tmp_path: Path):
    out = tmp_path / "mine.toml"
    code, _, _ = run(capsys, "new", "--template", "blank", "--out", str(out),
                     "--name", 'Plan "B" [draft]')
    assert code == 0
    scenario = load_scenario(out)
    assert scenario.name == 'Plan "B" [draft]'
    assert scenario.start == next_month(date.today())


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 2), "2027-01"),  # over the year end
    (date(2027, 1, 31), "2027-02"),
    (date(2027, 6, 1), "2027-07"),
])
def test_next_month(today: date, expected: str):
    assert next_month(today) == expected


def test_an_existing_file_is_never_replaced(capsys, tmp_path: Path):
    out = tmp_path / "plan.toml"
    out.write_text("# my plan, hand-written\n", encoding="utf-8")
    code, stdout, err = run(capsys, "new", "--template", "company", "--out", str(out))
    assert (code, stdout) == (2, "")
    line = one_error_line(err)
    assert str(out) in line and "already exists" in line
    assert out.read_text(encoding="utf-8") == "# my plan, hand-written\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_a_dangling_link_is_not_followed(capsys, tmp_path: Path):
    out = tmp_path / "link.toml"
    out.symlink_to(tmp_path / "elsewhere.toml")
    code, _, err = run(capsys, "new", "--template", "blank", "--out", str(out))
    assert code == 2 and "already exists" in one_error_line(err)
    assert not (tmp_path / "elsewhere.toml").exists()


def test_a_file_made_during_the_write_is_kept(capsys, tmp_path: Path, monkeypatch):
    out = tmp_path / "race.toml"

    def someone_else_first(path: Path, text: str) -> None:
        path.write_text("theirs\n", encoding="utf-8")  # another process wins the name
        write_new(path, text)

    monkeypatch.setattr(cli_scenario, "write_new", someone_else_first)
    code, _, err = run(capsys, "new", "--template", "blank", "--out", str(out))
    assert code == 2 and "already exists" in one_error_line(err)
    assert out.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.toml"]


def test_a_folder_as_out_is_refused(capsys, tmp_path: Path):
    code, _, err = run(capsys, "new", "--template", "blank", "--out", str(tmp_path))
    assert code == 2 and "is a folder" in one_error_line(err)


@pytest.mark.parametrize("start", ["2027-13", "2027-1", "27-01", "2027-01-01", "next"])
def test_bad_start(capsys, tmp_path: Path, start: str):
    out = tmp_path / "plan.toml"
    code, _, err = run(capsys, "new", "--template", "blank", "--out", str(out),
                       "--start", start)
    assert code == 2
    line = one_error_line(err)
    assert "--start" in line and "2027-01" in line  # names the flag and shows the form
    assert not out.exists()


def test_bad_template_lists_the_choices(capsys, tmp_path: Path):
    out = tmp_path / "plan.toml"
    code, _, err = run(capsys, "new", "--template", "startup", "--out", str(out))
    assert code == 2
    line = one_error_line(err)
    assert "--template" in line
    assert "'blank', 'api-product', 'self-hosted', 'company'" in line
    assert not out.exists()


@pytest.mark.parametrize("name", ["tab\there", " padded", "x" * 201])
def test_bad_name_writes_nothing(capsys, tmp_path: Path, name: str):
    out = tmp_path / "plan.toml"
    code, _, err = run(capsys, "new", "--template", "blank", "--out", str(out), "--name", name)
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"error: {out}: [scenario]") and 'field "name"' in line
    assert not out.exists()


def test_out_and_template_are_required(capsys, tmp_path: Path):
    code, _, err = run(capsys, "new", "--template", "blank")
    assert code == 2 and "--out" in one_error_line(err)
    code, _, err = run(capsys, "new", "--out", str(tmp_path / "x.toml"))
    assert code == 2 and "--template" in one_error_line(err)


# capsys is read out (and so emptied) after each example
@settings(FAST, suppress_health_check=[*FAST.suppress_health_check,
                                     HealthCheck.function_scoped_fixture])
@given(name=hostile_text, start=st.one_of(st.just("2027-01"), hostile_text))
def test_hostile_name_and_start(capsys, tmp_path_factory, name: str, start: str):
    # exit 0 with a file that loads holding the name exactly as given, or exit 2 with one line
    # and no file
    out = tmp_path_factory.mktemp("new") / "plan.toml"
    code, _, err = run(capsys, "new", "--template", "blank", "--out", str(out),
                       "--name", name, "--start", start)
    if code == 0:
        scenario = load_scenario(out)
        assert (scenario.name, scenario.start) == (name, start)
    else:
        assert code == 2 and one_error_line(err) and not out.exists()
