"""The Edit page in a real browser: a cell typed into the grid moves the Planner and Summary."""

from __future__ import annotations

import shutil

import pytest

from budget.fmt import usd
from tests.browser.conftest import problems, screenshot, wait_for_app
from tests.browser.harness import Server
from tests.conftest import SMALL, SMALL_TOTAL_USD

# small.toml by hand: chat costs 3,000 + 3,300 + 3,630 = 9,930 at 1,000,000 requests a month;
# at 2,000,000 it costs twice that, so the horizon total is 19,420 + 9,930.
EDITED_TOTAL = usd(SMALL_TOTAL_USD + 9_930)
# Then obs, the platform line, from $1,000 to $2,000 a month growing 50%: 1,000 + 1,500 + 2,250
# = 4,750 more.
BOTH_TOTAL = usd(SMALL_TOTAL_USD + 9_930 + 4_750)
# Columns left of the edited one: inference's name, changed, team, model, environment, kind;
# platform's name, changed, category, team.
STEPS_TO_REQUESTS, STEPS_TO_MONTHLY_COST = 6, 4


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(SMALL, folder / "small.toml")
    running = Server({"BUDGET_SCENARIO_DIR": str(folder)})
    yield running
    running.close()


def wait_for_text(page, text: str, timeout_ms: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("(text) => document.body.innerText.includes(text)", arg=text,
                           timeout=timeout_ms)


def open_in_sidebar(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Follow a navigation link (same session, so the draft comes along)."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    wait_for_app(page)


def type_into_first_row(page, steps_right: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type a value into the first data row of the open tab's grid, `steps_right` from its name."""
    grid = page.locator('[data-testid="stTabs"] [data-testid="stDataFrame"]').first
    grid.wait_for(state="visible")
    page.wait_for_timeout(500)  # a tab just switched to lays its grid out after it shows
    box = grid.bounding_box()
    assert box is not None
    # the first data row's first cell: below the 35 px header, right of the row markers
    page.mouse.click(box["x"] + 80, box["y"] + 35 + 17)
    for _ in range(steps_right):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # open the cell's editor, replace its value, commit
    page.wait_for_timeout(300)
    page.keyboard.press("Control+A")
    page.keyboard.type(text, delay=30)
    page.keyboard.press("Enter")


def test_a_cell_edited_on_the_edit_page_moves_planner_and_summary(browser, small_server):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{small_server.url}/edit")
    wait_for_app(page)
    assert problems(page) == []
    screenshot(page, "edit-before")
    type_into_first_row(page, STEPS_TO_REQUESTS, "2000000")
    wait_for_text(page, "Unsaved draft — 1 change")
    wait_for_text(page, "Changed from the file")
    assert problems(page) == []
    screenshot(page, "edit-after-a-cell")
    open_in_sidebar(page, "Planner")
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(value))",
        arg=["Horizon total", EDITED_TOTAL], timeout=30_000)
    assert "Unsaved draft — 1 change" in page.locator('[data-testid="stSidebar"]').inner_text()
    open_in_sidebar(page, "Summary")
    wait_for_text(page, EDITED_TOTAL.removeprefix("$"))
    assert problems(page) == []
    screenshot(page, "summary-with-draft")
    open_in_sidebar(page, "Edit")
    page.get_by_role("tab", name="Platform").click()
    wait_for_app(page)
    type_into_first_row(page, STEPS_TO_MONTHLY_COST, "2000")
    wait_for_text(page, "Unsaved draft — 2 changes")
    # the edit reran the page and the Platform tab is still the one shown
    assert page.get_by_role("tab", name="Platform").get_attribute("aria-selected") == "true"
    screenshot(page, "edit-platform-tab")
    open_in_sidebar(page, "Planner")
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(value))",
        arg=["Horizon total", BOTH_TOTAL], timeout=30_000)
    page.get_by_role("button", name="Discard").click()
    wait_for_app(page)
    open_in_sidebar(page, "Planner")
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".some(m => m.innerText.includes(label) && m.innerText.includes(value))",
        arg=["Horizon total", usd(SMALL_TOTAL_USD)], timeout=30_000)
    page.close()
