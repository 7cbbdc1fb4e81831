"""Command line: `python -m budget forecast|sensitivity SCENARIO.toml [--set DRIVER=VALUE ...]`."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from budget.actuals import actuals_summary
from budget.allocation import (
    COST_BASES,
    DEFAULT_WEIGHTS,
    EXAMPLE_WEIGHTS,
    METHODS,
    WEIGHTED_METHODS,
    Chargeback,
    chargeback,
    chargeback_json,
    exports_total,
    load_weights,
)
from budget.breakeven import break_even
from budget.bridge import bridge, bridge_json
from budget.calibrate import calibrate, calibrated_scenario, to_toml
from budget.capacity import capacity_plan, strategies
from budget.digest import digest_markdown, week_bounds
from budget.errors import BudgetInputError, visible
from budget.files import check_target, write_atomically
from budget.focus_conformance import VERSIONS as FOCUS_VERSIONS
from budget.focus_conformance import check_focus
from budget.forecast import CATEGORIES, Forecast, forecast
from budget.inputs import INPUT_NAMES
from budget.monitoring import Alert, AlertSettings, all_alerts
from budget.params import parse_decimal, parse_whole
from budget.plan_scale import check_capacity_scale
from budget.sample_data import generate
from budget.scenario import Scenario, load_scenario, override_drivers
from budget.sensitivity import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    monte_carlo,
    scenario_sobol,
    tornado,
)

if TYPE_CHECKING:  # DuckDB, Ibis and Altair load only for the commands that use them
    from budget.exports import Exports

EXIT_BAD_INPUT = 2
MAX_COPIES = 1_000  # sample-data --copies: 1,000 copies are ~1 GB of Parquet


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


def sensitivity_json(scenario: Scenario, draws: int, seed: int,
                     with_sobol: bool) -> dict[str, Any]:
    """Return tornado, Monte Carlo and (optionally) Sobol results in the CLI's JSON contract."""
    base, bars = tornado(scenario)
    mc = monte_carlo(scenario, draws, seed)
    out: dict[str, Any] = {
        "base_total": base,
        "tornado": [
            {"input": b.input, "low_value": b.low_value, "high_value": b.high_value,
             "low_total": b.low_total, "high_total": b.high_total, "swing": b.swing,
             "nonlinear": b.nonlinear}
            for b in bars
        ],
        "monte_carlo": {"draws": draws, "seed": seed, "p10": mc.p10, "p50": mc.p50,
                        "p90": mc.p90},
    }
    if with_sobol:
        out["sobol"] = {name: {"S1": i.s1, "ST": i.st}
                        for name, i in scenario_sobol(scenario, seed=seed).items()}
    return out


def write_sensitivity_table(data: dict[str, Any], out: TextIO) -> None:
    """Write the sensitivity results as aligned text."""
    out.write(f"base horizon total: {_money(data['base_total'])}\n\n")
    out.write("tornado (one input at a time, P10 → P90):\n")
    width = max(len(b["input"]) for b in data["tornado"])
    for b in data["tornado"]:
        flag = "  non-linear" if b["nonlinear"] else ""
        out.write(f"  {b['input'].ljust(width)}  {b['low_value']:>8.4g} → {b['high_value']:<8.4g}"
                  f"  {_money(b['low_total']):>15} → {_money(b['high_total']):<15}"
                  f"  swing {_money(b['swing'])}{flag}\n")
    mc = data["monte_carlo"]
    out.write(f"\nMonte Carlo ({mc['draws']:,} draws, seed {mc['seed']}): "
              f"P10 {_money(mc['p10'])}  P50 {_money(mc['p50'])}  P90 {_money(mc['p90'])}\n")
    if "sobol" in data:
        out.write("\nSobol indices of the horizon total (first-order S1, total ST):\n")
        for name, index in data["sobol"].items():
            out.write(f"  {name.ljust(width)}  S1 {index['S1']:6.3f}  ST {index['ST']:6.3f}\n")


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


