"""The slide deck of a view (python-pptx, 16:9): numbers, charts and story from the engine."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from budget.charts import bridge_chart, monthly_by_category, tornado_chart
from budget.fmt import signed_usd, usd, usd_compact
from budget.forecast import CATEGORY_LABELS
from budget.sensitivity import cases_by_category

if TYPE_CHECKING:
    import altair as alt

    from budget.bridge import Bridge
    from budget.provenance import Provenance
    from budget.report import ReportResults

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5  # 16:9, shown at 1920 × 1080: 144 px an inch
# Charts are the screen's builders drawn small and shown 11.5 in wide (1,656 px at 1080p), so
# their 12–14 px marks and labels read at ~21–25 px and the axes (15 px) at ~26 px.
CHART_WIDTH_PX = 720
CHART_FONT_PX = 15
BLUE = (0x1F, 0x4E, 0x9C)
GREY = (0x4B, 0x55, 0x63)


def chart_png(chart: alt.TopLevelMixin, height: int = 300) -> bytes:
    """Render one of the screen's chart builders as a PNG for a slide, with slide-sized text."""
    import vl_convert as vlc

    from budget.report import FONT, register_fonts

    register_fonts()
    spec = chart.properties(width=CHART_WIDTH_PX, height=height).configure(font=FONT) \
        .configure_axis(labelFontSize=CHART_FONT_PX, titleFontSize=CHART_FONT_PX) \
        .configure_legend(labelFontSize=CHART_FONT_PX, titleFontSize=CHART_FONT_PX,
                          symbolSize=150) \
        .configure_text(fontSize=CHART_FONT_PX).to_dict()
    png: bytes = vlc.vegalite_to_png(spec, scale=2)
    return png


class _Deck:
    """A python-pptx presentation with the few layouts the deck uses."""

    def __init__(self) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.inches = Inches
        self.deck = Presentation()
        self.deck.slide_width = Inches(SLIDE_WIDTH_IN)
        self.deck.slide_height = Inches(SLIDE_HEIGHT_IN)
        self.blank = self.deck.slide_layouts[6]

    def slide(self, title: str) -> Any:
        """Add a slide with its title across the top."""
        slide = self.deck.slides.add_slide(self.blank)
        self.text(slide, title, 0.6, 0.35, 12.1, 0.9, size=34, bold=True, color=BLUE)
        return slide

    def text(self, slide: Any, text: str, left: float, top: float, width: float, height: float,
             size: int = 20, bold: bool = False, color: tuple[int, int, int] = GREY) -> Any:
        """Add a text box (each line a paragraph); text is text, never a field or a link."""
        from pptx.dml.color import RGBColor
        from pptx.util import Pt

        box = slide.shapes.add_textbox(self.inches(left), self.inches(top), self.inches(width),
                                       self.inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(text.split("\n")):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = RGBColor(*color)  # type: ignore[no-untyped-call]
            paragraph.space_after = Pt(size // 2)
        return box

    def picture(self, slide: Any, png: bytes, top: float = 1.35, width: float = 11.5) -> None:
        """Add a chart image centred across the slide."""
        left = (SLIDE_WIDTH_IN - width) / 2
        slide.shapes.add_picture(io.BytesIO(png), self.inches(left), self.inches(top),
                                 width=self.inches(width))

    def table(self, slide: Any, rows: list[list[str]], top: float = 1.5) -> None:
        """Add a table: the first row a header, numbers right-aligned."""
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        shape = slide.shapes.add_table(len(rows), len(rows[0]), self.inches(0.8),
                                       self.inches(top), self.inches(11.7),
                                       self.inches(0.6 * len(rows)))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = shape.table.cell(r, c)
                cell.text = value
                paragraph = cell.text_frame.paragraphs[0]
                paragraph.font.size = Pt(22)
                paragraph.font.bold = r == 0
                if c > 0:
                    paragraph.alignment = PP_ALIGN.RIGHT

    def close(self) -> bytes:
        """Return the presentation's bytes."""
        out = io.BytesIO()
        self.deck.save(out)
        return out.getvalue()


def deck_pptx(results: ReportResults, view: Provenance, previous: Bridge | None = None,
              today: str = "") -> bytes:
    """Return the deck: title and provenance, headline numbers, forecast, tornado, range, story
    and (with `previous`) what changed since the previous version."""
    scenario, result, mc = results.scenario, results.forecast, results.monte_carlo
    deck = _Deck()
    title = deck.slide(scenario.name)
    deck.text(title, f"Budget review{' · ' + today if today else ''} · {scenario.months} months "
              f"from {scenario.start} · {scenario.currency}", 0.6, 1.3, 12.1, 0.6, size=24)
    deck.text(title, "\n".join(view.lines()), 0.6, 4.6, 12.1, 2.4, size=16)
    headline = deck.slide("Headline numbers")
    units = result.unit_costs
    figures = [
        ("Horizon total (point forecast)", usd(result.total_cost_usd)),
        ("Range P10 – P90", f"{usd_compact(mc.p10)} – {usd_compact(mc.p90)}"),
        ("Monte Carlo mean", usd(mc.mean)),
        (f"Run-rate {result.months[0]}", usd(result.run_rate_usd(0))),
        (f"Run-rate {result.months[-1]}", usd(result.run_rate_usd(-1))),
        ("Inference per 1K requests", usd(units.usd_per_1k_requests, 4)),
    ]
    for i, (label, value) in enumerate(figures):
        left, top = 0.8 + (i % 3) * 4.0, 1.7 + (i // 3) * 2.5
        deck.text(headline, label, left, top, 3.8, 0.8, size=20)
        deck.text(headline, value, left, top + 0.85, 3.8, 1.0, size=36, bold=True,
                  color=(0x11, 0x18, 0x27))
    forecast_slide = deck.slide("Monthly forecast by category")
    deck.picture(forecast_slide, chart_png(monthly_by_category(result)))
    moves = deck.slide("What moves the budget most")
    deck.picture(moves, chart_png(tornado_chart(results.tornado_base_usd, results.tornado)))
    cases = cases_by_category(scenario, mc)
    rows = [["Line", "Low (P10)", "Point forecast", "High (P90)"]] + [
        ["Total" if r["line"] == "total" else CATEGORY_LABELS[str(r["line"])],
         usd(float(r["low_usd"])), usd(float(r["expected_usd"])), usd(float(r["high_usd"]))]
        for r in cases]
    deck.table(deck.slide("The range: low, point forecast, high"), rows)
    story = deck.slide("The story")
    paragraphs = [p for s in results.narrative.sections[:2] for p in s.paragraphs]
    deck.text(story, "\n".join(paragraphs), 0.8, 1.4, 11.7, 5.6, size=20)
    if previous is not None and previous.steps:
        changed = deck.slide(f"What changed: {signed_usd(previous.new_total - previous.old_total)}")
        deck.picture(changed, chart_png(bridge_chart(previous.old_total, previous.new_total,
                                                     [(s.change, s.delta) for s in
                                                      previous.steps])))
    return deck.close()
