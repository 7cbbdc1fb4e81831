"""Sessions that move sliders in real browsers and time each rerun until the number repaints."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

from tests.browser.harness import CHROMIUM_ARGS

# (page path, slider label, metric label that the slider changes)
TARGETS = {"planner": ("planner", "Inference volume", "Horizon total"),
           "sensitivity": ("sensitivity", "GPU price", "Point forecast"),
           # the Monte Carlo range, which paints after the expected total
           "sensitivity-range": ("sensitivity", "GPU price", "High (P90)")}


# Timing happens in the page: the key's own event timestamp, then the first animation frame after
# the number's text changes (the frame that paints it). The driver's round trip to the browser
# (Python → Playwright → DevTools protocol) is not part of what a person waits for; it is kept
# separately as `driver` for comparison.
RECORDER = """
(() => {
  const value = window.__value = (label, box, value) => {
    const el = [...document.querySelectorAll(box)].find(e => e.textContent.includes(label));
    const v = el && el.querySelector(value);
    return v ? v.textContent : null;
  };
  const seen = (w, key, now) => {
    if (now === null || now === w[key + 'Before']) return;
    w[key + 'At'] = -1;
    requestAnimationFrame(() => { w[key + 'At'] = performance.now(); });
  };
  document.addEventListener('keydown', e => {
    if (window.__watch && window.__watch.t0 === undefined) window.__watch.t0 = e.timeStamp;
  }, true);
  new MutationObserver(() => {
    const w = window.__watch;
    if (!w || w.t0 === undefined) return;
    if (w.metricAt === undefined) {
      seen(w, 'metric', value(w.metric, '[data-testid="stMetric"]',
                              '[data-testid="stMetricValue"]'));
    }
    if (w.thumbAt === undefined) {
      seen(w, 'thumb', value(w.slider, '[data-testid="stSlider"]',
                             '[data-testid="stSliderThumbValue"]'));
    }
  }).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""
ARM = """([slider, metric]) => {
  window.__watch = {slider, metric,
    metricBefore: window.__value(metric, '[data-testid="stMetric"]',
                                 '[data-testid="stMetricValue"]'),
    thumbBefore: window.__value(slider, '[data-testid="stSlider"]',
                                '[data-testid="stSliderThumbValue"]')};
}"""


@dataclass
class LoadResult:
    """Rerun times (seconds), problems seen, and moves per session."""

    latencies: list[float] = field(default_factory=list)  # key event → number painted
    thumb: list[float] = field(default_factory=list)  # the slider's own label: client-only
    driver: list[float] = field(default_factory=list)  # as the test driver sees it
    problems: list[str] = field(default_factory=list)
    moves: list[int] = field(default_factory=list)

    def percentile(self, q: float, thumb: bool = False, driver: bool = False) -> float:
        """Return the q-th percentile in ms of the rerun times (or of the thumb repaints)."""
        values = self.thumb if thumb else self.driver if driver else self.latencies
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


async def _session(browser, url: str, target: str, seconds: float,  # type: ignore[no-untyped-def]
                   moves_cap: int, think_s: float, result: LoadResult, walk: bool) -> None:
    path, slider_label, metric_label = TARGETS[target]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(RECORDER)
    page = await context.new_page()
    moves = 0
    try:
        await page.goto(f"{url}/{path}", timeout=90_000)
        await page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
        slider = page.locator('[data-testid="stSlider"]', has_text=slider_label).locator(
            'input[type="range"]')
        await slider.focus()
        until = time.monotonic() + seconds  # the clock starts once the page is up
        key = "ArrowRight"
        while time.monotonic() < until and moves < moves_cap:
            await page.evaluate(ARM, [slider_label, metric_label])
            start = time.perf_counter()
            await page.keyboard.press(key)
            await page.wait_for_function(
                "() => window.__watch.metricAt > 0 && window.__watch.thumbAt > 0",
                timeout=30_000, polling="raf")
            result.driver.append(time.perf_counter() - start)
            t0, thumb_at, metric_at = await page.evaluate(
                "() => [window.__watch.t0, window.__watch.thumbAt, window.__watch.metricAt]")
            result.thumb.append((thumb_at - t0) / 1000)
            result.latencies.append((metric_at - t0) / 1000)
            if not walk:  # back and forth over two values; a walk visits a new value each move
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
               moves_cap: int, think_s: float, walk: bool) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        await asyncio.gather(*[_session(browser, url, target, seconds, moves_cap, think_s,
                                        result, walk) for _ in range(sessions)])
        await browser.close()
    return result


def run_load(chromium: str, url: str, sessions: int, seconds: float, target: str = "planner",
             moves_cap: int = 10_000, think_s: float = 0.0, walk: bool = False) -> LoadResult:
    """Run `sessions` browser sessions for `seconds` each (after their page is up), each
    moving a slider with `think_s` seconds between moves: back and forth, or with `walk`
    one step further each time (every move a value the server has not computed yet)."""
    return asyncio.run(_run(chromium, url, sessions, seconds, target, moves_cap, think_s, walk))
