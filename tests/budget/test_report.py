"""Tests for budget.report: the PDF lays out results it is given and recomputes nothing."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

import budget.report
from budget.fmt import usd, usd_compact
from budget.report import report_inputs, report_results, results_pdf
from budget.scenario import load_scenario

PLAN = Path(__file__).resolve().parents[2] / "data" / "scenarios" / "fy27-plan.toml"


@pytest.fixture(scope="module")
def results() -> budget.report.ReportResults:
    return report_results(load_scenario(PLAN))


def _no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("forecast", "monte_carlo", "tornado", "build_narrative"):
        monkeypatch.setattr(budget.report, name,
                            lambda *a, _n=name, **k: pytest.fail(f"{_n} recomputed"))


def test_results_are_the_engines(results: budget.report.ReportResults) -> None:
    plan = load_scenario(PLAN)
    assert results.forecast.total_cost_usd == budget.report.forecast(plan).total_cost_usd
    assert results.monte_carlo.p90 == budget.report.monte_carlo(plan).p90
    base, bars = budget.report.tornado(plan)
    assert results.tornado_base_usd == base
    assert [b.input for b in results.tornado] == [b.input for b in bars]


def test_report_shows_the_given_results(results: budget.report.ReportResults,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Monte Carlo with other draws shows in the KPI as given: nothing is recomputed."""
    _no_engine(monkeypatch)
    mc = results.monte_carlo
    # every draw shifted by $1M: P10 and P90 move by exactly $1M
    shifted = dataclasses.replace(mc, totals_usd=np.asarray(mc.totals_usd) + 1e6)
    inputs = report_inputs(dataclasses.replace(results, monte_carlo=shifted), date(2026, 12, 1))
    kpis = {k["label"]: k["value"] for k in inputs.data["kpis"]}
    assert kpis["Range P10 – P90"] == f"{usd_compact(mc.p10 + 1e6)} – {usd_compact(mc.p90 + 1e6)}"
    assert kpis["Horizon total"] == usd(results.forecast.total_cost_usd)
    assert "2026-12-01" in inputs.data["subtitle"]


def test_results_pdf_builds_without_the_engine(results: budget.report.ReportResults,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _no_engine(monkeypatch)
    pdf = results_pdf(results, date(2026, 12, 1))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert usd(results.forecast.total_cost_usd) in text
    assert results.narrative.sections[0].heading in text


def test_workloads_table_lists_every_workload_up_to_the_limit(
        results: budget.report.ReportResults) -> None:
    table = results.forecast.workload_table()
    assert len(table) <= budget.report.WORKLOADS_LISTED
    rows, caption = budget.report._workload_rows(results.forecast)
    assert rows["Workload"].tolist() == table["workload"].tolist()  # file order, all of them
    assert caption == "Every cost line with its owner."


def test_a_big_plan_lists_its_largest_workloads_and_one_row_for_the_rest(
        results: budget.report.ReportResults, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a limit of 3: the three costliest workloads, then the others summed in one row."""
    monkeypatch.setattr(budget.report, "WORKLOADS_LISTED", 3)
    table = results.forecast.workload_table()
    costs = dict(zip(table["workload"], table["cost_usd"], strict=True))
    largest = sorted(costs, key=lambda w: -costs[w])
    rows, caption = budget.report._workload_rows(results.forecast)
    assert rows["Workload"].tolist()[:3] == largest[:3]
    assert rows["Horizon"].tolist()[:3] == [usd(costs[w]) for w in largest[:3]]
    others = len(costs) - 3
    assert rows["Workload"].iloc[-1] == f"{others} other workloads"
    rest_usd = sum(costs[w] for w in largest[3:])
    assert rows["Horizon"].iloc[-1] == usd(rest_usd)
    listed = sum(costs[w] for w in largest[:3])
    assert abs(listed + rest_usd - results.forecast.total_cost_usd) < 1e-6  # parts sum to total
    assert caption.startswith(f"The 3 largest of {len(costs)} cost lines")
    assert len(rows) == 4


def test_the_pdf_lists_the_drivers_moved_from_the_file(tmp_path):
    from budget.cli import main

    out = tmp_path / "moved.pdf"
    assert main(["report", str(PLAN), "--out", str(out), "--set", "inference_volume=1.3"]) == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Drivers moved from the file: Inference volume 1.00× → 1.30×." in text
    assert "?scenario=fy27-plan&plan_volume=1.3" in text
    plain = tmp_path / "plain.pdf"
    assert main(["report", str(PLAN), "--out", str(plain)]) == 0
    assert "Drivers as in the file." in " ".join(
        " ".join(p.extract_text() for p in PdfReader(plain).pages).split())


def test_each_heading_appears_once_and_the_table_header_repeats(results):
    pdf = results_pdf(results, date(2026, 12, 1))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = "\n".join(pages)
    assert text.count("Efficiency levers") == 1 and text.count("Levers in detail") == 1
    assert "the line is the point forecast" in text
    # the workloads table runs over a page break here: its header row starts both parts
    parts = [p for p in pages if "Assumptions: workloads" in p or "ml-platform-oncall" in p]
    assert all("Workload Owner Category Horizon Share" in " ".join(p.split()) for p in parts)


def test_a_lead_in_stays_on_the_page_of_what_it_introduces(tmp_path):
    # At 1.3× volume "What moves it" starts at the foot of page 2: its lead-in ends with a
    # colon and used to be left there, its list on page 3.
    from budget.cli import main

    out = tmp_path / "moved.pdf"
    assert main(["report", str(PLAN), "--out", str(out), "--set", "inference_volume=1.3"]) == 0
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out).pages]
    lead = next(i for i, p in enumerate(pages) if "with the rest held at expected:" in p)
    assert "Inference volume (1.04 to 1.95) moves the total" in pages[lead]
