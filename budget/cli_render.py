"""The CLI's text output: aligned tables of forecasts, sensitivity, exports, alerts and plans."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TextIO

from budget.fmt import signed_usd

if TYPE_CHECKING:  # the tables import the engine only where they compute with it
    from budget.alerts import Alert
    from budget.allocation import Chargeback
    from budget.backtest import Backtest
    from budget.bridge import Bridge
    from budget.forecast import Forecast
    from budget.scenario_model import Scenario


def money(value: float | None) -> str:
    """Return 1,234.56 (no currency sign), or '—' for None/NaN."""
    return "—" if value is None or math.isnan(value) else f"{value:,.2f}"


def _signed(change: float) -> tuple[str, str]:
    """Return a change split as (sign, amount): ('+', '1,234.56'), no currency sign."""
    text = signed_usd(change, decimals=2)
    return text[0], text[1:].removeprefix("$")


def write_table(result: Forecast, out: TextIO) -> None:
    """Write a human-readable month × category table with totals and unit costs."""
    import numpy as np

    from budget.forecast import CATEGORIES

    table = np.column_stack([result.category_usd, result.month_total_usd])
    headers = ["month", *CATEGORIES, "total"]
    rows = [[month, *(money(v) for v in row)] for month, row in zip(
        result.months, table.tolist(), strict=True)]
    rows.append(["horizon", *(money(v) for v in table.sum(axis=0).tolist())])
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
    out.write(f"\nhorizon total: {money(result.total_cost_usd)} {result.scenario.currency}\n")
    out.write(f"inference cost per 1K requests: {money(units.usd_per_1k_requests)}\n")
    out.write(f"inference cost per 1M tokens: {money(units.usd_per_1m_tokens)}\n")


def write_csv(result: Forecast, out: TextIO) -> None:
    """Write the forecast lines: one row per workload per month."""
    result.lines.to_csv(out, index=False, lineterminator="\n")


def write_sensitivity_table(data: dict[str, Any], out: TextIO) -> None:
    """Write the sensitivity results as aligned text."""
    out.write(f"base horizon total: {money(data['base_total'])}\n\n")
    out.write("tornado (one input at a time, P10 → P90):\n")
    width = max(len(b["input"]) for b in data["tornado"])
    for b in data["tornado"]:
        flag = "  non-linear" if b["nonlinear"] else ""
        out.write(f"  {b['input'].ljust(width)}  {b['low_value']:>8.4g} → {b['high_value']:<8.4g}"
                  f"  {money(b['low_total']):>15} → {money(b['high_total']):<15}"
                  f"  swing {money(b['swing'])}{flag}\n")
    mc = data["monte_carlo"]
    out.write(f"\nMonte Carlo ({mc['draws']:,} draws, seed {mc['seed']}): "
              f"P10 {money(mc['p10'])}  P50 {money(mc['p50'])}  P90 {money(mc['p90'])}\n")
    if "sobol" in data:
        out.write("\nSobol indices of the horizon total (first-order S1, total ST):\n")
        for name, index in data["sobol"].items():
            out.write(f"  {name.ljust(width)}  S1 {index['S1']:6.3f}  ST {index['ST']:6.3f}\n")


def write_capacity_table(data: dict[str, Any], scenario: Scenario, out: TextIO) -> None:
    """Write GPU bands, procurement strategies and break-even volumes as aligned text."""
    from budget.breakeven import break_even
    from budget.procurement import strategies

    bands = data["bands"]
    out.write("concurrent GPUs at the horizon's peak month:\n")
    for pool in bands["baseline"]:
        out.write(f"  {pool:<14} baseline {bands['baseline'][pool]:7.1f}   expected peak "
                  f"{bands['expected_peak'][pool]:7.1f}   stress peak "
                  f"{bands['stress_peak'][pool]:7.1f}\n")
    out.write("procurement over the horizon:\n")
    for s in strategies(scenario):
        reserved = ", ".join(f"{p} {n}" for p, n in s.reserved_gpus.items() if n) or "none"
        out.write(f"  {s.name:<30} {money(s.cost):>16}   reserved: {reserved}   idle reserved "
                  f"{money(s.idle_reserved_usd)}\n")
    out.write("self-host vs API break-even (requests per month):\n")
    for b in break_even(scenario):
        where = money(b.requests_per_month) if b.requests_per_month else "never"
        out.write(f"  {b.label:<20} {where:>16}   planned "
                  f"{b.planned_requests_per_month:,.0f}\n")


def write_diff_table(result: Bridge, out: TextIO) -> None:
    """Write the old and new horizon totals and each step of the bridge, with the changes of a
    grouped step listed beneath it."""
    sign, amount = _signed(result.new_total - result.old_total)
    out.write(f"old total {money(result.old_total)}  →  new total {money(result.new_total)}  "
              f"({sign}{amount})\n")
    for step in result.steps:
        sign, amount = _signed(step.delta)
        out.write(f"  {sign}{amount:>14}  {step.change}\n")
        if len(step.changes) > 1:  # a grouped step names each change inside it
            for change in step.changes:
                out.write(f"  {'':>15}    · {change}\n")
    if not result.steps:
        out.write("  no assumption changed\n")


def write_compare_table(data: dict[str, Any], out: TextIO) -> None:
    """Write one aligned row per compared scenario: horizon total and change against the base."""
    headers = ["file", "name", "months", "total", "delta USD", "delta %"]
    rows = [headers]
    for s in data["scenarios"]:
        sign, amount = _signed(s["delta_usd"])
        pct = "—" if s["delta_pct"] is None else f"{s['delta_pct']:+.2f}%"
        rows.append([s["file"], s["name"], str(s["months"]), money(s["total"]),
                     sign + amount, pct])
    widths = [max(len(r[i]) for r in rows) for i in range(len(headers))]
    out.write(f"base: {data['base']}\n\n")
    for i, row in enumerate(rows):
        cells = [c.ljust(widths[j]) if j < 2 else c.rjust(widths[j]) for j, c in enumerate(row)]
        out.write("  ".join(cells).rstrip() + "\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def write_ingest_table(summary: dict[str, Any], out: TextIO) -> None:
    """Write the exports' rows, dates and billed and effective totals by currency and group."""
    out.write(f"{summary['rows']:,} rows, {summary['start']} to {summary['end']}, "
              f"currencies: {', '.join(summary['currencies'])}\n")
    for currency, pair in summary["by_currency"].items():
        out.write(f"  {currency}: billed {money(pair['billed_cost'])}, "
                  f"effective {money(pair['effective_cost'])}\n")
    for title, key in (("by provider", "by_provider"),
                       ("by service category", "by_service_category")):
        out.write(f"{title}:\n")
        for name, value in summary[key].items():
            pairs = value.items() if "billed_cost" not in value else [("", value)]
            for currency, pair in pairs:
                label = f"{name} ({currency})" if currency else name
                out.write(f"  {label}: billed {money(pair['billed_cost'])}\n")
    if summary["unallocated_billed_cost"] is not None:
        out.write(f"unallocated (no team tag): billed "
                  f"{money(summary['unallocated_billed_cost'])}\n")


