"""Command line: `python -m budget forecast SCENARIO.toml [--set DRIVER=VALUE ...]`."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from budget.errors import BudgetInputError
from budget.forecast import CATEGORIES, Forecast, forecast
from budget.inputs import INPUT_NAMES
from budget.scenario import load_scenario, override_drivers

EXIT_BAD_INPUT = 2


def forecast_json(result: Forecast) -> dict[str, Any]:
    """Return the forecast in the CLI's JSON contract (one number per month in each list)."""
    by_category = result.by_category
    by_workload = result.by_workload
    units = result.unit_costs
    return {
        "scenario": result.scenario.name,
        "currency": result.scenario.currency,
        "months": list(result.months),
        "by_category": {c: [float(v) for v in by_category[c]] for c in CATEGORIES},
        "by_workload": {w: [float(v) for v in by_workload[w]] for w in by_workload.columns},
        "total": [float(v) for v in result.total_usd],
        "total_cost": result.total_cost_usd,
        "unit_costs": {
            "per_1k_requests": units.usd_per_1k_requests,
            "per_1m_tokens": units.usd_per_1m_tokens,
        },
    }


def _money(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:,.2f}"


def write_table(result: Forecast, out: TextIO) -> None:
    """Write a human-readable month × category table with totals and unit costs."""
    table = result.by_category.copy()
    table["total"] = result.total_usd
    headers = ["month", *table.columns]
    rows = [[month, *(_money(v) for v in row)] for month, row in zip(
        table.index, table.to_numpy(), strict=True)]
    rows.append(["horizon", *(_money(v) for v in table.sum(axis=0))])
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    out.write(f"{result.scenario.name} — {result.scenario.currency}, "
              f"{result.months[0]} to {result.months[-1]}\n\n")
    for i, row in enumerate([headers, *rows]):
        cells = [str(c).ljust(widths[0]) if j == 0 else str(c).rjust(widths[j])
                 for j, c in enumerate(row)]
        out.write("  ".join(cells) + "\n")
        if i == 0 or i == len(rows) - 1:
            out.write("  ".join("-" * w for w in widths) + "\n")
    units = result.unit_costs
    out.write(f"\nhorizon total: {_money(result.total_cost_usd)} {result.scenario.currency}\n")
    out.write(f"inference cost per 1K requests: {_money(units.usd_per_1k_requests)}\n")
    out.write(f"inference cost per 1M tokens: {_money(units.usd_per_1m_tokens)}\n")


def write_csv(result: Forecast, out: TextIO) -> None:
    """Write the forecast lines: one row per workload per month."""
    result.lines.to_csv(out, index=False, lineterminator="\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m budget", description="AI infrastructure budget planner."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fc = sub.add_parser("forecast", help="monthly forecast of one scenario file")
    fc.add_argument("scenario", help="path to a scenario TOML file")
    fc.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="DRIVER=VALUE",
        help="override a [drivers] key: " + ", ".join(INPUT_NAMES),
    )
    fc.add_argument("--format", choices=("table", "json", "csv"), default="table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    try:
        scenario = override_drivers(load_scenario(args.scenario), args.overrides)
    except BudgetInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = forecast(scenario)
    if args.format == "json":
        json.dump(forecast_json(result), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        write_csv(result, sys.stdout)
    else:
        write_table(result, sys.stdout)
    return 0
