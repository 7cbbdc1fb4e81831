"""The view in the URL: moved drivers follow the sidebar, reload anywhere, and bad links say so."""

from __future__ import annotations

from urllib.parse import urlsplit

import duckdb

from budget.fmt import usd
from budget.forecast import forecast
from budget.scenario import load_scenario
from tests.browser.conftest import problems, screenshot, wait_for_app
from tests.conftest import ROOT

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


# the last headline number each page paints: its figures are read once it is there
LAST_METRIC = {"Summary": None, "Capacity": "The plan's GPU spend", "Present": "Per 1K requests"}


def _metrics(page, last: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    if last is not None:
        page.locator('[data-testid="stMetric"]', has_text=last).first.wait_for(timeout=30_000)
    return list(page.locator('[data-testid="stMetricValue"]').all_inner_texts())


def _shows(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page's main area shows `text` (the Summary writes its story last)."""
    page.wait_for_function("t => document.querySelector('[data-testid=\"stMain\"]')"
                           ".innerText.includes(t)", arg=text, timeout=30_000)


def test_moved_drivers_follow_the_sidebar_and_reload_in_a_fresh_context(browser, server):
    moved = usd(forecast(load_scenario(PLAN).with_drivers(inference_volume=1.3)).total_cost_usd)
    assert moved != usd(forecast(load_scenario(PLAN)).total_cost_usd)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    outside: list[str] = []
    context.on("request", lambda r: outside.append(r.url)
               if urlsplit(r.url).hostname not in ("127.0.0.1", None) else None)
    page = context.new_page()
    page.goto(f"{server.url}/planner?plan_volume=1.3")
    wait_for_app(page)
    _shows(page, moved)
    assert moved in _metrics(page, "Per 1M tokens")
    for name, path in (("Summary", "/summary"), ("Capacity", "/capacity"),
                       ("Present", "/present")):
        page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
        page.wait_for_url(f"**{path}?*")
        wait_for_app(page)
        assert "plan_volume=1.3" in page.url, (name, page.url)
        if name != "Capacity":  # the moved total, not the file's
            _shows(page, moved)
        shown = _metrics(page, LAST_METRIC[name])
        fresh = browser.new_context(viewport={"width": 1920, "height": 1080})
        again = fresh.new_page()
        again.goto(page.url)  # the address bar alone reproduces the view
        wait_for_app(again)
        if name != "Capacity":
            _shows(again, moved)
        assert _metrics(again, LAST_METRIC[name]) == shown, name
        fresh.close()
    page.goto(f"{server.url}/?plan_volume=1.3")  # Overview follows the drivers too
    wait_for_app(page)
    _shows(page, moved)
    assert _metrics(page, "Inference per 1K requests")[0] == moved
    assert problems(page) == []
    assert outside == []  # no request leaves the app: fonts, icons and favicon are local
    context.close()


def test_a_bad_link_is_named_and_the_page_shows_the_file(browser, server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    file_total = usd(forecast(load_scenario(PLAN)).total_cost_usd)
    cases = {
        "planner?scenario=nope": "The link names the scenario 'nope', which is not in "
                                 "scenarios/: the page shows 'fy27-plan'.",
        "planner?plan_volume=5": "The link's plan_volume=5 is outside the slider's 0 to 3: "
                                 "every page uses the file's value, 1.",
        "planner?plan_volume=abc": "The link's plan_volume=abc is not a number: every page "
                                   "uses the file's value, 1.",
    }
    for link, message in cases.items():
        page.goto(f"{server.url}/{link}")
        wait_for_app(page)
        alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
        assert any(message in a for a in alerts), (link, alerts)
        _shows(page, file_total)
        assert _metrics(page, "Per 1M tokens")[0] == file_total, link
    screenshot(page, "link-bad-value")
    page.close()


def _reloads_the_same(browser, page, last: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open the page's URL in a fresh context and return its figures, checked equal to page's."""
    shown = _metrics(page, last)
    fresh = browser.new_context(viewport={"width": 1920, "height": 1080})
    again = fresh.new_page()
    again.goto(page.url)
    wait_for_app(again)
    assert _metrics(again, last) == shown, page.url
    fresh.close()
    return shown


def test_page_state_is_in_the_link(browser, server):
    # Actuals' cost basis and Chargeback's method change the figures; the link carries both.
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server.url}/actuals")
    wait_for_app(page)
    effective = _metrics(page, "Inference per 1K requests")
    page.locator('[data-testid="stRadio"] label', has_text="Billed").first.click()
    page.wait_for_url("**act_measure=*")
    wait_for_app(page)
    billed = _reloads_the_same(browser, page, "Inference per 1K requests")
    assert billed[0] != effective[0]  # the billed total, not the amortised one

    # Chargeback opened on a month by the link shows that month: its total from the Parquet.
    (september,), = duckdb.sql(
        "SELECT sum(EffectiveCost)::DECIMAL(18, 2) FROM read_parquet(?, union_by_name = true) "
        "WHERE BillingCurrency = 'USD' AND strftime(ChargePeriodStart, '%Y-%m') = '2026-09'",
        params=[str(ROOT / "data" / "exports" / "billing" / "**" / "*.parquet")]).fetchall()
    page.goto(f"{server.url}/chargeback?chg_period=2026-09")
    wait_for_app(page)
    assert _metrics(page, "Total")[-1] == usd(float(september), 2)
    page.locator('[data-testid="stRadio"] label', has_text="Evenly").first.click()
    page.wait_for_url("**chg_method=*")
    wait_for_app(page)
    assert "chg_period=2026-09" in page.url
    assert _reloads_the_same(browser, page, "Total")[-1] == usd(float(september), 2)
    page.close()
