"""The executive summary PDF: the same charts as the pages, laid out by a typst template."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import altair as alt
import pandas as pd

from budget.bridge import Bridge
from budget.charts import monthly_by_category, tornado_chart
from budget.fmt import field_value, usd, usd_compact
from budget.forecast import CATEGORY_LABELS, Forecast, category_label, exact_sum, forecast
from budget.narrative import Narrative, build_narrative
from budget.scenario_model import Scenario
from budget.sensitivity import MonteCarlo, TornadoBar, cases_by_category, monte_carlo, tornado

if TYPE_CHECKING:
    from budget.actuals import ActualsSummary
    from budget.provenance import Provenance

FONT = "DejaVu Sans"
PDF_WIDTH_PX = 640


def fonts_dir() -> Path:
    """Return the folder of the fonts shipped with the package."""
    return Path(str(resources.files("budget") / "fonts"))


def version_of(scenario: Scenario) -> str:
    """Return 'FILE @ HASH': the file name and the first 8 hex digits of its content's SHA-256."""
    path = Path(scenario.source)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    except OSError:
        digest = "unsaved"
    return f"{path.name} @ {digest}"


@functools.cache
def register_fonts() -> None:
    """Register the shipped fonts with vl-convert, once per process (~0.7 s each time)."""
    import vl_convert as vlc

    vlc.register_font_directory(str(fonts_dir()))


def chart_svg(chart: alt.TopLevelMixin) -> str:
    """Render an Altair chart to SVG offline (vl-convert), in the shipped font."""
    import vl_convert as vlc

    register_fonts()
    spec = chart.properties(width=PDF_WIDTH_PX).configure(font=FONT).to_dict()
    svg: str = vlc.vegalite_to_svg(spec)
    return svg


@dataclass(frozen=True)
class ReportResults:
    """The engine's results the summary shows: computed once, by the page's caches or here."""

    scenario: Scenario
    forecast: Forecast
    monte_carlo: MonteCarlo
    tornado_base_usd: float
    tornado: list[TornadoBar]
    narrative: Narrative


def report_results(scenario: Scenario, previous: Bridge | None = None,
                   actuals: ActualsSummary | None = None) -> ReportResults:
    """Compute the forecast, Monte Carlo, tornado and narrative of a scenario for its summary."""
    result = forecast(scenario)
    mc = monte_carlo(scenario)
    base, bars = tornado(scenario)
    return ReportResults(scenario, result, mc, base, bars,
                         build_narrative(result, mc, bars, previous, actuals))


@dataclass(frozen=True)
class ReportInputs:
    """Everything the PDF shows, taken from the engine's results."""

    scenario: Scenario
    narrative: Narrative
    data: dict[str, Any]
    svgs: dict[str, str]


def _table(title: str, caption: str, frame: pd.DataFrame, widths: list[float],
           numeric: list[bool]) -> dict[str, Any]:
    return {"title": title, "caption": caption, "header": [str(c) for c in frame.columns],
            "rows": [[str(v) for v in row] for row in frame.itertuples(index=False)],
            "widths": widths, "numeric": numeric}


def _kpis(results: ReportResults) -> list[dict[str, str]]:
    result, mc = results.forecast, results.monte_carlo
    units = result.unit_costs
    return [
        {"label": "Horizon total", "value": usd(result.total_cost_usd)},
        {"label": "Range P10 – P90", "value": f"{usd_compact(mc.p10)} – {usd_compact(mc.p90)}"},
        {"label": f"Run-rate {result.months[0]}", "value": usd(result.run_rate_usd(0))},
        {"label": f"Run-rate {result.months[-1]}", "value": usd(result.run_rate_usd(-1))},
        {"label": "Per 1K requests", "value": usd(units.usd_per_1k_requests, 4)},
        {"label": "Per 1M tokens", "value": usd(units.usd_per_1m_tokens, 4)},
    ]


# A plan of thousands of workloads lists its largest ones and one row for the rest: the PDF is
# read in a meeting (and typst lays a 5,000-row table out in seconds); the Planner's CSV lists all.
WORKLOADS_LISTED = 50


def _workload_rows(result: Forecast) -> tuple[pd.DataFrame, str]:
    """Return the workloads table of the PDF and its caption: all, or the largest and the rest."""
    table = result.workload_table()
    caption = "Every cost line with its owner."
    rest = None
    if len(table) > WORKLOADS_LISTED:
        ranked = table.sort_values("cost_usd", ascending=False, kind="stable")
        table, others = ranked.iloc[:WORKLOADS_LISTED], ranked.iloc[WORKLOADS_LISTED:]
        caption = (f"The {WORKLOADS_LISTED} largest of {len(ranked):,} cost lines with their "
                   "owners, the rest in one row; the Planner's workload CSV lists "
                   "every one.")
        rest = {"Workload": f"{len(others):,} other workloads", "Owner": "",
                "Category": "", "Horizon": usd(exact_sum(others["cost_usd"].to_numpy())),
                "Share": f"{float(others['share_of_total'].sum()):.1%}"}
    rows = [{"Workload": r["workload"], "Owner": r["team"],
             "Category": category_label(str(r["category"])), "Horizon": usd(float(r["cost_usd"])),
             "Share": f"{float(r['share_of_total']):.1%}"} for r in table.to_dict("records")]
    return pd.DataFrame([*rows, *([rest] if rest else [])]), caption


