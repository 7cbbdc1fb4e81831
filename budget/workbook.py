"""The Excel workbook of a view: KPIs with provenance, months, workloads, quarters, sensitivity."""

from __future__ import annotations

import io
import math
import numbers
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from budget.forecast import CATEGORIES, CATEGORY_LABELS, category_label
from budget.inputs import INPUTS_BY_NAME
from budget.rows import assumption_rows
from budget.sensitivity import cases_by_category

if TYPE_CHECKING:
    from budget.provenance import Provenance
    from budget.report import ReportResults

SHEETS = ("Summary", "Monthly", "Workloads", "Quarters", "Sensitivity", "Assumptions")
# the Workloads sheet: a forecast line's labels under the names people read
WORKLOAD_HEADERS = {"workload": "Workload", "category": "Category", "team": "Owner (team)",
                    "model": "Model", "environment": "Environment", "serving": "Serving",
                    "cloud": "Cloud", "gpu": "GPU", "pricing": "Pricing"}
WORKLOAD_LABELS = tuple(WORKLOAD_HEADERS)


def money_format(currency: str, places: int = 2) -> str:
    """Return the Excel number format of an amount: $1,234.56 for USD, else 1,234.56 EUR."""
    digits = "#,##0." + "0" * places
    return f'"$"{digits}' if currency == "USD" else f'{digits} "{currency}"'


class UnitCost(float):
    """An amount per unit (per 1K requests, per 1M tokens): written to four places, as shown."""


class _Book:
    """An XlsxWriter workbook with the formats every sheet shares."""

    def __init__(self, currency: str) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        # constant memory: each row goes to a temporary file as it is written
        self.book = xlsxwriter.Workbook(self.buffer, {"constant_memory": True,
                                                      "tmpdir": tempfile.gettempdir(),
                                                      "strings_to_formulas": False,
                                                      "strings_to_urls": False})
        self.money = self.book.add_format({"num_format": money_format(currency)})
        self.money_bold = self.book.add_format({"num_format": money_format(currency),
                                                "bold": True, "top": 1})
        self.unit_money = self.book.add_format({"num_format": money_format(currency, 4)})
        self.number = self.book.add_format({"num_format": "#,##0.00"})
        self.head = self.book.add_format({"bold": True, "bg_color": "#EEF2F8", "bottom": 1})
        self.title = self.book.add_format({"bold": True, "font_size": 16})
        self.bold = self.book.add_format({"bold": True, "top": 1})

    def sheet(self, name: str, widths: Sequence[float]) -> Any:
        """Add a sheet with its column widths."""
        sheet = self.book.add_worksheet(name)
        for i, width in enumerate(widths):
            sheet.set_column(i, i, width)
        return sheet

    def table(self, sheet: Any, row: int, header: Sequence[str], rows: Sequence[Sequence[Any]],
              money: Sequence[bool]) -> int:
        """Write a header and rows from `row`; numbers as numbers; return the next free row."""
        sheet.write_row(row, 0, list(header), self.head)
        for r, values in enumerate(rows, start=row + 1):
            for c, value in enumerate(values):
                if isinstance(value, bool) or value is None:
                    sheet.write_string(r, c, "" if value is None else str(value))
                elif isinstance(value, numbers.Real):
                    if math.isfinite(float(value)):
                        shown = (self.unit_money if isinstance(value, UnitCost)
                                 else self.money if money[c] else self.number)
                        sheet.write_number(r, c, float(value), shown)
                    else:
                        sheet.write_string(r, c, "")
                else:
                    sheet.write_string(r, c, str(value))  # text is text, never a formula
        return row + 1 + len(rows)

    def close(self) -> bytes:
        """Return the workbook's bytes."""
        self.book.close()
        return self.buffer.getvalue()


def workbook_xlsx(results: ReportResults, view: Provenance) -> bytes:
    """Return the workbook of the results as .xlsx bytes; totals equal the forecast."""
    scenario, result = results.scenario, results.forecast
    book = _Book(scenario.currency)
    _summary(book, results, view)
    labels = [CATEGORY_LABELS[c] for c in CATEGORIES]
    monthly = book.sheet("Monthly", [10] + [18] * (len(CATEGORIES) + 1))
    rows = [[month, *values, total] for month, values, total in zip(
        result.months, result.category_usd.tolist(), result.month_total_usd.tolist(),
        strict=True)]
    end = book.table(monthly, 0, ["Month", *labels, "Total"], rows,
                     [False, *([True] * (len(CATEGORIES) + 1))])
    by_category = result.category_usd.sum(axis=0).tolist()
    monthly.write_string(end, 0, "Horizon", book.bold)
    for c, value in enumerate([*by_category, result.total_cost_usd], start=1):
        monthly.write_number(end, c, value, book.money_bold)
    monthly.freeze_panes(1, 1)
    _workloads(book, results)
    _quarters(book, results, labels)
    _sensitivity(book, results)
    _assumptions(book, results)
    return book.close()


