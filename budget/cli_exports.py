"""The CLI commands over billing and telemetry exports: ingest, focus-check, digest, alerts,
chargeback, calibrate, backtest."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from budget.cli_json import print_json
from budget.errors import BudgetInputError
from budget.export_folders import split_exports
from budget.files import check_target, write_atomically
from budget.scenario import load_scenario
from budget.weeks import week_bounds

if TYPE_CHECKING:  # pandas, DuckDB, Ibis and Altair load only for the commands that use them
    from budget.alerts import AlertSettings
    from budget.exports import Exports


def open_exports(billing: list[str], telemetry: list[str] | None = None,
                 tag_map: list[str] | None = None) -> Exports:
    """Open the exports and print what the read should tell the user (notes) on stderr."""
    from budget.exports import TagMap, open_exports, reading_notes

    exports = open_exports(billing, telemetry or [], TagMap().with_overrides(tag_map or []))
    for note in reading_notes(exports):
        print(f"note: {note}", file=sys.stderr)
    return exports


def _ingest(args: argparse.Namespace) -> int:
    """Read and validate billing exports; print the totals as JSON or a table."""
    from budget.cli_render import write_ingest_table
    from budget.exports import ingest_summary

    billing, _ = split_exports(args.paths, [])
    summary = ingest_summary(open_exports(billing, tag_map=args.tag_map))
    if args.format == "json":
        print_json(summary)
    else:
        write_ingest_table(summary, sys.stdout)
    return 0


def _focus_check(args: argparse.Namespace) -> int:
    """Print each way the exports break FOCUS; exit 1 when there is any, 0 when none."""
    from budget.focus_conformance import check_focus

    version = args.focus_version
    billing, _ = split_exports(args.paths, [])
    problems = [(path, p) for path in billing for p in check_focus(path, version)]
    if args.format == "json":
        print_json({"version": version, "problems": [
            {"export": path, "column": p.column, "rows": p.rows, "message": p.message}
            for path, p in problems]})
    else:
        for path, p in problems:
            sys.stdout.write(f"{path}: {p.message}\n")
        sys.stdout.write(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} "
                         f"against FOCUS {version}\n")
    return 1 if problems else 0


def _digest(args: argparse.Namespace) -> int:
    """Print the weekly digest as Markdown."""
    from budget.digest import digest_markdown
    from budget.exports import billing_rollup, telemetry_rollup

    billing, telemetry = split_exports(args.paths, args.telemetry)
    week_bounds(args.week)
    scenario = load_scenario(args.scenario) if args.scenario else None
    exports = open_exports(billing, telemetry)
    text = digest_markdown(billing_rollup(exports), telemetry_rollup(exports), args.week,
                           scenario)
    sys.stdout.write(text)
    return 0


def _since(text: str | None) -> date | None:
    """Parse --since YYYY-MM-DD."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BudgetInputError("--since", f'"{text}" is not a date',
                               fix="write it like 2026-08-01") from None


def _alert_settings(args: argparse.Namespace) -> AlertSettings:
    """Return the alert settings of --threshold and --floor-usd, refusing values out of range."""
    from budget.alerts import AlertSettings

    if not 0 < args.threshold < 10:
        raise BudgetInputError("--threshold", f"must be above 0 and below 10, got "
                               f"{args.threshold}", fix="write 0.18 for 18%")
    if args.floor_usd < 0:
        raise BudgetInputError("--floor-usd", f"must be 0 or more, got {args.floor_usd}",
                               fix="write the weekly impact in USD, e.g. 200")
    return AlertSettings(unit_cost_threshold=args.threshold, unit_cost_floor_usd=args.floor_usd)


def _alerts(args: argparse.Namespace) -> int:
    """Print the trend-break alerts as JSON or a table."""
    from budget.alerts import all_alerts, planned_gpu_hours_per_run
    from budget.cli_render import write_alerts_table
    from budget.exports import billing_rollup, telemetry_rollup

    billing, telemetry = split_exports(args.paths, args.telemetry)
    since = _since(args.since)
    settings = _alert_settings(args)
    planned = (dict(planned_gpu_hours_per_run(load_scenario(args.scenario)))
               if args.scenario else None)
    exports = open_exports(billing, telemetry)
    found = all_alerts(billing_rollup(exports), telemetry_rollup(exports), settings, planned)
    found = [a for a in found if since is None or a.start >= since]
    if args.format == "json":
        print_json([a.to_json() for a in found])
    else:
        write_alerts_table(found, sys.stdout)
    return 0


