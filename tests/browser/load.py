"""Sessions that move sliders in real browsers and time each rerun until the number repaints."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

from tests.browser.harness import CHROMIUM_ARGS

# (page path, slider label, metric label that the slider changes)
TARGETS = {"planner": ("planner", "Inference volume", "Horizon total"),
           "sensitivity": ("sensitivity", "GPU price", "Expected"),
           # the Monte Carlo range, which paints after the expected total
           "sensitivity-range": ("sensitivity", "GPU price", "High (P90)")}


@dataclass
class LoadResult:
    """Rerun times (seconds), problems seen, and moves per session."""

    latencies: list[float] = field(default_factory=list)
    thumb: list[float] = field(default_factory=list)  # the slider's own label: client-only
    problems: list[str] = field(default_factory=list)
    moves: list[int] = field(default_factory=list)

    def percentile(self, q: float, thumb: bool = False) -> float:
        """Return the q-th percentile in ms of the rerun times (or of the thumb repaints)."""
        values = self.thumb if thumb else self.latencies
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


async def _session(browser, url: str, target: str, seconds: float,  # type: ignore[no-untyped-def]
                   moves_cap: int, think_s: float, result: LoadResult) -> None:
    path, slider_label, metric_label = TARGETS[target]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    moves = 0
    try:
        await page.goto(f"{url}/{path}", timeout=90_000)
        await page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
        slider = page.locator('[data-testid="stSlider"]', has_text=slider_label).locator(
            'input[type="range"]')
        metric = page.locator('[data-testid="stMetric"]', has_text=metric_label).locator(
            '[data-testid="stMetricValue"]')
        thumb = page.locator('[data-testid="stSlider"]', has_text=slider_label).locator(
            '[data-testid="stSliderThumbValue"]')
        await slider.focus()
        until = time.monotonic() + seconds  # the clock starts once the page is up
        key = "ArrowRight"
        while time.monotonic() < until and moves < moves_cap:
            before = await metric.inner_text()
            thumb_before = await thumb.inner_text()
            start = time.perf_counter()
            await page.keyboard.press(key)
            await page.wait_for_function(
                "([label, old]) => { const s = [...document.querySelectorAll("
                "'[data-testid=\"stSlider\"]')].find(e => e.innerText.includes(label));"
                " const v = s && s.querySelector('[data-testid=\"stSliderThumbValue\"]');"
                " return v && v.innerText !== old; }",
                arg=[slider_label, thumb_before], timeout=30_000, polling="raf")
            result.thumb.append(time.perf_counter() - start)
            await page.wait_for_function(
                "([label, old]) => { const m = [...document.querySelectorAll("
                "'[data-testid=\"stMetric\"]')].find(e => e.innerText.includes(label));"
                " return m && !m.innerText.includes(old); }",
                arg=[metric_label, before], timeout=30_000, polling="raf")
            result.latencies.append(time.perf_counter() - start)
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            moves += 1
            await asyncio.sleep(think_s)
        result.problems += await page.locator(
            '[data-testid="stException"], [data-testid="stAlertContentError"]').all_inner_texts()
    except Exception as exc:  # a timeout or a crash is a finding, not a bench failure
        result.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        result.moves.append(moves)
        await context.close()


async def _run(chromium: str, url: str, sessions: int, seconds: float, target: str,
               moves_cap: int, think_s: float) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        await asyncio.gather(*[_session(browser, url, target, seconds, moves_cap, think_s,
                                        result) for _ in range(sessions)])
        await browser.close()
    return result


def run_load(chromium: str, url: str, sessions: int, seconds: float, target: str = "planner",
             moves_cap: int = 10_000, think_s: float = 0.0) -> LoadResult:
    """Run `sessions` browser sessions for `seconds` each (after their page is up), each
    moving a slider back and forth with `think_s` seconds between moves."""
    return asyncio.run(_run(chromium, url, sessions, seconds, target, moves_cap, think_s))
