"""Weekly digest: the week's numbers from the rollups, new alerts, variances, clear errors."""

from __future__ import annotations

import pytest

from budget.cli import main
from budget.digest import digest_markdown, team_variances
from budget.exports import billing_rollup, open_exports, telemetry_rollup
from budget.fmt import usd
from budget.forecast import forecast
from budget.scenario import load_scenario
from budget.weeks import week_bounds
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "exports"


@pytest.fixture(scope="module")
def rollups():
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    return billing_rollup(exports), telemetry_rollup(exports)


def test_digest_totals_and_new_alert(rollups):
    billing, telemetry = rollups
    text = digest_markdown(billing, telemetry, "2026-W33")
    week = billing[(billing["day"] >= "2026-08-10") & (billing["day"] <= "2026-08-16")]
    assert f"Total {usd(float(week['effective_cost'].sum()))}" in text
    chat = float(week.loc[week["endpoint"] == "support-chat", "effective_cost"].sum())
    assert f"- support-chat: {usd(chat)}" in text
    assert "unit cost, support-chat (production), since 2026-08-12" in text
    assert "support-chat-2026.08.2" in text
    quiet = digest_markdown(billing, telemetry, "2026-W30")
    assert quiet.rstrip().endswith("- none")


def test_team_variances_against_the_plan(rollups):
    billing, _ = rollups
    week = billing[(billing["day"] >= "2026-08-10") & (billing["day"] <= "2026-08-16")]
    plan = load_scenario(ROOT / "data" / "scenarios" / "fy27-plan.toml")
    rows = {team: (actual, planned) for team, actual, planned in
            team_variances(week, plan, week_bounds("2026-W33")[0])}
    # outside the plan's horizon: its first month (2027-01, 31 days) scaled to 7 days
    first = forecast(plan).lines.query("month == '2027-01'")
    assert rows["platform"][1] == pytest.approx(
        first.loc[first["team"] == "platform", "cost_usd"].sum() * 7 / 31)
    assert rows["search"][0] == pytest.approx(
        float(week.loc[week["team"] == "search", "effective_cost"].sum()))


def test_digest_cli(capsys):
    assert main(["digest", str(SAMPLE), "--week", "2026-W41"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# AI spend, week 2026-W41")
    assert "runaway experiment, research, since 2026-10-05" in out
    assert main(["digest", str(SAMPLE), "--week", "2030-W01"]) == 2
    assert "no USD actuals in 2030-W01" in capsys.readouterr().err


def test_variances_are_signed_and_headings_shrink_on_a_page(rollups):
    from budget.digest import on_page

    billing, telemetry = rollups
    plan = load_scenario(ROOT / "data" / "scenarios" / "fy27-plan.toml")
    text = digest_markdown(billing, telemetry, "2026-W33", plan)
    # over the plan reads +, under it − (6,736 − 10,613 = −3,877; 611 − 0 = +611)
    assert [line for line in text.splitlines() if " actual vs " in line] == [
        "- search: $14,951 actual vs $7,326 planned (+$7,626)",  # 14,951.47 − 7,325.59 = 7,625.88
        "- platform: $6,736 actual vs $10,613 planned (-$3,877)",
        "- applied-ml: $0 actual vs $2,249 planned (-$2,249)",
        "- (no team tag): $611 actual vs $0 planned (+$611)",
        "- knowledge: $2,063 actual vs $1,581 planned (+$482)"]
    assert on_page("# Title\n## Part\n### Kept\n- # not a heading\n") == (
        "#### Title\n##### Part\n### Kept\n- # not a heading\n")