def _open(billing: list[str], telemetry: list[str] | None = None,
          tag_map: list[str] | None = None) -> Exports:
    """Open the exports and print what the read should tell the user (notes) on stderr."""
    from budget.exports import TagMap, open_exports, reading_notes

    exports = open_exports(billing, telemetry or [], TagMap().with_overrides(tag_map or []))
    for note in reading_notes(exports):
        print(f"note: {note}", file=sys.stderr)
    return exports


def _ingest(paths: list[str], tag_map: list[str], fmt: str) -> int:
    """Read and validate billing exports; print the totals as JSON or a table."""
    from budget.exports import ingest_summary

    billing, _ = _split_exports(paths, [])
    summary = ingest_summary(_open(billing, tag_map=tag_map))
    if fmt == "json":
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    out = sys.stdout
    out.write(f"{summary['rows']:,} rows, {summary['start']} to {summary['end']}, "
              f"currencies: {', '.join(summary['currencies'])}\n")
    for currency, pair in summary["by_currency"].items():
        out.write(f"  {currency}: billed {_money(pair['billed_cost'])}, "
                  f"effective {_money(pair['effective_cost'])}\n")
    for title, key in (("by provider", "by_provider"),
                       ("by service category", "by_service_category")):
        out.write(f"{title}:\n")
        for name, value in summary[key].items():
            pairs = value.items() if "billed_cost" not in value else [("", value)]
            for currency, pair in pairs:
                label = f"{name} ({currency})" if currency else name
                out.write(f"  {label}: billed {_money(pair['billed_cost'])}\n")
    if summary["unallocated_billed_cost"] is not None:
        out.write(f"unallocated (no team tag): billed "
                  f"{_money(summary['unallocated_billed_cost'])}\n")
    return 0


