"""CLI contract: JSON shape, formats, --set, and exit code 2 with a message on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from budget.cli import main
from tests.conftest import ROOT, SMALL


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys):
    code, out, err = run(capsys, "forecast", str(SMALL), "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["scenario", "currency", "months", "by_category", "by_workload",
                          "total", "total_cost", "unit_costs"]
    assert data["scenario"] == "Small"
    assert data["currency"] == "USD"
    assert data["months"] == ["2027-11", "2027-12", "2028-01"]
    assert list(data["by_category"]) == ["training", "batch_inference", "realtime_inference",
                                         "experimentation", "platform"]
    assert data["by_category"]["realtime_inference"] == pytest.approx([3000, 3300, 3630])
    assert data["by_workload"]["obs"] == pytest.approx([1000, 1500, 2250])
    assert data["total"] == pytest.approx([5580, 6380, 7460])
    assert data["total_cost"] == pytest.approx(19_420)
    assert list(data["unit_costs"]) == ["per_1k_requests", "per_1m_tokens"]
    assert data["unit_costs"]["per_1k_requests"] == pytest.approx(11_130 / 4_390)
    assert data["unit_costs"]["per_1m_tokens"] == pytest.approx(11_130 / 8_205)
    for series in [*data["by_category"].values(), *data["by_workload"].values()]:
        assert len(series) == 3


def test_set_overrides_driver(capsys):
    code, out, _ = run(capsys, "forecast", str(SMALL), "--set", "refresh_frequency=3",
                       "--set", "gpu_price=1.5", "--format", "json")
    assert code == 0
    # training 400 → 1,200 a month, then every GPU line × 1.5: (1,200+400+780) × 1.5 + API + obs
    data = json.loads(out)
    assert data["by_category"]["training"] == pytest.approx([1800.0] * 3)
    assert data["total_cost"] == pytest.approx(19_420 + 2_400 + 0.5 * (1_200 + 3_600 + 2_340))


def test_csv_lines_sum_to_total(capsys):
    code, out, _ = run(capsys, "forecast", str(SMALL), "--format", "csv")
    assert code == 0
    lines = pd.read_csv(io.StringIO(out))
    assert len(lines) == 5 * 3
    assert lines["cost_usd"].sum() == pytest.approx(19_420)
    assert set(lines["team"]) == {"support", "docs", "research", "platform"}


def test_table_shows_horizon_and_units(capsys):
    code, out, _ = run(capsys, "forecast", str(SMALL))
    assert code == 0
    assert "horizon total: 19,420.00 USD" in out
    assert "inference cost per 1K requests: 2.54" in out
    assert out.splitlines()[-5].startswith("horizon")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["forecast", "missing.toml"], ["error: missing.toml: file not found"]),
        (["forecast", str(SMALL), "--set", "volume=2"], ['unknown driver "volume"']),
    ],
)
def test_bad_input_returns_2(capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    for word in words:
        assert word in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["forecast", str(SMALL), "--format", "xml"], ["invalid choice: 'xml'"]),
        (["forecast"], ["the following arguments are required: scenario"]),
    ],
)
def test_bad_arguments_exit_2(capsys, args, words):
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err


def test_invalid_scenario_file_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.read_text().replace("utilization = 0.5", "utilization = 5"))
    code, out, err = run(capsys, "forecast", str(bad))
    assert code == 2 and out == ""
    assert 'field "utilization": must be ≥ 0.01 and ≤ 1, got 5' in err


def test_module_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "budget", "forecast", str(SMALL), "--set", "bogus=1"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith('error: --set: unknown driver "bogus"')


def test_focus_check_cli(capsys):
    from budget.focus_conformance import check_focus
    from tests.conftest import ROOT

    real = ROOT / "tests" / "data" / "focus" / "focus_sample.csv"
    assert main(["focus-check", str(ROOT / "data" / "exports")]) == 0
    assert capsys.readouterr().out.strip() == "0 problems against FOCUS 1.2"
    assert main(["focus-check", str(real), "--version", "1.0", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    expected = check_focus(real, "1.0")
    assert data["version"] == "1.0" and len(data["problems"]) == len(expected) == 4
    assert [p["column"] for p in data["problems"]] == [p.column for p in expected]
    assert main(["focus-check", str(ROOT / "nowhere")]) == 2
    assert "nowhere: file not found" in capsys.readouterr().err


def test_usage_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["alerts", "data/exports", "--floor-usd", "nan"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err == ('error: python -m budget alerts: argument --floor-usd: "nan" is not a number: '
                   "write digits with at most one point and an optional exponent (no "
                   "underscores, nan or inf). Fix: see python -m budget alerts --help.\n")


def test_messages_stay_on_one_line(tmp_path, capsys):
    odd = tmp_path / "two\nlines.toml"
    code, _, err = run(capsys, "forecast", str(odd), "--set", "x\ny=1")
    assert code == 2 and err.count("\n") == 1 and "two\\nlines.toml: file not found" in err


def test_report_out_folder_is_refused_before_the_pdf_is_built(tmp_path, capsys, monkeypatch):
    import budget.report  # the CLI imports it when a report is asked for

    monkeypatch.setattr(budget.report, "summary_pdf", lambda *a: pytest.fail("PDF built"))
    code, out, err = run(capsys, "report", str(SMALL), "--out", str(tmp_path))
    assert code == 2 and out == ""
    assert err == (f"error: {tmp_path}: is a folder, not a file to write. Fix: give --out the "
                   f"name of a file, e.g. --out {tmp_path / 'NAME'}.\n")
    assert list(tmp_path.iterdir()) == []


def test_report_writes_atomically(tmp_path, capsys, monkeypatch):
    import budget.report

    monkeypatch.setattr(budget.report, "summary_pdf", lambda *a, **k: b"%PDF-1.7 test")
    out = tmp_path / "new" / "summary.pdf"
    code, _, err = run(capsys, "report", str(SMALL), "--out", str(out))
    assert code == 0 and err.startswith(f"wrote {out}")
    assert out.read_bytes() == b"%PDF-1.7 test"
    assert [p.name for p in out.parent.iterdir()] == ["summary.pdf"]  # no .tmp left


def test_calibrate_out_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "calibrated.toml"
    folder.mkdir()
    code, _, err = run(capsys, "calibrate", "data/exports", "--out", str(folder), "--force")
    assert code == 2 and "calibrated.toml: is a folder, not a file to write" in err
    assert list(tmp_path.rglob("*.tmp")) == [] and list(folder.iterdir()) == []


def test_capacity_refuses_a_pool_too_large_to_plan(tmp_path, capsys):
    big = tmp_path / "big.toml"
    big.write_text(SMALL.read_text().replace("requests_per_month = 360_000",
                                             "requests_per_month = 1e12"))
    code, out, err = run(capsys, "capacity", str(big), "--format", "json")
    assert code == 2 and out == ""
    assert "the GPU pool aws/H100 needs" in err and "pools of up to 100,000" in err
    code, out, _ = run(capsys, "capacity", str(SMALL), "--format", "json")
    assert code == 0 and json.loads(out)["bands"]["stress_peak"]["aws/H100"] == pytest.approx(
        890 / 720)


@pytest.mark.parametrize(("args", "words"), [
    (["sensitivity", str(SMALL), "--seed", "-1"], "--seed: must be 0 to 4,294,967,295, got -1"),
    (["sample-data", "--copies", "0"], "--copies: must be 1 to 1,000, got 0"),
    (["sample-data", "--copies", "1_0"], 'argument --copies: "1_0" is not a whole number'),
])
def test_whole_number_flags(capsys, args, words):
    try:
        code = main(args)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and words in err and err.count("\n") == 1



def test_forecast_starts_without_the_exports_and_chart_engines():
    # `forecast` imports what it needs: DuckDB, Ibis and Altair load with the commands that use
    # them (they were ~60% of the command's start-up)
    code = ("import sys, budget.cli; print(sorted(m for m in ('duckdb', 'ibis', 'altair', "
            "'vl_convert', 'typst') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"


def test_diff_table_signs_each_change(tmp_path, capsys):
    # ft: 300 → 600 GPU-hours a run, one run a quarter, $4 on demand: +100 h × $4 × 3 months =
    # +1,200; obs: 1,000 → 500 a month growing 50%: -(500 + 750 + 1,125) = -2,375; net -1,175
    new = tmp_path / "new.toml"
    new.write_text(SMALL.read_text(encoding="utf-8")
                   .replace("gpu_hours_per_run = 300", "gpu_hours_per_run = 600")
                   .replace("monthly_cost = 1000", "monthly_cost = 500"), encoding="utf-8")
    code, out, err = run(capsys, "diff", str(SMALL), str(new))
    assert code == 0 and err == ""
    assert out == ("old total 19,420.00  →  new total 18,245.00  (-1,175.00)\n"
                   "  -      2,375.00  platform/obs/monthly_cost: 1000 -> 500\n"
                   "  +      1,200.00  training/ft/gpu_hours_per_run: 300 -> 600\n")
    code, out, _ = run(capsys, "diff", str(new), str(SMALL))
    assert out.splitlines()[0] == "old total 18,245.00  →  new total 19,420.00  (+1,175.00)"
    code, out, _ = run(capsys, "diff", str(SMALL), str(SMALL))
    assert out == "old total 19,420.00  →  new total 19,420.00  (+0.00)\n  no assumption changed\n"
