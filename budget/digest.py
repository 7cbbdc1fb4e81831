"""The weekly digest: top models, top endpoints, budget variances and new alerts, as Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

import pandas as pd

from budget.alerts import Alert, all_alerts
from budget.burn import plan_month
from budget.errors import BudgetInputError
from budget.fmt import signed_usd, usd
from budget.forecast import forecast
from budget.scenario_model import Scenario
from budget.text import md_escape
from budget.weeks import week_bounds

TOP = 5


def _change(now: float, before: float) -> str:
    if not before:
        return "new this week"
    change = now / before - 1
    return "flat vs the week before" if abs(change) < 0.005 else (
        f"{change:+.0%} vs the week before")


def digest_markdown(billing: pd.DataFrame, telemetry: pd.DataFrame, week: str,
                    scenario: Scenario | None = None,
                    alerts: Sequence[Alert] | None = None) -> str:
    """Return the digest of one ISO week of USD actuals, ready for a chat channel.

    `alerts` are the ones already computed over the same rollups (default: all_alerts).
    """
    start, end = week_bounds(week)
    usd_rows = billing[billing["currency"] == "USD"]
    days = usd_rows["day"].dt.date
    this = usd_rows[(days >= start) & (days <= end)]
    last = usd_rows[(days >= start - timedelta(days=7)) & (days < start)]
    if this.empty:
        raise BudgetInputError("--week", f"no USD actuals in {week} ({start} to {end})",
                               fix="pick a week the exports cover")
    total, before = float(this["effective_cost"].sum()), float(last["effective_cost"].sum())
    lines = [f"# AI spend, week {week} ({start} to {end})", "",
             f"Total {usd(total)} ({_change(total, before)}).", ""]
    for title, dimension in (("Top models", "model"), ("Top endpoints", "endpoint")):
        lines += [f"## {title}", ""]
        now = this.groupby(dimension)["effective_cost"].sum().sort_values(ascending=False)
        prior = last.groupby(dimension)["effective_cost"].sum()
        for name, cost in now.head(TOP).items():
            extra = ""
            if dimension == "endpoint" and not telemetry.empty:
                t = telemetry[(telemetry["endpoint"] == name)
                              & (telemetry["day"].dt.date >= start)
                              & (telemetry["day"].dt.date <= end)]
                if t["requests"].sum() > 0:
                    extra = f", {usd(float(cost) / float(t['requests'].sum()) * 1000, 4)} per 1K"
            lines.append(f"- {md_escape(str(name))}: {usd(float(cost))} "
                         f"({_change(float(cost), float(prior.get(name, 0.0)))}{extra})")
        lines.append("")
    if scenario is not None:
        lines += ["## Budget variances (by team, against the plan's weekly run-rate)", ""]
        lines += [f"- {md_escape(team)}: {usd(actual)} actual vs {usd(plan)} planned "
                  f"({signed_usd(actual - plan)})"
                  for team, actual, plan in team_variances(this, scenario, start)[:TOP]]
        lines.append("")
    lines += ["## New alerts", ""]
    if alerts is None:
        alerts = all_alerts(billing, telemetry)
    new = [a for a in alerts if start <= a.start <= end]
    lines += [f"- {a.kind.replace('_', ' ')}, {md_escape(a.subject)}, since {a.start}: expected "
              f"{a.expected:,.2f}, actual {a.actual:,.2f} ({a.change:+.0%}), impact about "
              f"{usd(a.impact_usd)}"
              + (f"; active then: {md_escape(a.context)}" if a.context else "")
              for a in new] or ["- none"]
    return "\n".join(lines) + "\n"


def team_variances(week_rows: pd.DataFrame, scenario: Scenario,
                   monday: date) -> list[tuple[str, float, float]]:
    """Return (team, actual, plan) for the week, largest absolute variance first.

    The plan is the scenario's month containing the week, or its nearest month when the week is
    outside the horizon, scaled to 7 days.
    """
    result = forecast(scenario)
    label = plan_month(result, f"{monday:%Y-%m}")
    lines = result.lines[result.lines["month"] == label]
    days_in_month = pd.Period(label).days_in_month
    plan = {str(k): float(v) for k, v in
            (lines.groupby("team")["cost_usd"].sum() * 7 / days_in_month).items()}
    actual = {str(k): float(v) for k, v in
              week_rows.groupby("team")["effective_cost"].sum().items()}
    teams = sorted(set(plan) | set(actual))
    rows = [(str(t), float(actual.get(t, 0.0)), float(plan.get(t, 0.0))) for t in teams]
    return sorted(rows, key=lambda r: -abs(r[1] - r[2]))


def on_page(text: str) -> str:
    """Return the digest with its # and ## headings as #### and #####: smaller, on a page."""
    return re.sub(r"(?m)^(#{1,2}) ", r"###\1 ", text)
