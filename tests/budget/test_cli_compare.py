"""`compare BASE.toml OTHER.toml …`: horizon totals against the base, --set on every file, 2 to 6
files, and exit 2 with one line on stderr for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budget.cli import main
from tests.conftest import ROOT, SMALL, SMALL_TOTAL_USD

FY27 = ROOT / "data" / "scenarios" / "fy27-plan.toml"
# small.toml with inference_volume 2: chat 9,930 and batch 1,200 double, + 11,130 = 30,550
DOUBLED_TOTAL_USD = SMALL_TOTAL_USD + 9_930 + 1_200


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Return small.toml copied as BASE.toml and, as OTHER.toml, with inference_volume 2."""
    text = SMALL.read_text(encoding="utf-8")
    doubled = text.replace("inference_volume = 1.0", "inference_volume = 2.0")
    assert doubled != text
    base, other = tmp_path / "BASE.toml", tmp_path / "OTHER.toml"
    base.write_text(text, encoding="utf-8")
    other.write_text(doubled, encoding="utf-8")
    return base, other


def test_json_contract_and_deltas_by_hand(capsys, pair, monkeypatch):
    base = pair[0]
    monkeypatch.chdir(base.parent)
    code, out, err = run(capsys, "compare", "BASE.toml", "OTHER.toml", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["base", "scenarios"]
    assert data["base"] == "BASE.toml"
    assert [list(s) for s in data["scenarios"]] == [
        ["file", "name", "months", "total", "total_cost", "delta_usd", "delta_pct"]] * 2
    first, second = data["scenarios"]
    assert first == {"file": "BASE.toml", "name": "Small", "months": 3,
                     "total": pytest.approx(19_420), "total_cost": pytest.approx(19_420),
                     "delta_usd": 0, "delta_pct": 0}
    assert second["file"] == "OTHER.toml"
    assert second["total"] == pytest.approx(30_550) == second["total_cost"]
    assert second["delta_usd"] == pytest.approx(11_130)
    assert second["delta_pct"] == 57.31  # 11,130 / 19,420 = 57.3120…%


def test_totals_equal_each_files_forecast_total(capsys, pair):
    files = [str(FY27), *map(str, pair)]
    code, out, _ = run(capsys, "compare", *files, "--format", "json")
    assert code == 0
    scenarios = json.loads(out)["scenarios"]
    assert [s["file"] for s in scenarios] == files
    for file, entry in zip(files, scenarios, strict=True):
        forecast = json.loads(run(capsys, "forecast", file, "--format", "json")[1])
        assert entry["total"] == entry["total_cost"] == forecast["total_cost"]
        assert entry["name"] == forecast["scenario"]
        assert entry["months"] == len(forecast["months"])
    base_usd = scenarios[0]["total"]
    assert scenarios[1]["delta_usd"] == pytest.approx(SMALL_TOTAL_USD - base_usd)
    assert scenarios[2]["delta_pct"] == round((DOUBLED_TOTAL_USD - base_usd) / base_usd * 100, 2)


def test_set_applies_to_every_file(capsys, pair):
    # inference_volume 3 on both: 19,420 + 2 × 11,130 = 41,680 each, so no change
    code, out, _ = run(capsys, "compare", *map(str, pair), "--set", "inference_volume=3",
                       "--format", "json")
    assert code == 0
    totals = [(s["total"], s["delta_usd"], s["delta_pct"]) for s in json.loads(out)["scenarios"]]
    assert totals == [(pytest.approx(41_680), 0, 0)] * 2


def test_table_rows(capsys, pair, monkeypatch):
    monkeypatch.chdir(pair[0].parent)
    code, out, err = run(capsys, "compare", "BASE.toml", "OTHER.toml")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "base: BASE.toml"
    assert lines[2].split() == ["file", "name", "months", "total", "delta", "USD", "delta", "%"]
    assert lines[4].split() == ["BASE.toml", "Small", "3", "19,420.00", "+0.00", "+0.00%"]
    assert lines[5].split() == ["OTHER.toml", "Small", "3", "30,550.00", "+11,130.00", "+57.31%"]
    assert len({len(line) for line in lines[2:6]}) == 1  # aligned


def test_a_cheaper_file_reads_negative(capsys, pair):
    code, out, _ = run(capsys, "compare", str(pair[1]), str(pair[0]), "--format", "json")
    assert code == 0
    other = json.loads(out)["scenarios"][1]
    assert other["delta_usd"] == pytest.approx(-11_130)
    assert other["delta_pct"] == -36.43  # -11,130 / 30,550 = -36.432…%


@pytest.mark.parametrize("count", [1, 7])
def test_too_few_or_too_many_files_exit_2(capsys, count):
    code, out, err = run(capsys, "compare", *[str(SMALL)] * count)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"takes 2 to 6 scenario files, got {count}" in err


def test_six_files_are_allowed(capsys):
    code, out, _ = run(capsys, "compare", *[str(SMALL)] * 6, "--format", "json")
    assert code == 0
    assert [s["delta_usd"] for s in json.loads(out)["scenarios"]] == [0] * 6


def test_missing_file_exit_2_naming_it(capsys, tmp_path):
    missing = tmp_path / "nowhere.toml"
    code, out, err = run(capsys, "compare", str(SMALL), str(missing))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"{missing}: file not found" in err


def test_bad_override_exit_2(capsys):
    code, out, err = run(capsys, "compare", str(SMALL), str(SMALL), "--set", "nonsense=1")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nonsense" in err
