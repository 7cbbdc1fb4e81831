"""CLI start-up: each command imports only the engine it uses (structure, not timing), and the
parser's literal defaults equal the engine's."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from budget import (
    alerts,
    allocation,
    cli,
    cli_exports,
    cli_parser,
    cli_scenario,
    focus_conformance,
    sensitivity,
)
from tests.conftest import ROOT, SAMPLE, SMALL

# what `forecast` never needs: exports (DuckDB, Ibis), charts and the PDF (Altair, vl-convert,
# Typst), Sobol and statistics (SciPy, statsmodels, SALib), the app (Streamlit)
HEAVY = ("duckdb", "ibis", "altair", "vl_convert", "typst", "scipy", "statsmodels", "SALib",
         "streamlit")
EXPORTS_ENGINE = ("duckdb", "ibis")
ENGINE = ("numpy", "pandas")


def imported(*argv: str) -> tuple[set[str], str]:
    """Run `python -X importtime -m budget ARGV` in a fresh process; return the top-level
    packages it imported and its stdout (the command must succeed)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "budget", *argv],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    # each line: "import time: SELF | CUMULATIVE | [indent]package.module"
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in done.stderr.splitlines() if line.startswith("import time:")}
    return names, done.stdout


def loaded_after(code: str) -> set[str]:
    """Run `python -c CODE` in a fresh process; return which of HEAVY + ENGINE it loaded."""
    watched = (*HEAVY, *ENGINE)
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\n"
                           f"print(' '.join(m for m in {watched!r} if m in sys.modules))"],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return set(done.stdout.split())


def test_importing_the_cli_and_building_its_parser_loads_no_engine():
    # the parser's defaults are literals, so `--help` and a usage error need neither NumPy nor
    # pandas, let alone DuckDB or Altair
    assert loaded_after("import budget.cli") == set()
    assert loaded_after("import budget.cli_parser; budget.cli_parser.parser()") == set()
    assert loaded_after("import budget.cli_scenario, budget.cli_exports") == set()


def test_forecast_imports_only_the_forecast_engine():
    # small.toml by hand (tests/budget/test_forecast.py): 5,580 + 6,380 + 7,460 = 19,420
    names, out = imported("forecast", str(SMALL), "--format", "json")
    assert json.loads(out)["total_cost"] == pytest.approx(19_420)
    assert "numpy" in names  # the detector sees what the forecast does import
    assert names.isdisjoint({*HEAVY, "pandas"}), sorted(names & {*HEAVY, "pandas"})
    # the table shows the horizon total; the CSV's last line is obs in its 3rd month:
    # 1,000 × 1.5² = 2,250
    for fmt, shown in (("table", "19,420.00"), ("csv", "2028-01,2,obs,platform")):
        names, out = imported("forecast", str(SMALL), "--format", fmt)
        assert shown in out and (fmt != "csv" or out.endswith(",2250.0\n"))
        assert names.isdisjoint(HEAVY), (fmt, sorted(names & set(HEAVY)))
        # the table is made from the arrays; the CSV's long table is a pandas frame
        assert ("pandas" in names) == (fmt == "csv"), fmt


def test_capacity_compare_and_diff_never_open_the_exports_engine():
    for argv in (("capacity", str(SAMPLE)), ("compare", str(SMALL), str(SAMPLE)),
                 ("diff", str(SMALL), str(SAMPLE))):
        names, _ = imported(*argv, "--format", "json")
        assert names.isdisjoint(EXPORTS_ENGINE), (argv[0], sorted(names & set(EXPORTS_ENGINE)))
        assert names.isdisjoint(HEAVY), (argv[0], sorted(names & set(HEAVY)))


def test_new_writes_a_file_without_numpy_or_pandas(tmp_path):
    out = tmp_path / "plan.toml"
    names, _ = imported("new", "--template", "blank", "--out", str(out), "--start", "2027-01")
    assert out.is_file()
    assert names.isdisjoint((*HEAVY, *ENGINE)), sorted(names & {*HEAVY, *ENGINE})


def test_the_detector_sees_heavy_imports_where_a_command_needs_them():
    # the Sobol indices need SALib (and SciPy): the same check fails when a command does load one
    names, _ = imported("sensitivity", str(SMALL), "--draws", "100", "--format", "json")
    assert "SALib" in names


def test_the_parsers_literal_defaults_are_the_engines():
    assert cli_parser.DEFAULT_DRAWS == sensitivity.DEFAULT_DRAWS == 10_000
    assert cli_parser.DEFAULT_SEED == sensitivity.DEFAULT_SEED == 0
    assert cli_parser.ALERT_THRESHOLD == alerts.AlertSettings().unit_cost_threshold == 0.18
    assert cli_parser.ALERT_FLOOR_USD == alerts.AlertSettings().unit_cost_floor_usd == 200
    assert cli_parser.METHODS == allocation.METHODS
    assert tuple(allocation.COST_BASES) == cli_parser.COST_BASES
    assert cli_parser.EXAMPLE_WEIGHTS == allocation.EXAMPLE_WEIGHTS
    assert cli_parser.FOCUS_VERSIONS == focus_conformance.VERSIONS


def test_every_command_is_dispatched_to_the_module_that_runs_it():
    sub = next(a for a in cli_parser.parser()._actions if a.dest == "command")
    assert set(cli.COMMAND_MODULES) == set(sub.choices)  # type: ignore[arg-type]
    assert set(cli_scenario.RUNNERS) == set(cli.SCENARIO_COMMANDS)
    assert set(cli_exports.RUNNERS) == set(cli.EXPORTS_COMMANDS)
    for command in cli.COMMAND_MODULES:
        assert cli.runner(command).__name__ == "_" + command.replace("-", "_")
