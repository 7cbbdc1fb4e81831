"""Tests for budget.workbook (read back with openpyxl) and `python -m budget export`."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math

import openpyxl
import pytest

from budget.cli import main
from budget.forecast import forecast
from budget.provenance import provenance
from budget.report import report_results
from budget.scenario import load_scenario, override_drivers
from budget.workbook import SHEETS, workbook_xlsx
from tests.conftest import ROOT, SMALL

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


def _read(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def moved_book() -> tuple[openpyxl.Workbook, float]:
    file_plan = load_scenario(PLAN)
    shown = override_drivers(file_plan, ["inference_volume=1.3"])
    data = workbook_xlsx(report_results(shown), provenance(file_plan, shown))
    return _read(data), forecast(shown).total_cost_usd


def _column(sheet, header: str) -> list:  # type: ignore[no-untyped-def]
    names = [c.value for c in sheet[1]]
    index = names.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_every_sheet_and_the_totals_equal_the_forecast(moved_book):
    book, total = moved_book
    assert book.sheetnames == list(SHEETS)
    monthly = book["Monthly"]
    horizon = [c.value for c in monthly[monthly.max_row]]
    assert horizon[0] == "Horizon" and horizon[-1] == total  # the forecast's own exact sum
    assert round(horizon[-1], 2) == round(total, 2)  # to the cent
    months = [r for r in monthly.iter_rows(min_row=2, max_row=monthly.max_row - 1,
                                           values_only=True)]
    assert len(months) == 12
    for row in months:  # each month's categories add up to its total
        assert math.isclose(math.fsum(row[1:-1]), row[-1], rel_tol=1e-12)
    assert math.isclose(math.fsum(r[-1] for r in months), total, rel_tol=1e-12)
    cell = monthly.cell(row=2, column=2)
    assert cell.data_type == "n" and cell.number_format == '"$"#,##0.00'  # a number, in dollars
    quarters = book["Quarters"]
    assert [r[0] for r in quarters.iter_rows(min_row=2, values_only=True)] == [
        "FY2027 Q1", "FY2027 Q2", "FY2027 Q3", "FY2027 Q4"]
    assert math.isclose(math.fsum(_column(quarters, "Total")), total, rel_tol=1e-12)


def test_workloads_sheet_is_every_workload_by_month_with_its_owner(moved_book):
    book, total = moved_book
    sheet = book["Workloads"]
    result = forecast(override_drivers(load_scenario(PLAN), ["inference_volume=1.3"]))
    assert sheet.max_row - 1 == len(result.arrays.names)  # a row per workload
    header = [c.value for c in sheet[1]]
    assert header[-13:] == [*result.months, "Horizon"]  # a column per month, then the total
    assert math.isclose(math.fsum(_column(sheet, "Horizon")), total, rel_tol=1e-12)
    months = [math.fsum(_column(sheet, m)) for m in result.months]
    assert months == pytest.approx(result.month_total_usd.tolist(), rel=1e-12)
    owners = dict(zip(_column(sheet, "Workload"), _column(sheet, "Owner (team)"), strict=True))
    table = result.workload_table()
    assert owners == dict(zip(table["workload"], table["team"], strict=True))
    assert "Real-time inference" in _column(sheet, "Category")  # labels, not raw keys
    assert sheet.cell(2, header.index("2027-01") + 1).number_format == '"$"#,##0.00'


def test_summary_records_the_view_it_was_made_from(moved_book):
    book, total = moved_book
    sheet = book["Summary"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[cells.index("Horizon total (point forecast)") + 1] == total
    assert "Monte Carlo mean" in cells
    text = "\n".join(str(c) for c in cells)
    digest = hashlib.sha256(PLAN.read_bytes()).hexdigest()
    assert f"Scenario file fy27-plan.toml, SHA-256 {digest}." in text
    assert "Drivers moved from the file: Inference volume 1.00× → 1.30×." in text
    assert ("Reopen this view: the app's address followed by "
            "?scenario=fy27-plan&plan_volume=1.3") in text
    sensitivity = _column(book["Sensitivity"], "Input")
    assert "Inference volume" in sensitivity and "inference_volume" not in sensitivity


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    plan = load_scenario(SMALL)
    hostile = dataclasses.replace(plan, name='=HYPERLINK("http://127.0.0.2","x")', inference=(
        dataclasses.replace(plan.inference[0], name="=1+1", team="@SUM(A1)"),
        *plan.inference[1:]))
    book = _read(workbook_xlsx(report_results(hostile), provenance(plan, hostile)))
    assert book["Summary"]["A1"].value == '=HYPERLINK("http://127.0.0.2","x")'
    assert book["Summary"]["A1"].data_type == "s"  # a string, never a formula
    names = [c for c in book["Workloads"]["A"] if c.value == "=1+1"]
    assert names and all(c.data_type == "s" for c in names)


def test_export_cli_writes_the_workbook_and_refuses_another_suffix(tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert main(["export", str(SMALL), "--out", str(out), "--set", "gpu_price=1.5"]) == 0
    book = _read(out.read_bytes())
    horizon = [c.value for c in book["Monthly"][book["Monthly"].max_row]]
    # small.toml by hand (tests/budget/test_forecast.py): 19,420 with 0.5 × 4,740 more at 1.5×
    assert round(horizon[-1], 2) == 21_790.00
    assert main(["export", str(SMALL), "--out", str(tmp_path / "plan.pdf")]) == 2
    assert ('error: --out: "plan.pdf" is neither a workbook (.xlsx) nor a slide deck (.pptx)'
            in capsys.readouterr().err)
    assert not (tmp_path / "plan.pdf").exists()


def test_the_deck_has_every_slide_with_the_engines_numbers(tmp_path):
    from pptx import Presentation

    from budget.fmt import signed_usd, usd

    out = tmp_path / "plan.pptx"
    cost_down = ROOT / "data" / "scenarios" / "fy27-cost-down.toml"
    assert main(["export", str(PLAN), "--out", str(out), "--set", "inference_volume=1.3",
                 "--previous", str(cost_down)]) == 0
    deck = Presentation(str(out))
    texts = [[shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
             for slide in deck.slides]
    titles = [t[0] for t in texts]
    moved = override_drivers(load_scenario(PLAN), ["inference_volume=1.3"])
    old = forecast(load_scenario(cost_down)).total_cost_usd
    new = forecast(moved).total_cost_usd
    assert titles == ["FY27 plan", "Headline numbers", "Monthly forecast by category",
                      "What moves the budget most", "The range: low, point forecast, high",
                      "The story", f"What changed: {signed_usd(new - old)}"]
    assert "Drivers moved from the file: Inference volume 1.00× → 1.30×." in "\n".join(texts[0])
    assert usd(new) in texts[1]  # the headline total is the forecast's
    pictures = [sum(1 for s in slide.shapes if s.shape_type == 13) for slide in deck.slides]
    assert pictures == [0, 0, 1, 1, 0, 0, 1]  # forecast, tornado and bridge charts
    table = next(s for s in deck.slides[4].shapes if s.has_table).table
    assert [table.cell(1, c).text for c in range(2)] == ["Total", table.cell(1, 1).text]
    assert table.cell(1, 2).text == usd(new)  # the point forecast, to the dollar
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)


def test_unit_costs_keep_four_places_as_the_screen_shows_them(moved_book):
    book, _ = moved_book
    shown = forecast(override_drivers(load_scenario(PLAN), ["inference_volume=1.3"])).unit_costs
    rows = {r[0].value: r[1] for r in book["Summary"].iter_rows(min_row=5, max_col=2)
            if r[0].value}
    per_1k = rows["Inference per 1K requests"]
    assert math.isclose(per_1k.value, shown.usd_per_1k_requests, rel_tol=1e-15)  # 16 digits
    assert per_1k.number_format == '"$"#,##0.0000'
    assert rows["Horizon total (point forecast)"].number_format == '"$"#,##0.00'