def write_alerts_table(alerts: list[Alert], out: TextIO) -> None:
    """Write alerts as an aligned text table, oldest first."""
    if not alerts:
        out.write("no alerts\n")
        return
    for a in alerts:
        change = f"{a.change:+.0%}" if a.expected else "new"
        out.write(f"{a.start}  {a.kind:<18} {a.subject:<32} expected {a.expected:,.2f}, actual "
                  f"{a.actual:,.2f} {a.unit} ({change}), impact USD {money(a.impact_usd)}"
                  + (f"; active: {a.context}" if a.context else "") + "\n")


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


def write_backtest_table(result: Backtest, out: TextIO) -> None:
    """Write the backtest's scores by horizon, then each category's MAPE."""
    out.write(f"backtest of the {result.method} forecasts, rolling origin over full months\n\n")
    headers = ["months ahead", "origins", "MAPE", "bias", "naive MAPE", "in P10-P90"]
    rows = [[str(s.months_ahead), str(s.origins), f"{s.mape:.2%}", f"{s.bias:+.2%}",
             f"{s.naive_mape:.2%}", f"{s.interval_coverage:.0%}"] for s in result.horizons]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for i, row in enumerate([headers, *rows]):
        out.write("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + "\n")
        if i == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    if result.by_category:
        out.write("\nMAPE by category\n")
        for category, by_horizon in result.by_category.items():
            cells = "  ".join(f"{h} ahead {m:.2%}" for h, m in by_horizon.items())
            out.write(f"  {category:<20} {cells}\n")