def _focus_check(paths: list[str], version: str, fmt: str) -> int:
    """Print each way the exports break FOCUS; exit 1 when there is any, 0 when none."""
    billing, _ = _split_exports(paths, [])
    problems = [(path, p) for path in billing for p in check_focus(path, version)]
    if fmt == "json":
        json.dump({"version": version, "problems": [
            {"export": path, "column": p.column, "rows": p.rows, "message": p.message}
            for path, p in problems]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for path, p in problems:
            sys.stdout.write(f"{path}: {p.message}\n")
        sys.stdout.write(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} "
                         f"against FOCUS {version}\n")
    return 1 if problems else 0


def _split_exports(paths: list[str], telemetry: list[str]) -> tuple[list[str], list[str]]:
    """Return (billing, telemetry) paths: a folder holding billing/ (and telemetry/) counts
    for both."""
    billing: list[str] = []
    telemetry = list(telemetry)
    for spec in paths:
        folder = Path(spec)
        if folder.is_dir() and (folder / "billing").is_dir():
            billing.append(str(folder / "billing"))
            if (folder / "telemetry").is_dir():
                telemetry.append(str(folder / "telemetry"))
        else:
            billing.append(spec)
    return billing, telemetry


def _digest(args: argparse.Namespace) -> int:
    """Print the weekly digest as Markdown."""
    from budget.exports import billing_rollup, telemetry_rollup

    billing, telemetry = _split_exports(args.paths, args.telemetry)
    week_bounds(args.week)
    scenario = load_scenario(args.scenario) if args.scenario else None
    exports = _open(billing, telemetry)
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


def write_alerts_table(alerts: list[Alert], out: TextIO) -> None:
    """Write alerts as an aligned text table, oldest first."""
    if not alerts:
        out.write("no alerts\n")
        return
    for a in alerts:
        change = f"{a.change:+.0%}" if a.expected else "new"
        out.write(f"{a.start}  {a.kind:<18} {a.subject:<32} expected {a.expected:,.2f}, actual "
                  f"{a.actual:,.2f} {a.unit} ({change}), impact USD {_money(a.impact_usd)}"
                  + (f"; active: {a.context}" if a.context else "") + "\n")


def _alerts(args: argparse.Namespace) -> int:
    """Print the trend-break alerts as JSON or a table."""
    from budget.exports import billing_rollup, telemetry_rollup

    billing, telemetry = _split_exports(args.paths, args.telemetry)
    since = _since(args.since)
    if not 0 < args.threshold < 10:
        raise BudgetInputError("--threshold", f"must be above 0 and below 10, got "
                               f"{args.threshold}", fix="write 0.18 for 18%")
    if args.floor_usd < 0:
        raise BudgetInputError("--floor-usd", f"must be 0 or more, got {args.floor_usd}",
                               fix="write the weekly impact in USD, e.g. 200")
    planned = ({t.name: t.gpu_hours_per_run for t in load_scenario(args.scenario).training}
               if args.scenario else None)
    exports = _open(billing, telemetry)
    settings = AlertSettings(unit_cost_threshold=args.threshold,
                             unit_cost_floor_usd=args.floor_usd)
    found = all_alerts(billing_rollup(exports), telemetry_rollup(exports), settings, planned)
    found = [a for a in found if since is None or a.start >= since]
    if args.format == "json":
        json.dump([a.to_json() for a in found], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        write_alerts_table(found, sys.stdout)
    return 0


def write_chargeback_table(result: Chargeback, out: TextIO) -> None:
    """Write the chargeback as an aligned text table with the pool and unallocated lines."""
    out.write(f"chargeback by {result.method}, {result.cost_basis}, {result.currency}; shared "
              f"pool ({', '.join(result.shared_teams)}) {result.pool_usd:,.2f}\n")
    out.write(f"{'team':<20}{'direct':>16}{'shared':>16}{'total':>16}\n")
    for row in result.table.to_dict("records"):
        out.write(f"{row['team']:<20}{row['direct_usd']:>16,.2f}{row['shared_usd']:>16,.2f}"
                  f"{row['total_usd']:>16,.2f}\n")
    out.write(f"{'unallocated':<20}{'':>16}{'':>16}{result.unallocated_usd:>16,.2f}\n")
    out.write(f"{'total':<20}{'':>16}{'':>16}{result.total_usd:>16,.2f}\n")


def _chargeback(args: argparse.Namespace) -> int:
    """Print the chargeback: direct cost per team plus its share of the shared pool."""
    from budget.exports import billing_rollup

    billing, _ = _split_exports(args.paths, [])
    weights = None
    weights_source = "weights"
    if args.method in WEIGHTED_METHODS:
        path = Path(args.weights) if args.weights else DEFAULT_WEIGHTS
        weights, weights_source = load_weights(path, args.method), str(path)
    elif args.weights:
        raise BudgetInputError("--weights", f'the "{args.method}" method takes no weights',
                               fix="leave --weights out, or use --method headcount or "
                               "revenue")
    exports = _open(billing)
    result = chargeback(billing_rollup(exports), args.method, weights, args.basis,
                        tuple(args.shared_team or ("platform",)),
                        total=exports_total(exports, args.basis),
                        source=exports.billing_sources.label, weights_source=weights_source)
    if result.teams_without_weight:
        print(f"warning: no {args.method} weight for " + ", ".join(result.teams_without_weight)
              + f" in {weights_source}: they pay no shared cost", file=sys.stderr)
    if args.format == "json":
        json.dump(chargeback_json(result), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        write_chargeback_table(result, sys.stdout)
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    """Write a scenario calibrated from the exports; refuse to overwrite without --force."""
    from budget.exports import billing_rollup, telemetry_rollup

    out = Path(args.out)
    billing, telemetry = _split_exports(args.paths, args.telemetry)
    check_target(out, "--out")
    if out.exists() and not args.force:
        raise BudgetInputError(str(out), "already exists",
                               fix="choose another --out, or add --force to replace it")
    if not 2 <= args.weeks <= 52:
        raise BudgetInputError("--weeks", f"must be 2 to 52, got {args.weeks}",
                               fix="use the default of 8")
    exports = _open(billing, telemetry, args.tag_map)
    data = calibrate(billing_rollup(exports), telemetry_rollup(exports), args.weeks,
                     args.name)
    scenario = calibrated_scenario(data, str(out))
    write_atomically(out, to_toml(data))
    result = forecast(scenario)
    print(f"wrote {out}: {len(scenario.inference)} inference, {len(scenario.training)} training, "
          f"{len(scenario.experimentation)} experimentation and {len(scenario.platform)} platform "
          f"lines; first month {result.months[0]} forecast {_money(result.run_rate_usd(0))}",
          file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    """Write the executive summary PDF."""
    from budget.exports import billing_rollup
    from budget.report import summary_pdf

    out = Path(args.out)
    check_target(out, "--out")  # before the PDF is built
    scenario = override_drivers(load_scenario(args.scenario), args.overrides)
    previous = bridge(load_scenario(args.previous), scenario) if args.previous else None
    actuals = None
    if args.actuals:
        folder = Path(args.actuals)
        billing = folder / "billing" if (folder / "billing").is_dir() else folder
        actuals = actuals_summary(billing_rollup(_open([str(billing)])))
    pdf = summary_pdf(scenario, previous, actuals)
    write_atomically(out, pdf)
    print(f"wrote {out} ({len(pdf) / 1024:,.0f} KB)", file=sys.stderr)
    return 0


def _diff(old_path: str, new_path: str, fmt: str) -> int:
    """Print what changed between two scenario files and the bridge of the horizon total."""
    result = bridge(load_scenario(old_path), load_scenario(new_path))
    if fmt == "json":
        json.dump(bridge_json(result), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    change = result.new_total - result.old_total
    print(f"old total {_money(result.old_total)}  →  new total {_money(result.new_total)}  "
          f"({'+' if change >= 0 else '-'}{_money(abs(change))})")
    for step in result.steps:
        print(f"  {'+' if step.delta >= 0 else '-'}{_money(abs(step.delta)):>14}  {step.change}")
    if not result.steps:
        print("  no assumption changed")
    return 0


def capacity_json(scenario: Scenario) -> dict[str, Any]:
    """Return the capacity CLI's JSON contract."""
    plan = capacity_plan(scenario)
    return {
        "bands": {band: plan.peak_month(band)
                  for band in ("baseline", "expected_peak", "stress_peak")},
        "strategies": [{"name": s.name, "cost": s.cost} if s.name == "all_on_demand" else
                       {"name": s.name, "cost": s.cost, "reserved_gpus": s.reserved_gpus}
                       for s in strategies(scenario)],
        "break_even": [{"workload": b.workload, "requests_per_month": b.requests_per_month}
                       for b in break_even(scenario)],
    }


def _capacity(args: argparse.Namespace) -> int:
    """Print GPU bands, procurement strategies and break-even volumes."""
    scenario = override_drivers(load_scenario(args.scenario), args.overrides)
    check_capacity_scale(scenario)
    data = capacity_json(scenario)
    if args.format == "json":
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print("concurrent GPUs at the horizon's peak month:")
    for pool in data["bands"]["baseline"]:
        print(f"  {pool:<14} baseline {data['bands']['baseline'][pool]:7.1f}   expected peak "
              f"{data['bands']['expected_peak'][pool]:7.1f}   stress peak "
              f"{data['bands']['stress_peak'][pool]:7.1f}")
    print("procurement over the horizon:")
    for s in strategies(scenario):
        reserved = ", ".join(f"{p} {n}" for p, n in s.reserved_gpus.items() if n) or "none"
        print(f"  {s.name:<30} {_money(s.cost):>16}   reserved: {reserved}   idle reserved "
              f"{_money(s.idle_reserved_usd)}")
    print("self-host vs API break-even (requests per month):")
    for b in break_even(scenario):
        where = _money(b.requests_per_month) if b.requests_per_month else "never"
        print(f"  {b.workload:<20} {where:>16}   planned {b.planned_requests_per_month:,.0f}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2) like every other error."""

    def error(self, message: str) -> NoReturn:
        """Print 'error: PROG: MESSAGE. Fix: …' on one line and exit 2."""
        print(f"error: {visible(self.prog)}: {visible(message)}. Fix: see {self.prog} --help.",
              file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    sens = sub.add_parser("sensitivity", help="tornado, Monte Carlo and Sobol indices")
    sens.add_argument("scenario", help="path to a scenario TOML file")
    sens.add_argument("--set", dest="overrides", action="append", default=[],
                      metavar="DRIVER=VALUE", help="override a [drivers] key")
    sens.add_argument("--draws", type=_whole, default=DEFAULT_DRAWS,
                      help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,})")
    sens.add_argument("--seed", type=_whole, default=DEFAULT_SEED, help="random seed (default 0)")
    sens.add_argument("--format", choices=("table", "json"), default="table")
    sens.add_argument("--no-sobol", action="store_true", help="skip the Sobol indices")
    ing = sub.add_parser("ingest", help="read and validate FOCUS billing exports; print totals")
    ing.add_argument("paths", nargs="+", metavar="PATH",
                     help="FOCUS export files, globs or (hive-partitioned) folders")
    ing.add_argument("--tag-map", dest="tag_map", action="append", default=[],
                     metavar="DIMENSION=TAG", help="read DIMENSION (team, model, endpoint, "
                     "environment, workload_class, deployment_id, experiment) from tag key TAG")
    ing.add_argument("--format", choices=("table", "json"), default="table")
    cal = sub.add_parser("calibrate", help="derive a scenario file from actual spend")
    cal.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports, or a folder holding billing/ and telemetry/")
    cal.add_argument("--telemetry", action="append", default=[], metavar="PATH",
                     help="serving telemetry export (docs/exports.md), if not in the folder")
    cal.add_argument("--out", required=True, help="scenario TOML file to write")
    cal.add_argument("--weeks", type=_whole, default=8, help="weeks of history to use (default 8)")
    cal.add_argument("--name", help="scenario name (default: 'Calibrated from actuals to DATE')")
    cal.add_argument("--tag-map", dest="tag_map", action="append", default=[],
                     metavar="DIMENSION=TAG", help="as for ingest")
    cal.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    rep = sub.add_parser("report", help="executive summary PDF of a scenario")
    rep.add_argument("scenario", help="path to a scenario TOML file")
    rep.add_argument("--out", required=True, help="PDF file to write")
    rep.add_argument("--set", dest="overrides", action="append", default=[],
                     metavar="DRIVER=VALUE", help="override a [drivers] key")
    rep.add_argument("--previous", metavar="OLD.toml",
                     help="the previous version, for a 'what changed' section")
    rep.add_argument("--actuals", metavar="EXPORTS",
                     help="exports folder (billing/ …) to compare the plan with actual spend")
    dif = sub.add_parser("diff", help="what changed between two scenario versions")
    dif.add_argument("old", metavar="OLD.toml")
    dif.add_argument("new", metavar="NEW.toml")
    dif.add_argument("--format", choices=("table", "json"), default="table")
    cap = sub.add_parser("capacity", help="GPU capacity bands, procurement strategies, "
                         "self-host vs API break-even")
    cap.add_argument("scenario", help="path to a scenario TOML file")
    cap.add_argument("--set", dest="overrides", action="append", default=[],
                     metavar="DRIVER=VALUE", help="override a [drivers] key")
    cap.add_argument("--format", choices=("table", "json"), default="table")
    dig = sub.add_parser("digest", help="weekly digest of actual spend, as Markdown")
    dig.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports, or a folder holding billing/ and telemetry/")
    dig.add_argument("--week", required=True, help="ISO week, e.g. 2026-W33")
    dig.add_argument("--scenario", help="scenario TOML file for the budget variances")
    dig.add_argument("--telemetry", action="append", default=[], metavar="PATH",
                     help="serving telemetry export, if not in the folder")
    alr = sub.add_parser("alerts", help="trend-break alerts over actual spend")
    alr.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports, or a folder holding billing/ and telemetry/")
    alr.add_argument("--since", metavar="YYYY-MM-DD", help="only alerts that began on or after")
    alr.add_argument("--format", choices=("table", "json"), default="table")
    alr.add_argument("--telemetry", action="append", default=[], metavar="PATH",
                     help="serving telemetry export, if not in the folder")
    alr.add_argument("--threshold", type=_number, default=AlertSettings().unit_cost_threshold,
                     help="week-over-week rise in USD per 1K requests that alerts "
                     "(default 0.18 = 18%%)")
    alr.add_argument("--floor-usd", dest="floor_usd", type=_number,
                     default=AlertSettings().unit_cost_floor_usd,
                     help="…only when the weekly impact is at least this many USD (default 200)")
    alr.add_argument("--scenario", help="scenario TOML whose [[training]] GPU-hours per run are "
                     "the training forecasts (default: the median of earlier runs)")
    chg = sub.add_parser("chargeback", help="direct cost per team plus a share of the shared "
                         "platform pool; unallocated on its own line")
    chg.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports, or a folder holding billing/")
    chg.add_argument("--method", required=True, choices=METHODS,
                     help="how the shared pool is split: headcount or revenue (weights file), "
                     "usage (each team's direct cost) or even")
    chg.add_argument("--weights", metavar="FILE", help=f"TOML with [headcount] and [revenue] "
                     f"tables, team = weight (default {EXAMPLE_WEIGHTS})")
    chg.add_argument("--basis", choices=tuple(COST_BASES), default="EffectiveCost",
                     help="amortised EffectiveCost (default) or invoiced BilledCost")
    chg.add_argument("--shared-team", dest="shared_team", action="append", metavar="TEAM",
                     help="a team whose cost is the shared pool (default: platform); repeat "
                     "for several")
    chg.add_argument("--format", choices=("table", "json"), default="table")
    foc = sub.add_parser("focus-check", help="check exports against the FOCUS specification")
    foc.add_argument("paths", nargs="+", metavar="EXPORTS",
                     help="FOCUS billing exports (file or folder), or a folder holding billing/")
    foc.add_argument("--version", dest="focus_version", choices=FOCUS_VERSIONS, default="1.2",
                     help="FOCUS version to check against (default 1.2)")
    foc.add_argument("--format", choices=("table", "json"), default="table")
    gen = sub.add_parser("sample-data", help="write the seeded sample exports (Parquet)")
    gen.add_argument("--out", default="data/exports", help="output folder (default data/exports)")
    gen.add_argument("--copies", type=_whole, default=1,
                     help="repeat every billing row N times with costs split (for benchmarks)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 2 bad input: one line on stderr)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BudgetInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; BudgetInputError for bad input."""
    if args.command == "ingest":
        return _ingest(args.paths, args.tag_map, args.format)
    if args.command == "calibrate":
        return _calibrate(args)
    if args.command == "report":
        return _report(args)
    if args.command == "capacity":
        return _capacity(args)
    if args.command == "digest":
        return _digest(args)
    if args.command == "alerts":
        return _alerts(args)
    if args.command == "chargeback":
        return _chargeback(args)
    if args.command == "diff":
        return _diff(args.old, args.new, args.format)
    if args.command == "focus-check":
        return _focus_check(args.paths, args.focus_version, args.format)
    if args.command == "sample-data":
        if not 1 <= args.copies <= MAX_COPIES:
            raise BudgetInputError("--copies", f"must be 1 to {MAX_COPIES:,}, got {args.copies}",
                                   fix="use 1 for the sample as shipped")
        counts = generate(Path(args.out), copies=args.copies)
        print(f"wrote {counts['billing']:,} billing and {counts['telemetry']:,} telemetry rows "
              f"under {args.out}", file=sys.stderr)
        return 0
    scenario = override_drivers(load_scenario(args.scenario), args.overrides)
    if args.command == "sensitivity":
        if args.draws < 100 or args.draws > 1_000_000:
            raise BudgetInputError("--draws", f"must be 100 to 1,000,000, got {args.draws}",
                                   fix="use the default of 10,000 or a value in that range")
        if not 0 <= args.seed < 2**32:
            raise BudgetInputError("--seed", f"must be 0 to {2**32 - 1:,}, got {args.seed}",
                                   fix="use a whole number such as 0")
        data = sensitivity_json(scenario, args.draws, args.seed, not args.no_sobol)
        if args.format == "json":
            json.dump(data, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            write_sensitivity_table(data, sys.stdout)
        return 0
    result = forecast(scenario)
    if args.format == "json":
        json.dump(forecast_json(result), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        write_csv(result, sys.stdout)
    else:
        write_table(result, sys.stdout)
    return 0