def _tables(results: ReportResults) -> list[dict[str, Any]]:
    scenario = results.scenario
    cases = pd.DataFrame([
        {"Line": "Total" if r["line"] == "total" else CATEGORY_LABELS[str(r["line"])],
         "Low (P10)": usd(float(r["low_usd"])),
         "Point forecast": usd(float(r["expected_usd"])),
         "High (P90)": usd(float(r["high_usd"]))}
        for r in cases_by_category(scenario, results.monte_carlo)])
    prices = pd.DataFrame([
        {"Cloud": p.cloud, "GPU": p.gpu, "On-demand": usd(p.on_demand, 2),
         "Spot": usd(p.spot, 2), "Reserved": usd(p.reserved, 2), "Source": p.source,
         "As of": p.as_of} for p in scenario.gpu_prices])
    assumptions, workloads_caption = _workload_rows(results.forecast)
    levers = pd.DataFrame([
        {"Lever": r["lever"], "Applies to": r["base"], "Base": usd(float(r["base_usd"])),
         "%": f"{float(r['percent']):.0%}", "Saving": usd(float(r["saving_usd"]))}
        for r in results.narrative.levers.to_dict("records")])
    tables = [
        _table("Low / point forecast / high", "Low and high are Monte Carlo percentiles of each "
               "line on its own; the point forecast is every input at its expected value.", cases,
               [2, 1.3, 1.3, 1.3], [False, True, True, True]),
        _table("Levers in detail", "Each lever is a documented share of its cost base; they "
               "overlap, so do not add them up.", levers, [1.6, 2, 1.2, 0.5, 1.1],
               [False, False, True, True, True]),
        _table("Assumptions: workloads", workloads_caption, assumptions,
               [2.2, 1.2, 1.6, 1.2, 0.7], [False, False, False, True, True]),
    ]
    if scenario.changes:
        dated = pd.DataFrame([
            {"From": c.month, "Workload or price row": c.target,
             "Sets": ", ".join(f"{k} = {field_value(v)}" for k, v in c.written)}
            for c in sorted(scenario.changes, key=lambda c: c.month)])
        tables.append(_table("Assumptions: dated changes", "From each month on, the named "
                             "row's fields take these values; every figure above includes "
                             "them.", dated, [0.8, 2, 4.4], [False, False, False]))
    if not prices.empty:
        tables.append(_table("Assumptions: GPU prices (USD per GPU-hour)",
                             "Every price with its source and date.", prices,
                             [0.7, 0.6, 0.9, 0.7, 0.8, 4, 0.7],
                             [False, False, True, True, True, False, False]))
    return tables


def report_inputs(results: ReportResults, today: date | None = None,
                  view: Provenance | None = None) -> ReportInputs:
    """Lay out the results' numbers, narrative, tables and chart SVGs for the summary.

    With `view`, the first page says where the numbers come from: the file and its SHA-256,
    every driver moved from it, unsaved edits, and the link that reopens the view.
    """
    scenario = results.scenario
    tables = _tables(results)
    day = today or date.today()
    version = view.version if view is not None else version_of(scenario)
    data = {
        "title": scenario.name,
        "subtitle": f"Executive summary · {day:%Y-%m-%d} · version {version} · "
                    f"{scenario.months} months from {scenario.start} · {scenario.currency}",
        "provenance": view.lines() if view is not None else [],
        "footer": f"{scenario.name} · {version}",
        "kpis": _kpis(results),
        "charts": [
            {"key": "forecast_svg", "title": "Monthly forecast by category",
             "caption": "Stacked USD per month; inference grows with requests, training is "
                        "priced per run."},
            {"key": "tornado_svg", "title": "What moves the budget most",
             "caption": "Each input alone from its P10 to its P90; the line is the point "
                        "forecast."},
        ],
        "tables_before": tables[:1],
        "tables_after": tables[1:],
        "sections": [{"heading": s.heading, "paragraphs": list(s.paragraphs)}
                     for s in results.narrative.sections],
    }
    svgs = {"forecast_svg": chart_svg(monthly_by_category(results.forecast, height=260)),
            "tornado_svg": chart_svg(tornado_chart(results.tornado_base_usd, results.tornado))}
    return ReportInputs(scenario, results.narrative, data, svgs)


def render_pdf(inputs: ReportInputs) -> bytes:
    """Compile the typst template to PDF bytes, offline, with only the shipped fonts."""
    import typst

    template = resources.files("budget") / "templates" / "summary.typ"
    pdf: bytes = typst.compile(
        str(template), font_paths=[str(fonts_dir())], ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(inputs.data), **inputs.svgs}, format="pdf")
    return pdf


def results_pdf(results: ReportResults, today: date | None = None,
                view: Provenance | None = None) -> bytes:
    """Return the executive summary of results already computed as PDF bytes."""
    return render_pdf(report_inputs(results, today, view))


def summary_pdf(scenario: Scenario, previous: Bridge | None = None,
                actuals: ActualsSummary | None = None, today: date | None = None,
                view: Provenance | None = None) -> bytes:
    """Return the executive summary of a scenario as PDF bytes, computing its results."""
    return results_pdf(report_results(scenario, previous, actuals), today, view)
