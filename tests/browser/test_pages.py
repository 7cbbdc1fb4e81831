"""The app as users get it: deep links on a fresh server, sliders, downloads, no error boxes."""

from __future__ import annotations

import csv
import io

import pytest
from pypdf import PdfReader

from budget.fmt import usd
from budget.forecast import forecast
from budget.scenario import load_scenario
from tests.browser.conftest import Server, problems, screenshot, wait_for_app
from tests.conftest import ROOT

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"
PAGES = {"": "AI infrastructure budget", "planner": "Budget planner",
         "sensitivity": "Sensitivity and uncertainty", "summary": "Executive summary",
         "capacity": "Capacity & procurement", "multicloud": "Multi-cloud",
         "compare": "Compare versions", "present": "FY27 plan", "actuals": "Actual spend",
         "assumptions": "Assumptions", "monitoring": "Monitoring",
         "chargeback": "Showback & chargeback", "governance": "Governance",
         "edit": "Edit the scenario", "plan_vs_actual": "Plan vs actual"}


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p or "overview")
def test_deep_link_on_a_fresh_server(browser, path):
    fresh = Server()  # the deep link is the very first request this server sees
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{fresh.url}/{path}")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == PAGES[path]
        assert page.title() == "AI budget planner" or page.title().startswith(
            ("Planner", "Sensitivity", "Summary", "Compare", "Present", "Actuals", "Assumptions",
             "Overview", "Capacity", "Multi-cloud", "Monitoring", "Showback", "Governance",
             "Edit", "Plan vs actual"))
        nav = page.locator('[data-testid="stSidebarNav"]').all_inner_texts()
        assert path == "present" or "Planner" in " ".join(nav)  # our navigation, not files
        assert problems(page) == []
        screenshot(page, f"page-{path or 'overview'}")
        page.close()
    finally:
        fresh.close()


def kpi(page, label: str) -> str:  # type: ignore[no-untyped-def]
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return str(metric.locator('[data-testid="stMetricValue"]').inner_text())


def test_planner_slider_moves_the_numbers(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{server.url}/planner")
    wait_for_app(page)
    plan = load_scenario(PLAN)
    assert kpi(page, "Horizon total") == usd(forecast(plan).total_cost_usd)
    slider = page.locator('[data-testid="stSlider"]', has_text="GPU price").locator(
        'input[type="range"]')
    slider.focus()
    for _ in range(4):  # 4 steps of 0.05
        page.keyboard.press("ArrowRight")
    expected = usd(forecast(plan.with_drivers(gpu_price=1.2)).total_cost_usd)
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(value))",
        arg=["Horizon total", expected], timeout=30_000)
    assert "plan_gpu_price=1.2" in page.url
    assert problems(page) == []
    screenshot(page, "planner-after-slider")
    page.close()


def test_csv_download_reconciles(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1400})
    page.goto(f"{server.url}/planner")
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download workloads (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8"))))
    total = sum(float(r["cost_usd"]) for r in rows)
    assert total == pytest.approx(forecast(load_scenario(PLAN)).total_cost_usd, abs=0.01)
    assert {r["team"] for r in rows} >= {"support", "search", "platform"}
    page.close()


def test_pdf_download_opens(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{server.url}/summary")
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download the PDF summary").click()
    reader = PdfReader(str(info.value.path()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "FY27 plan" in text
    assert usd(forecast(load_scenario(PLAN)).total_cost_usd) in text
    assert problems(page) == []
    page.close()


def test_upload_over_the_limit_and_a_native_export(browser, tmp_path):
    limited = Server({"BUDGET_MAX_UPLOAD_MB": "1"})
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{limited.url}/actuals")
        wait_for_app(page)
        big = tmp_path / "big.csv"
        big.write_bytes(b"x" * (1024 * 1024 + 10))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(big))
        page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30_000)
        assert "the limit is 1 MB" in " ".join(problems(page))
        page.goto(f"{limited.url}/actuals")
        wait_for_app(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(ROOT / "tests" / "data" / "bad" / "billing-oci-native.csv"))
        page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30_000)
        assert "uploaded file billing-oci-native.csv" in " ".join(problems(page))
        page.goto(f"{limited.url}/planner")  # still serving
        wait_for_app(page)
        assert problems(page) == []
        page.close()
    finally:
        limited.close()


def test_chargeback_csv_sums_to_the_pool(browser, server):
    page = browser.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(f"{server.url}/chargeback")
    wait_for_app(page)
    page.get_by_text("Evenly", exact=True).click()
    wait_for_app(page)
    pool = float(kpi(page, "Shared pool").lstrip("$").replace(",", ""))
    with page.expect_download() as info:
        page.get_by_role("button", name="Download chargeback (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8"))))
    shared = [round(float(r["shared_usd"]) * 100) for r in rows]
    assert sum(shared) == round(pool * 100)  # to the cent
    assert max(shared) - min(shared) <= 1  # evenly: equal to within a cent
    assert problems(page) == []
    page.close()


def test_workbook_download_records_the_view(browser, server):
    import openpyxl

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server.url}/summary?plan_volume=1.3")
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download the Excel workbook").click()
    assert info.value.suggested_filename == "fy27-plan.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))
    monthly = book["Monthly"]
    moved = forecast(load_scenario(PLAN).with_drivers(inference_volume=1.3)).total_cost_usd
    assert monthly.cell(monthly.max_row, monthly.max_column).value == moved
    text = " ".join(str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row
                    if c is not None)
    assert "Drivers moved from the file: Inference volume 1.00× → 1.30×." in text
    from pptx import Presentation

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download the slide deck").click()
    assert info.value.suggested_filename == "fy27-plan.pptx"
    deck = Presentation(io.BytesIO(info.value.path().read_bytes()))
    headline = [s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame]
    assert usd(moved) in headline and len(deck.slides) == 6  # no previous version picked
    assert problems(page) == []
    screenshot(page, "summary-downloads")
    page.close()
