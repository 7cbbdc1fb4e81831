"""Command line: `python -m budget COMMAND …`: parse the arguments, run the command, exit 2 on bad
input with one line on stderr.

The rooms: cli_parser (arguments), cli_scenario and cli_exports (the commands), cli_json (the JSON
contracts), cli_render (the text tables). A command's module loads only when that command runs,
and each runner imports the engine it uses, so `forecast` never pays for DuckDB or Altair.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from budget.cli_parser import EXIT_BAD_INPUT, parser
from budget.errors import BudgetInputError

SCENARIO_COMMANDS = ("forecast", "sensitivity", "capacity", "diff", "compare", "report", "export",
                     "new", "sample-data")
EXPORTS_COMMANDS = ("ingest", "calibrate", "backtest", "digest", "alerts", "chargeback",
                    "focus-check")
COMMAND_MODULES: dict[str, str] = {  # command → the module whose RUNNERS runs it
    **dict.fromkeys(SCENARIO_COMMANDS, "budget.cli_scenario"),
    **dict.fromkeys(EXPORTS_COMMANDS, "budget.cli_exports"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input: one line on stderr)."""
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except BudgetInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def runner(command: str) -> Callable[[argparse.Namespace], int]:
    """Return the function that runs `command`, importing its module now."""
    runners: dict[str, Callable[[argparse.Namespace], int]]
    runners = importlib.import_module(COMMAND_MODULES[command]).RUNNERS
    return runners[command]


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; BudgetInputError for bad input."""
    return runner(args.command)(args)