def _weights(args: argparse.Namespace) -> tuple[dict[str, float] | None, str]:
    """Return (weights, where they came from) for --method; refuse --weights it does not take."""
    from budget.allocation import DEFAULT_WEIGHTS, WEIGHTED_METHODS, load_weights

    if args.method in WEIGHTED_METHODS:
        path = Path(args.weights) if args.weights else DEFAULT_WEIGHTS
        return load_weights(path, args.method), str(path)
    if args.weights:
        raise BudgetInputError("--weights", f'the "{args.method}" method takes no weights',
                               fix="leave --weights out, or use --method headcount or "
                               "revenue")
    return None, "weights"


def _chargeback(args: argparse.Namespace) -> int:
    """Print the chargeback: direct cost per team plus its share of the shared pool."""
    from budget.allocation import chargeback, chargeback_json, exports_total
    from budget.cli_render import write_chargeback_table
    from budget.exports import billing_rollup

    billing, _ = split_exports(args.paths, [])
    weights, weights_source = _weights(args)
    exports = open_exports(billing)
    result = chargeback(billing_rollup(exports), args.method, weights, args.basis,
                        tuple(args.shared_team or ("platform",)),
                        total=exports_total(exports, args.basis),
                        source=exports.billing_sources.label, weights_source=weights_source)
    if result.teams_without_weight:
        print(f"warning: no {args.method} weight for " + ", ".join(result.teams_without_weight)
              + f" in {weights_source}: they pay no shared cost", file=sys.stderr)
    if args.format == "json":
        print_json(chargeback_json(result))
    else:
        write_chargeback_table(result, sys.stdout)
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    """Write a scenario calibrated from the exports; refuse to overwrite without --force."""
    from budget.calibrate import calibration
    from budget.cli_render import money
    from budget.exports import billing_rollup, telemetry_rollup

    out = Path(args.out)
    billing, telemetry = split_exports(args.paths, args.telemetry)
    check_target(out, "--out")
    if out.exists() and not args.force:
        raise BudgetInputError(str(out), "already exists",
                               fix="choose another --out, or add --force to replace it")
    if not 2 <= args.weeks <= 52:
        raise BudgetInputError("--weeks", f"must be 2 to 52, got {args.weeks}",
                               fix="use the default of 8")
    exports = open_exports(billing, telemetry, args.tag_map)
    result = calibration(billing_rollup(exports), telemetry_rollup(exports), args.weeks,
                         args.name, str(out))
    write_atomically(out, result.toml)
    print(f"wrote {out}: {result.line_counts}; first month {result.first_month} forecast "
          f"{money(result.first_month_usd)}", file=sys.stderr)
    return 0


def _backtest(args: argparse.Namespace) -> int:
    """Score the forecasts made from each full month against the months that followed."""
    from tqdm import tqdm

    from budget.backtest import backtest, backtest_json
    from budget.cli_render import write_backtest_table
    from budget.exports import billing_rollup, telemetry_rollup

    billing, telemetry = split_exports(args.paths, args.telemetry)
    exports = open_exports(billing, telemetry, args.tag_map)
    rows, tele = billing_rollup(exports), telemetry_rollup(exports)
    with tqdm(desc=f"backtest ({args.method})", unit="origin", file=sys.stderr,
              leave=False) as bar:
        def advance(done: int, of: int) -> None:
            bar.total = of
            bar.update(done - bar.n)

        result = backtest(rows, tele, args.horizons, args.method, advance)
    if args.format == "json":
        print_json(backtest_json(result))
    else:
        write_backtest_table(result, sys.stdout)
    return 0


RUNNERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": _ingest, "calibrate": _calibrate, "backtest": _backtest, "digest": _digest,
    "alerts": _alerts,
    "chargeback": _chargeback, "focus-check": _focus_check,
}
