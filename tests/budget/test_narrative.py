"""Narrative and PDF: the same numbers as the engine; hostile names print literally."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from budget.actuals import ActualsSummary
from budget.bridge import bridge
from budget.fmt import usd
from budget.forecast import forecast
from budget.levers import lever_table
from budget.narrative import SECTION_HEADINGS, build_narrative
from budget.report import summary_pdf
from budget.scenario import load_scenario
from budget.sensitivity import monte_carlo, tornado
from tests.conftest import ROOT, SMALL

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_narrative_quotes_the_engine():
    plan = load_scenario(PLAN)
    result, mc = forecast(plan), monte_carlo(plan)
    story = build_narrative(result, mc, tornado(plan)[1])
    text = {s.heading: " ".join(s.paragraphs) for s in story.sections}
    assert usd(result.total_cost_usd) in text["The budget"]
    assert f"{usd(mc.p10)} to {usd(mc.p90)}" in text["The budget"]
    table = result.workload_table().set_index("workload")
    per_conversation = table.loc["support-chat", "cost_usd"] / table.loc["support-chat",
                                                                         "requests"]
    assert f"Each support conversation costs {usd(per_conversation, 4)}" in text[
        "What the spend buys"]
    top = tornado(plan)[1][0]
    assert f"a swing of {usd(top.swing)}" in text["What moves it"]


def test_lever_savings_by_hand():
    # small.toml: batch-sum is self-hosted batch ($1,200), chat is real-time API ($9,930)
    levers = lever_table(forecast(load_scenario(SMALL))).set_index("lever")
    assert levers.loc["Routing to smaller models", "saving_usd"] == pytest.approx(0.25 * 9_930)
    assert levers.loc["Batching self-hosted requests", "saving_usd"] == pytest.approx(0.2 * 1_200)
    # API input tokens: 3.31M requests × 1,000 tokens × $1 / 1M = $3,310; 40% cached
    assert levers.loc["Prompt caching", "base_usd"] == pytest.approx(3_310)
    assert levers.loc["Batch API pricing", "saving_usd"] == 0.0


def test_pdf_holds_name_total_and_every_heading():
    plan = load_scenario(PLAN)
    previous = load_scenario(ROOT / "data" / "scenarios" / "fy27-cost-down.toml")
    actuals = ActualsSummary("2026-10", 183_005.0, 165_413.0)
    text = pdf_text(summary_pdf(plan, bridge(previous, plan), actuals, date(2026, 11, 28)))
    assert "FY27 plan" in text
    assert usd(forecast(plan).total_cost_usd) in text
    assert "2026-11-28" in text
    for heading in SECTION_HEADINGS:
        assert heading in text, heading
    for heading in ("Monthly forecast by category", "What moves the budget most",
                    "Low / point forecast / high", "Assumptions: GPU prices"):
        assert heading in text


def test_hostile_names_print_literally():
    small = load_scenario(SMALL)
    hostile = '<script>alert(1)</script> $x$ #set "Ünïcödé"'
    text = pdf_text(summary_pdf(dataclasses.replace(small, name=hostile)))
    assert hostile in text.replace("\n", " ")


def test_the_markdown_download_shows_names_as_text():
    from budget.narrative import narrative_markdown

    plan = dataclasses.replace(load_scenario(PLAN), name="FY27 ![p](http://evil.test/p.png)")
    result = forecast(plan)
    story = build_narrative(result, monte_carlo(plan), tornado(plan)[1])
    text = narrative_markdown(story)
    assert plan.name in story.title  # the narrative itself keeps the name as written
    assert "evil.test" in text
    assert not re.search(r"(?<!\\)\]\(", text)  # no link or image: every "](" is escaped
    assert "http://" not in text  # nor an autolink


def test_lead_sentence_never_stops_at_a_colon():
    from budget.narrative import lead_sentence

    assert lead_sentence(("The assumptions that move it most:", "Volume moves it $1.")) == (
        "The assumptions that move it most: Volume moves it $1.")
    assert lead_sentence(("A whole sentence.", "Another.")) == "A whole sentence."
    assert lead_sentence(()) == ""


@pytest.mark.parametrize(("last_month_usd", "flagged"), [(183_005.0, True), (150_000.0, False),
                                                         (130_000.0, True)])
def test_a_gap_against_actuals_beyond_ten_percent_is_flagged(last_month_usd, flagged):
    from budget.narrative import build_narrative
    from budget.sensitivity import monte_carlo, tornado

    plan = load_scenario(PLAN)  # first month $146,542: −20%, −2% and +13% against these
    result = forecast(plan)
    story = build_narrative(result, monte_carlo(plan, draws=200), tornado(plan)[1], None,
                            ActualsSummary("2026-10", last_month_usd, 1.0))
    text = " ".join(story.sections[-1].paragraphs)
    assert ("Flag: that gap is beyond ±10%." in text) is flagged


def test_a_plan_that_covers_the_actual_month_is_compared_with_that_month():
    from budget.narrative import build_narrative
    from budget.sensitivity import monte_carlo, tornado

    plan = load_scenario(ROOT / "data" / "scenarios" / "fy26-plan.toml")  # 2026-01 to 2026-12
    result = forecast(plan)
    october = result.run_rate_usd(result.months.index("2026-10"))
    story = build_narrative(result, monte_carlo(plan, draws=200), tornado(plan)[1], None,
                            ActualsSummary("2026-10", 183_326.72, 1.0))
    first, flag = story.sections[-1].paragraphs[:2]
    assert flag.startswith("Flag: that gap is beyond ±10%: the plan has drifted from the bill.")
    assert first == (f"Actual spend in 2026-10, the last full month, was $183,327; the plan had "
                     f"{usd(october)} for that month ({october / 183_326.72 - 1:+.0%}).")
