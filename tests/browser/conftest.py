"""Real-browser fixtures: the app started as the README says, driven by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.browser.harness import CHROMIUM_ARGS, Server
from tests.conftest import ROOT

CHROMIUM = os.environ.get("BUDGET_CHROMIUM") or shutil.which("chromium") or ""
ARTIFACTS = ROOT / "artifacts" / "screenshots"

NO_CHROMIUM = ("Debian's chromium is not installed; `python3 dev.py test` installs it when "
               "run as root")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One app server for a test module."""
    running = Server()
    yield running
    running.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """A headless Chromium (Debian's) driven by Playwright."""
    if not CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def wait_for_app(page, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has rendered the page and finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout_ms)
    page.wait_for_timeout(400)


def problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Return the text of every exception or error box on the page."""
    return page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]'
                        ).all_inner_texts()


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
