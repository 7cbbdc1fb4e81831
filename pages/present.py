"""Presentation mode: one idea per screen, large type, for the shared screen in the meeting."""

from __future__ import annotations

from ui.boot import require_navigation

require_navigation()

import streamlit as st  # noqa: E402

from budget.charts import monthly_category_data, tornado_data  # noqa: E402
from budget.fmt import usd, usd_compact  # noqa: E402
from budget.narrative import build_narrative, lead_sentence  # noqa: E402
from budget.params import parse_slide  # noqa: E402
from ui.cache import cached_forecast, cached_monte_carlo, cached_tornado  # noqa: E402
from ui.charts import live_chart  # noqa: E402
from ui.drivers import scenario_from_url  # noqa: E402
from ui.picker import pick_scenario  # noqa: E402
from ui.text import md_escape  # noqa: E402

SLIDES = ("The budget", "The forecast", "What moves it", "The story")
SLIDE_TEXT_PX = 22  # chart labels, axes and legends, as large as the slide's own text allows
# Static styling only (no user text): large type, and the sidebar out of the way.
st.html("""<style>
section[data-testid="stSidebar"] {display: none;}
.stMainBlockContainer p, .stMainBlockContainer li {font-size: 1.6rem; line-height: 1.5;}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {font-size: 4rem !important;
  line-height: 1.2 !important;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {font-size: 1.6rem !important;}
h1 {font-size: 3.2rem !important;}
</style>""")


def go(step: int) -> None:
    """Move to the previous or next slide (wrapping around)."""
    st.session_state["present_slide"] = (st.session_state["present_slide"] + step) % len(SLIDES)


base = pick_scenario()
if base is not None:
    scenario = scenario_from_url(base)
    if "present_slide" not in st.session_state:
        index, problem = parse_slide(st.query_params.get("slide"), len(SLIDES))
        st.session_state["present_slide"] = index
        if problem:
            st.warning(md_escape(problem))
    slide = st.session_state["present_slide"]
    st.query_params["slide"] = str(slide + 1)
    nav = st.columns([1, 6, 1])
    nav[0].button("Back", icon=":material/arrow_back:", on_click=go, args=(-1,),
                  shortcut="Left", key="present_back", width="stretch",
                  help="Previous screen (left arrow key).")
    with nav[1]:
        st.markdown(f"**{md_escape(scenario.name)}** · {slide + 1} / {len(SLIDES)} · "
                    f"{SLIDES[slide]}")
        st.page_link("pages/planner.py", label="Leave the presentation",
                     icon=":material/close:")
    nav[2].button("Next", icon=":material/arrow_forward:", on_click=go, args=(1,),
                  shortcut="Right", key="present_next", width="stretch",
                  help="Next screen (right arrow key).")
    result = cached_forecast(scenario)
    mc = cached_monte_carlo(scenario)
    base_total, bars = cached_tornado(scenario)
    if slide == 0:
        st.title(md_escape(scenario.name))
        top, bottom = st.columns(2), st.columns(2)
        top[0].metric("Horizon total", usd(result.total_cost_usd))
        top[1].metric("Range (P10 – P90)", f"{usd_compact(mc.p10)} – {usd_compact(mc.p90)}",
                      help=f"{usd(mc.p10)} to {usd(mc.p90)}.")
        bottom[0].metric(f"Run-rate {result.months[-1]}", usd(result.run_rate_usd(-1)))
        bottom[1].metric("Per 1K requests", usd(result.unit_costs.usd_per_1k_requests, 4))
    elif slide == 1:
        st.title("The forecast")
        live_chart("monthly", monthly_category_data(result), text_px=SLIDE_TEXT_PX, height=520)
    elif slide == 2:
        st.title("What moves it")
        live_chart("tornado", tornado_data(base_total, bars[:6]), text_px=SLIDE_TEXT_PX)
    else:
        st.title("The story")
        story = build_narrative(result, mc, bars)
        for section in story.sections[:3]:
            st.markdown(f"- {md_escape(lead_sentence(section.paragraphs))}")
