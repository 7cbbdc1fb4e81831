"""Executive summary: the budget story from the numbers, and the PDF to forward."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from budget.actuals import actuals_summary  # noqa: E402
from budget.backtest import with_track_record  # noqa: E402
from budget.bridge import bridge  # noqa: E402
from budget.deck import deck_pptx  # noqa: E402
from budget.errors import BudgetInputError  # noqa: E402
from budget.narrative import build_narrative, narrative_markdown  # noqa: E402
from budget.provenance import provenance  # noqa: E402
from budget.report import ReportResults, results_pdf  # noqa: E402
from budget.workbook import workbook_xlsx  # noqa: E402
from ui.cache import (  # noqa: E402
    cached_backtest,
    cached_forecast,
    cached_monte_carlo,
    cached_tornado,
    fingerprint,
    load,
    load_rollups,
)
from ui.config import exports_dir, scenario_files  # noqa: E402
from ui.draft import get_draft  # noqa: E402
from ui.drivers import scenario_from_url  # noqa: E402
from ui.money import money_column  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.tables import table_with_download  # noqa: E402
from ui.text import md_escape  # noqa: E402

st.title("Executive summary")
base = pick_scenario()
if base is not None:
    scenario = scenario_from_url(base)
    files = scenario_files()
    others = [name for name, path in files.items() if str(path) != base.source]
    with st.sidebar:
        previous_name = st.selectbox(
            "Previous version", ["(none)", *others], key="sum_previous", bind="query-params",
            help="Another scenario file to explain what changed since, step by step.")
        with_actuals = st.toggle("Compare with actuals", value=True, key="sum_actuals",
                                 bind="query-params",
                                 help="Add the last full month of actual spend from the exports "
                                 "the Actuals page reads.")
    previous = None
    if previous_name != "(none)":
        try:
            previous = bridge(load(files[previous_name]), scenario)
        except BudgetInputError as exc:
            st.error(md_escape(str(exc)))
    actuals = None
    if with_actuals:
        try:
            folder = exports_dir()
            with st.spinner("Scoring past forecasts against the actuals…"):
                actuals = with_track_record(actuals_summary(load_rollups(folder)[0]), lambda: (
                    cached_backtest(str(folder), (), "calibrate", fingerprint(folder))))
        except BudgetInputError as exc:
            st.warning(md_escape(f"Actuals left out: {exc}"))
    result, mc = cached_forecast(scenario), cached_monte_carlo(scenario)
    tornado_base_usd, bars = cached_tornado(scenario)
    story = build_narrative(result, mc, bars, previous, actuals)
    results = ReportResults(scenario, result, mc, tornado_base_usd, bars, story)
    draft = get_draft(Path(base.source))
    view = provenance(base, scenario, draft.edits if draft is not None else 0)
    st.caption(md_escape(" ".join([f"From {view.file}.", *view.lines()[1:-1]]) + " Every "
                         "number is computed by the same engine as the other pages."))
    stem = Path(base.source).stem
    pdf_col, xlsx_col, pptx_col, md_col = st.columns(4)
    pdf_col.download_button(
        "Download the PDF summary", data=lambda: results_pdf(results, view=view),
        file_name=f"{stem}-summary.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
        key="sum_pdf", type="primary",
        help="KPIs, forecast and tornado charts, low/expected/high, this narrative and the "
        "assumptions with their sources. Built when you click.")
    xlsx_col.download_button(
        "Download the Excel workbook", data=lambda: workbook_xlsx(results, view),
        file_name=f"{stem}.xlsx", icon=":material/table_view:", key="sum_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Summary with where the numbers come from, months × categories, months × "
        "workloads, quarters, sensitivity and every assumption; amounts as numbers. Built when "
        "you click.")
    pptx_col.download_button(
        "Download the slide deck", data=lambda: deck_pptx(results, view, previous,
                                                          f"{date.today():%Y-%m-%d}"),
        file_name=f"{stem}.pptx", icon=":material/slideshow:", key="sum_pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        help="16:9 slides: title with where the numbers come from, headline numbers, the "
        "monthly forecast, what moves it, the range, the story, and what changed since the "
        "previous version when one is picked. Built when you click.")
    md_col.download_button(
        "Download the text (Markdown)", data=narrative_markdown(story),
        file_name=f"{stem}-summary.md", mime="text/markdown", icon=":material/description:",
        key="sum_md", help="The narrative as Markdown, ready for a document or a chat channel.")
    for section in story.sections:
        st.subheader(section.heading)
        for paragraph in section.paragraphs:
            st.markdown(md_escape(paragraph))
    st.subheader("Levers in detail")
    table_with_download(story.levers, "efficiency levers", f"{stem}-levers.csv", "sum_dl_levers",
                        {"base": "Applies to", "base_usd": money_column("Base cost"),
                         "saving_usd": money_column("Saving"),
                         "percent": st.column_config.NumberColumn("Share", format="percent")})
