"""The CLI commands over scenario files: forecast, sensitivity, capacity, diff, compare, report,
export, new, and the sample exports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from budget.errors import BudgetInputError, shown
from budget.files import check_target, write_atomically
from budget.months import month_labels
from budget.scenario import load_scenario, override_drivers
from budget.scenario_model import Scenario
from budget.scenario_templates import COMPANY_TEMPLATES, template_toml
from budget.storage import write_new

MAX_COPIES = 1_000  # sample-data --copies: 1,000 copies are ~1 GB of Parquet


def _scenario(args: argparse.Namespace) -> Scenario:
    """Return the scenario file of the command with its --set overrides applied."""
    return override_drivers(load_scenario(args.scenario), args.overrides)


def _forecast(args: argparse.Namespace) -> int:
    """Print the monthly forecast as a table, JSON or CSV lines."""
    from budget.cli_json import forecast_json, print_json
    from budget.cli_render import write_csv, write_table
    from budget.forecast import forecast

    result = forecast(_scenario(args))
    if args.format == "json":
        print_json(forecast_json(result))
    elif args.format == "csv":
        write_csv(result, sys.stdout)
    else:
        write_table(result, sys.stdout)
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    """Print the tornado, Monte Carlo percentiles and (unless --no-sobol) Sobol indices."""
    from budget.cli_json import print_json, sensitivity_json
    from budget.cli_render import write_sensitivity_table

    scenario = _scenario(args)
    if args.draws < 100 or args.draws > 1_000_000:
        raise BudgetInputError("--draws", f"must be 100 to 1,000,000, got {args.draws}",
                               fix="use the default of 10,000 or a value in that range")
    if not 0 <= args.seed < 2**32:
        raise BudgetInputError("--seed", f"must be 0 to {2**32 - 1:,}, got {args.seed}",
                               fix="use a whole number such as 0")
    data = sensitivity_json(scenario, args.draws, args.seed, not args.no_sobol)
    if args.format == "json":
        print_json(data)
    else:
        write_sensitivity_table(data, sys.stdout)
    return 0


def _capacity(args: argparse.Namespace) -> int:
    """Print GPU bands, procurement strategies and break-even volumes."""
    from budget.cli_json import capacity_json, print_json
    from budget.cli_render import write_capacity_table
    from budget.plan_scale import check_capacity_scale

    scenario = _scenario(args)
    check_capacity_scale(scenario)
    data = capacity_json(scenario)
    if args.format == "json":
        print_json(data)
    else:
        write_capacity_table(data, scenario, sys.stdout)
    return 0


def _diff(args: argparse.Namespace) -> int:
    """Print what changed between two scenario files and the bridge of the horizon total."""
    from budget.bridge import bridge, bridge_json
    from budget.cli_json import print_json
    from budget.cli_render import write_diff_table

    result = bridge(load_scenario(args.old), load_scenario(args.new))
    if args.format == "json":
        print_json(bridge_json(result))
    else:
        write_diff_table(result, sys.stdout)
    return 0


def _compare(args: argparse.Namespace) -> int:
    """Print each file's horizon total and its change against the first file's (--set on all)."""
    from budget.cli_json import compare_json, print_json
    from budget.cli_render import write_compare_table
    from budget.comparison import COMPARE_SCENARIOS, compare
    from budget.forecast import forecast

    fewest, most = COMPARE_SCENARIOS  # the base and 1 to 5 others
    if not fewest <= len(args.files) <= most:
        raise BudgetInputError("compare", f"takes {fewest} to {most} scenario files, got "
                               f"{len(args.files)}",
                               fix=f"give the base file, then 1 to {most - 1} others")
    results = [(file, forecast(override_drivers(load_scenario(file), args.overrides)))
               for file in args.files]
    data = compare_json(compare(results))
    if args.format == "json":
        print_json(data)
    else:
        write_compare_table(data, sys.stdout)
    return 0


def _report(args: argparse.Namespace) -> int:
    """Write the executive summary PDF."""
    from budget.bridge import bridge
    from budget.provenance import provenance
    from budget.report import summary_pdf

    out = Path(args.out)
    check_target(out, "--out")  # before the PDF is built
    file_plan = load_scenario(args.scenario)
    scenario = override_drivers(file_plan, args.overrides)
    previous = bridge(load_scenario(args.previous), scenario) if args.previous else None
    actuals = None
    if args.actuals:  # the exports' engine (DuckDB, Ibis) is imported only when read
        from budget.actuals import actuals_summary
        from budget.backtest import backtest, with_track_record
        from budget.cli_exports import open_exports
        from budget.export_folders import export_folders
        from budget.exports import billing_rollup, telemetry_rollup

        folders = export_folders(Path(args.actuals))
        exports = open_exports([str(folders.billing)],
                               [str(folders.telemetry)] if folders.telemetry else [])
        rows, telemetry = billing_rollup(exports), telemetry_rollup(exports)
        actuals = with_track_record(actuals_summary(rows),
                                    lambda: backtest(rows, telemetry, (1,), "calibrate"))
    pdf = summary_pdf(scenario, previous, actuals, view=provenance(file_plan, scenario))
    write_atomically(out, pdf)
    print(f"wrote {out} ({len(pdf) / 1024:,.0f} KB)", file=sys.stderr)
    return 0


EXPORT_FORMATS = (".xlsx", ".pptx")  # the suffixes `export` writes


def _export(args: argparse.Namespace) -> int:
    """Write the Excel workbook or the slide deck of a scenario (with its provenance)."""
    from budget.bridge import bridge
    from budget.provenance import provenance
    from budget.report import report_results

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise BudgetInputError("--out", f"{shown(out.name)} is neither a workbook (.xlsx) nor "
                               "a slide deck (.pptx)", fix="name the file FILE.xlsx or FILE.pptx")
    check_target(out, "--out")
    file_plan = load_scenario(args.scenario)
    scenario = override_drivers(file_plan, args.overrides)
    previous = bridge(load_scenario(args.previous), scenario) if args.previous else None
    results, view = report_results(scenario, previous), provenance(file_plan, scenario)
    if suffix == ".xlsx":
        from budget.workbook import workbook_xlsx

        data = workbook_xlsx(results, view)
    else:
        from budget.deck import deck_pptx

        data = deck_pptx(results, view, previous, f"{date.today():%Y-%m-%d}")
    write_atomically(out, data)
    print(f"wrote {out} ({len(data) / 1024:,.0f} KB)", file=sys.stderr)
    return 0


def next_month(today: date) -> str:
    """Return the month after `today`'s, YYYY-MM: `new`'s default start."""
    return month_labels(f"{today:%Y-%m}", 2)[1]


def _new(args: argparse.Namespace) -> int:
    """Write a scenario file from a template; never over an existing file."""
    out = Path(args.out)
    check_target(out, "--out")  # a folder or a device: named as such
    taken = BudgetInputError(str(out), "already exists, and new never replaces a file",
                             fix="choose another --out, or delete that file first")
    if out.exists() or out.is_symlink():
        raise taken
    start = args.start or next_month(date.today())
    text = template_toml(args.template, start, args.name, label=str(out))
    try:
        write_new(out, text)
    except FileExistsError:
        raise taken from None  # made between the check and the write
    except OSError as exc:
        raise BudgetInputError(str(out), f"cannot be written ({exc.strerror})",
                               fix="choose --out in a folder you can write to") from None
    label = COMPANY_TEMPLATES[args.template].label
    print(f"wrote {out}: the {label} template, 12 months from {start}", file=sys.stderr)
    return 0


def _sample_data(args: argparse.Namespace) -> int:
    """Write the seeded sample exports under --out, --copies times the billing rows."""
    from budget.sample_data import generate

    if not 1 <= args.copies <= MAX_COPIES:
        raise BudgetInputError("--copies", f"must be 1 to {MAX_COPIES:,}, got {args.copies}",
                               fix="use 1 for the sample as shipped")
    counts = generate(Path(args.out), copies=args.copies)
    print(f"wrote {counts['billing']:,} billing and {counts['telemetry']:,} telemetry rows "
          f"under {args.out}", file=sys.stderr)
    return 0


RUNNERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "forecast": _forecast, "sensitivity": _sensitivity, "capacity": _capacity, "diff": _diff,
    "compare": _compare, "report": _report, "export": _export, "new": _new,
    "sample-data": _sample_data,
}
