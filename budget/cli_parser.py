"""The CLI's arguments: one function per sub-command, strict number flags, one-line usage errors."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from budget.errors import visible
from budget.inputs import INPUT_NAMES
from budget.months import parse_month
from budget.params import parse_decimal, parse_whole
from budget.scenario_templates import COMPANY_TEMPLATES

EXIT_BAD_INPUT = 2
# The engine's defaults and choices, written here so that parsing loads no engine (pandas, NumPy);
# tests/budget/test_cli_imports.py checks each equals the engine's own.
DEFAULT_DRAWS = 10_000  # budget.sensitivity.DEFAULT_DRAWS
DEFAULT_SEED = 0  # budget.sensitivity.DEFAULT_SEED
ALERT_THRESHOLD = 0.18  # budget.alerts.AlertSettings().unit_cost_threshold
ALERT_FLOOR_USD = 200.0  # budget.alerts.AlertSettings().unit_cost_floor_usd
METHODS = ("headcount", "usage", "revenue", "even")  # budget.allocation.METHODS
COST_BASES = ("EffectiveCost", "BilledCost")  # budget.allocation.COST_BASES' keys
EXAMPLE_WEIGHTS = "data/allocation/weights.toml"  # budget.allocation.EXAMPLE_WEIGHTS
FOCUS_VERSIONS = ("1.0", "1.1", "1.2")  # budget.focus_conformance.VERSIONS
EXPORTS_HELP = "FOCUS billing exports, or a folder holding billing/ and telemetry/"


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2) like every other error."""

    def error(self, message: str) -> NoReturn:
        """Print 'error: PROG: MESSAGE. Fix: …' on one line and exit 2."""
        print(f"error: {visible(self.prog)}: {visible(message)}. Fix: see {self.prog} --help.",
              file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


if TYPE_CHECKING:
    SubCommands = argparse._SubParsersAction[_Parser]


def _number(text: str) -> float:
    """Read a number flag strictly (no 1_5, nan or inf): argparse's type."""
    try:
        return parse_decimal(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _whole(text: str) -> int:
    """Read a whole-number flag strictly (no 1_000): argparse's type."""
    try:
        return parse_whole(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _month(text: str) -> str:
    """Read a YYYY-MM flag strictly: argparse's type."""
    try:
        parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}, e.g. 2027-01") from None
    return text


def _horizons(text: str) -> tuple[int, ...]:
    """Read --horizons 1,2,3 (months ahead, 1 to 24, each once): argparse's type."""
    try:
        months = tuple(parse_whole(part.strip()) for part in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; give months ahead as e.g. 1,2,3") from None
    if not all(1 <= m <= 24 for m in months) or len(set(months)) != len(months):
        raise argparse.ArgumentTypeError(f"{text!r}: each month ahead 1 to 24, once, e.g. 1,2,3")
    return tuple(sorted(months))


def _overrides(cmd: argparse.ArgumentParser, help_text: str = "override a [drivers] key") -> None:
    """Add the repeatable --set DRIVER=VALUE flag."""
    cmd.add_argument("--set", dest="overrides", action="append", default=[],
                     metavar="DRIVER=VALUE", help=help_text)


def _output(cmd: argparse.ArgumentParser, *formats: str) -> None:
    """Add --format with the given choices (the first is the default)."""
    cmd.add_argument("--format", choices=formats, default=formats[0])


def _telemetry(cmd: argparse.ArgumentParser, help_text: str) -> None:
    """Add the repeatable --telemetry PATH flag."""
    cmd.add_argument("--telemetry", action="append", default=[], metavar="PATH", help=help_text)


def _add_forecast(sub: SubCommands) -> None:
    """Add `forecast SCENARIO [--set …] [--format table|json|csv]`."""
    fc = sub.add_parser("forecast", help="monthly forecast of one scenario file")
    fc.add_argument("scenario", help="path to a scenario TOML file")
    _overrides(fc, "override a [drivers] key: " + ", ".join(INPUT_NAMES))
    _output(fc, "table", "json", "csv")


def _add_sensitivity(sub: SubCommands) -> None:
    """Add `sensitivity SCENARIO [--set …] [--draws N] [--seed N] [--no-sobol]`."""
    sens = sub.add_parser("sensitivity", help="tornado, Monte Carlo and Sobol indices")
    sens.add_argument("scenario", help="path to a scenario TOML file")
    _overrides(sens)
    sens.add_argument("--draws", type=_whole, default=DEFAULT_DRAWS,
                      help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,})")
    sens.add_argument("--seed", type=_whole, default=DEFAULT_SEED, help="random seed (default 0)")
    _output(sens, "table", "json")
    sens.add_argument("--no-sobol", action="store_true", help="skip the Sobol indices")


def _add_ingest(sub: SubCommands) -> None:
    """Add `ingest PATH… [--tag-map DIMENSION=TAG …]`."""
    ing = sub.add_parser("ingest", help="read and validate FOCUS billing exports; print totals")
    ing.add_argument("paths", nargs="+", metavar="PATH",
                     help="FOCUS export files, globs or (hive-partitioned) folders")
    ing.add_argument("--tag-map", dest="tag_map", action="append", default=[],
                     metavar="DIMENSION=TAG", help="read DIMENSION (team, model, endpoint, "
                     "environment, workload_class, deployment_id, experiment) from tag key TAG")
    _output(ing, "table", "json")


def _add_calibrate(sub: SubCommands) -> None:
    """Add `calibrate EXPORTS… --out FILE [--weeks N] [--name …] [--force]`."""
    cal = sub.add_parser("calibrate", help="derive a scenario file from actual spend")
    cal.add_argument("paths", nargs="+", metavar="EXPORTS", help=EXPORTS_HELP)
    _telemetry(cal, "serving telemetry export (docs/exports.md), if not in the folder")
    cal.add_argument("--out", required=True, help="scenario TOML file to write")
    cal.add_argument("--weeks", type=_whole, default=8, help="weeks of history to use (default 8)")
    cal.add_argument("--name", help="scenario name (default: 'Calibrated from actuals to DATE')")
    cal.add_argument("--tag-map", dest="tag_map", action="append", default=[],
                     metavar="DIMENSION=TAG", help="as for ingest")
    cal.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def _add_backtest(sub: SubCommands) -> None:
    """Add `backtest EXPORTS… [--horizons 1,2,3] [--method calibrate|reforecast]`."""
    bt = sub.add_parser("backtest", help="how good the forecasts have been on these exports")
    bt.add_argument("paths", nargs="+", metavar="EXPORTS", help=EXPORTS_HELP)
    _telemetry(bt, "serving telemetry export (docs/exports.md), if not in the folder")
    bt.add_argument("--horizons", type=_horizons, default=(1, 2, 3), metavar="1,2,3",
                    help="months ahead to score, comma-separated (default 1,2,3)")
    bt.add_argument("--method", choices=("calibrate", "reforecast"), default="calibrate",
                    help="calibrate: the plan calibrated from the history, as `calibrate` "
                    "writes it; reforecast: the Monitoring page's ETS reforecast")
    bt.add_argument("--tag-map", dest="tag_map", action="append", default=[],
                    metavar="DIMENSION=TAG", help="as for ingest")
    _output(bt, "table", "json")


def _add_report(sub: SubCommands) -> None:
    """Add `report SCENARIO --out FILE [--set …] [--previous OLD] [--actuals EXPORTS]`."""
    rep = sub.add_parser("report", help="executive summary PDF of a scenario")
    rep.add_argument("scenario", help="path to a scenario TOML file")
    rep.add_argument("--out", required=True, help="PDF file to write")
    _overrides(rep)
    rep.add_argument("--previous", metavar="OLD.toml",
                     help="the previous version, for a 'what changed' section")
    rep.add_argument("--actuals", metavar="EXPORTS",
                     help="exports folder (billing/ …) to compare the plan with actual spend")


def _add_export(sub: SubCommands) -> None:
    """Add `export SCENARIO --out FILE.xlsx|FILE.pptx [--set …] [--previous OLD]`."""
    exp = sub.add_parser("export", help="Excel workbook (.xlsx) or slide deck (.pptx) of a "
                         "scenario, with its provenance")
    exp.add_argument("scenario", help="path to a scenario TOML file")
    exp.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.pptx",
                     help="file to write; its suffix chooses the format")
    _overrides(exp)
    exp.add_argument("--previous", metavar="OLD.toml",
                     help="the previous version, for a 'what changed' part")


def _add_diff(sub: SubCommands) -> None:
    """Add `diff OLD.toml NEW.toml`."""
    dif = sub.add_parser("diff", help="what changed between two scenario versions")
    dif.add_argument("old", metavar="OLD.toml")
    dif.add_argument("new", metavar="NEW.toml")
    _output(dif, "table", "json")


def _add_compare(sub: SubCommands) -> None:
    """Add `compare BASE.toml OTHER.toml [...] [--set …] [--format table|json]`."""
    cmp = sub.add_parser("compare", help="horizon totals of 2 to 6 scenarios against the first")
    cmp.add_argument("files", nargs="+", metavar="SCENARIO.toml",
                     help="the base scenario file, then 1 to 5 others")
    _overrides(cmp, "override a [drivers] key in every file")
    _output(cmp, "table", "json")


def _add_capacity(sub: SubCommands) -> None:
    """Add `capacity SCENARIO [--set …]`."""
    cap = sub.add_parser("capacity", help="GPU capacity bands, procurement strategies, "
                         "self-host vs API break-even")
    cap.add_argument("scenario", help="path to a scenario TOML file")
    _overrides(cap)
    _output(cap, "table", "json")


def _add_digest(sub: SubCommands) -> None:
    """Add `digest EXPORTS… --week YYYY-Www [--scenario FILE] [--telemetry PATH …]`."""
    dig = sub.add_parser("digest", help="weekly digest of actual spend, as Markdown")
    dig.add_argument("paths", nargs="+", metavar="EXPORTS", help=EXPORTS_HELP)
    dig.add_argument("--week", required=True, help="ISO week, e.g. 2026-W33")
    dig.add_argument("--scenario", help="scenario TOML file for the budget variances")
    _telemetry(dig, "serving telemetry export, if not in the folder")


def _add_alerts(sub: SubCommands) -> None:
    """Add `alerts EXPORTS… [--since DATE] [--threshold X] [--floor-usd X] [--scenario FILE]`."""
    alr = sub.add_parser("alerts", help="trend-break alerts over actual spend")
    alr.add_argument("paths", nargs="+", metavar="EXPORTS", help=EXPORTS_HELP)
    alr.add_argument("--since", metavar="YYYY-MM-DD", help="only alerts that began on or after")
    _output(alr, "table", "json")
    _telemetry(alr, "serving telemetry export, if not in the folder")
    alr.add_argument("--threshold", type=_number, default=ALERT_THRESHOLD,
                     help="week-over-week rise in USD per 1K requests that alerts "
                     "(default 0.18 = 18%%)")
    alr.add_argument("--floor-usd", dest="floor_usd", type=_number,
                     default=ALERT_FLOOR_USD,
                     help="…only when the weekly impact is at least this many USD (default 200)")
    alr.add_argument("--scenario", help="scenario TOML whose [[training]] GPU-hours per run are "
                     "the training forecasts (default: the median of earlier runs)")


def _add_chargeback(sub: SubCommands) -> None:
    """Add `chargeback EXPORTS… --method M [--weights FILE] [--basis B] [--shared-team T …]`."""
    chg = sub.add_parser("chargeback", help="direct cost per team plus a share of the shared "
                         "platform pool; unallocated on its own line")
    chg.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports, or a folder holding billing/")
    chg.add_argument("--method", required=True, choices=METHODS,
                     help="how the shared pool is split: headcount or revenue (weights file), "
                     "usage (each team's direct cost) or even")
    chg.add_argument("--weights", metavar="FILE", help=f"TOML with [headcount] and [revenue] "
                     f"tables, team = weight (default {EXAMPLE_WEIGHTS})")
    chg.add_argument("--basis", choices=COST_BASES, default="EffectiveCost",
                     help="amortised EffectiveCost (default) or invoiced BilledCost")
    chg.add_argument("--shared-team", dest="shared_team", action="append", metavar="TEAM",
                     help="a team whose cost is the shared pool (default: platform); repeat "
                     "for several")
    _output(chg, "table", "json")


def _add_focus_check(sub: SubCommands) -> None:
    """Add `focus-check EXPORTS… [--version V]`."""
    foc = sub.add_parser("focus-check", help="check exports against the FOCUS specification")
    foc.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports (file or folder), or a folder holding billing/")
    foc.add_argument("--version", dest="focus_version", choices=FOCUS_VERSIONS, default="1.2",
                     help="FOCUS version to check against (default 1.2)")
    _output(foc, "table", "json")


def _add_new(sub: SubCommands) -> None:
    """Add `new --template T --out FILE [--start YYYY-MM] [--name NAME]`."""
    new = sub.add_parser("new", help="write a new scenario file from a template")
    new.add_argument("--template", required=True, choices=tuple(COMPANY_TEMPLATES),
                     help="; ".join(f"{key}: {t.help}" for key, t in COMPANY_TEMPLATES.items()))
    new.add_argument("--out", required=True, metavar="FILE.toml",
                     help="scenario TOML file to write (never over an existing file)")
    new.add_argument("--start", type=_month, metavar="YYYY-MM",
                     help="first forecast month (default: next month)")
    new.add_argument("--name", help="scenario name (default: 'TEMPLATE plan from START')")


def _add_sample_data(sub: SubCommands) -> None:
    """Add `sample-data [--out FOLDER] [--copies N]`."""
    gen = sub.add_parser("sample-data", help="write the seeded sample exports (Parquet)")
    gen.add_argument("--out", default="data/exports", help="output folder (default data/exports)")
    gen.add_argument("--copies", type=_whole, default=1,
                     help="repeat every billing row N times with costs split (for benchmarks)")


SUB_COMMANDS = (_add_forecast, _add_sensitivity, _add_ingest, _add_calibrate, _add_backtest,
                _add_report,
                _add_export,
                _add_diff, _add_compare, _add_capacity, _add_digest, _add_alerts, _add_chargeback,
                _add_focus_check, _add_new, _add_sample_data)


def parser() -> argparse.ArgumentParser:
    """Return the `python -m budget` parser with every sub-command, in --help order."""
    top = _Parser(prog="python -m budget", description="AI infrastructure budget planner.")
    sub = top.add_subparsers(dest="command", required=True)
    for add in SUB_COMMANDS:
        add(sub)
    return top