def _summary(book: _Book, results: ReportResults, view: Provenance) -> None:
    """Write the headline numbers, the range and the view's provenance."""
    scenario, result, mc = results.scenario, results.forecast, results.monte_carlo
    sheet = book.sheet("Summary", [38, 22, 22, 22])
    sheet.write_string(0, 0, scenario.name, book.title)
    sheet.write_string(1, 0, f"{scenario.months} months from {scenario.start}, "
                       f"{scenario.currency}")
    units = result.unit_costs
    kpis: list[list[Any]] = [
        ["Horizon total (point forecast)", result.total_cost_usd],
        ["Monte Carlo mean", mc.mean],
        ["Low (P10)", mc.p10], ["Median (P50)", mc.p50], ["High (P90)", mc.p90],
        [f"Run-rate {result.months[0]}", result.run_rate_usd(0)],
        [f"Run-rate {result.months[-1]}", result.run_rate_usd(-1)],
        ["Inference per 1K requests", _unit(units.usd_per_1k_requests)],
        ["Inference per 1M tokens", _unit(units.usd_per_1m_tokens)],
    ]
    row = book.table(sheet, 3, ["Figure", "Value"], kpis, [False, True])
    sheet.write_string(row + 1, 0, "Where these numbers come from", book.head)
    for i, line in enumerate(view.lines(), start=row + 2):
        sheet.write_string(i, 0, line)
    sheet.write_string(row + 3 + len(view.lines()), 0,
                       f"Range from {mc.draws:,} Monte Carlo draws (seed {mc.seed}); the point "
                       "forecast is every input at its expected value.")


def _unit(amount: float | None) -> UnitCost | None:
    """Return a unit cost marked for four places (None, a plan without requests, stays None)."""
    return None if amount is None else UnitCost(amount)


def _workloads(book: _Book, results: ReportResults) -> None:
    """Write one row per workload (owner, model, environment…) and one column per month.

    Wide, not one row per workload-month: 5,000 workloads × 120 months stay 5,000 rows (a
    long table would be 600,000 rows and ~50 s to write).
    """
    result = results.forecast
    table = result.workload_table()
    labels = [c for c in WORKLOAD_LABELS if c in table.columns]
    sheet = book.sheet("Workloads", [28, 18, 16, 18, 14, 12, 10, 8, 12]
                       + [12] * len(result.months) + [16])
    cost = result.arrays.values["cost_usd"].tolist()
    label_columns = [table[c].map(category_label).tolist() if c == "category"
                     else table[c].tolist() for c in labels]
    rows = [[*row_labels, *months, total] for row_labels, months, total in zip(
        zip(*label_columns, strict=True), cost, table["cost_usd"].tolist(), strict=True)]
    book.table(sheet, 0, [WORKLOAD_HEADERS[c] for c in labels] + list(result.months)
               + ["Horizon"], rows, [False] * len(labels) + [True] * (len(result.months) + 1))
    sheet.freeze_panes(1, 1)


def _quarters(book: _Book, results: ReportResults, labels: list[str]) -> None:
    """Write fiscal quarters by category ([scenario] fiscal_year_start_month), exact sums."""
    table = results.forecast.by_period("quarter")
    rows = [[r["quarter"], int(r["months"]), *(float(r[c]) for c in CATEGORIES),
             float(r["total_usd"])] for r in table.to_dict("records")]
    sheet = book.sheet("Quarters", [12, 8] + [18] * (len(CATEGORIES) + 1))
    book.table(sheet, 0, ["Quarter", "Months", *labels, "Total"], rows,
               [False, False, *([True] * (len(CATEGORIES) + 1))])


def _sensitivity(book: _Book, results: ReportResults) -> None:
    """Write the tornado (each input alone P10 → P90) and low / point forecast / high."""
    sheet = book.sheet("Sensitivity", [30, 14, 14, 20, 20, 20])
    rows = [[INPUTS_BY_NAME[b.input].label, b.low_value, b.high_value, b.low_total,
             b.high_total, b.swing] for b in results.tornado]
    end = book.table(sheet, 0, ["Input", "P10 value", "P90 value", "Total at P10",
                                "Total at P90", "Swing"], rows,
                     [False, False, False, True, True, True])
    cases = [[("Total" if r["line"] == "total" else CATEGORY_LABELS[str(r["line"])]),
              r["low_usd"], r["expected_usd"], r["high_usd"]]
             for r in cases_by_category(results.scenario, results.monte_carlo)]
    book.table(sheet, end + 2, ["Line", "Low (P10)", "Point forecast", "High (P90)"], cases,
               [False, True, True, True])


def _assumptions(book: _Book, results: ReportResults) -> None:
    """Write every section of the scenario file, with sources and dates where it has them."""
    sheet = book.sheet("Assumptions", [26] + [16] * 14)
    row = 0
    for name, table in assumption_rows(results.scenario).items():
        sheet.write_string(row, 0, f"[{name}]", book.title)
        if table.empty:
            sheet.write_string(row + 1, 0, "(none in the file)")
            row += 3
            continue
        header = [str(c) for c in table.columns]
        rows = [list(r) for r in table.itertuples(index=False)]
        row = book.table(sheet, row + 1, header, rows, [False] * len(header)) + 1
