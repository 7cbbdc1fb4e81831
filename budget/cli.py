"""Command line: `python -m budget COMMAND …`: parse the arguments, run the command, exit 2 on bad
input with one line on stderr.

The rooms: cli_parser (arguments), cli_scenario and cli_exports (the commands), cli_json (the JSON
contracts), cli_render (the text tables).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from budget import cli_exports, cli_scenario
from budget.cli_parser import EXIT_BAD_INPUT, parser
from budget.errors import BudgetInputError

RUNNERS = {**cli_scenario.RUNNERS, **cli_exports.RUNNERS}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input: one line on stderr)."""
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except BudgetInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; BudgetInputError for bad input."""
    return RUNNERS[args.command](args)
