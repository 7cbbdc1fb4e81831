"""User text is text, in a real browser: hostile names and tags make no image, link or request.

The app runs on the hostile scenario and exports folders (tests/data/hostile). Every page is
loaded by its deep link; a page fails when its DOM holds an image, link or other URL taken from
user text, markup Streamlit built from it (KaTeX, icons, emoji, coloured text, headings,
strikethrough, code, task boxes), or when the browser asked for any URL the app did not serve.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from budget.text import WORD_JOINER
from tests.browser.conftest import problems, screenshot, wait_for_app
from tests.browser.harness import Server
from tests.conftest import ROOT
from tests.data.hostile import HOSTILE_FILE, MARKER, SCENARIO_NAME, write_exports, write_scenarios

# Every page of app.py's navigation, by its URL path ("" is the default page).
APP = (ROOT / "app.py").read_text(encoding="utf-8")
PAGE = re.compile(r'st\.Page\("pages/(\w+)\.py"[^)]*?(?:url_path="(\w+)")?\)')
PATHS = [m[2] or "" for m in PAGE.finditer(APP)]
# The app makes no request to another host, its favicon included (a file it serves itself).
OWN_REQUESTS: set[str] = set()
SCREENSHOTS = {"", "planner", "governance", "monitoring", "present", "capacity"}

# Whatever Streamlit made from user text, as one query over the page.
FINDINGS = """(marker) => {
  const found = [];
  const urls = ['src', 'href', 'srcset', 'xlink:href', 'action', 'formaction', 'poster', 'data'];
  for (const el of document.querySelectorAll('*')) {
    for (const name of urls) {
      const value = el.getAttribute(name);
      if (value && value.includes(marker) && !(name === "href" && value.startsWith("#")))
        found.push(`${el.tagName} ${name}=${value}`);
    }
    const style = el.getAttribute('style') || '';
    if (style.includes('url(') && style.includes(marker)) found.push(`${el.tagName} style`);
  }
  const md = '[data-testid="stMarkdownContainer"]';
  const built = {
    'KaTeX': '.katex',
    'Streamlit logo': 'img[alt="Streamlit logo"]',
    'coloured text': '.stMarkdownColoredText, .stMarkdownColoredBackground',
    'icon from text': `${md} span[role="img"]`,
    'task box': `${md} input[type="checkbox"]`,
  };
  for (const [what, selector] of Object.entries(built))
    for (const el of document.querySelectorAll(selector))
      found.push(`${what}: ${el.outerHTML.slice(0, 120)}`);
  const texts = `${md} :is(code, del, s, a, img, table, blockquote, li li)`;
  for (const el of document.querySelectorAll(texts))
    if ((el.textContent || '').includes(marker) || (el.getAttribute('alt') || '').includes(marker))
      found.push(`${el.tagName}: ${el.outerHTML.slice(0, 120)}`);
  for (const el of document.querySelectorAll(`${md} :is(h1, h2, h3, h4, h5, h6)`))
    if ((el.textContent || '').includes(`${marker} heading`))
      found.push(`heading: ${el.outerHTML.slice(0, 120)}`);
  if (document.body.innerText.includes('\\u{1F6A8}')) found.push('emoji :rotating_light:');
  return found;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    running = Server({"BUDGET_SCENARIO_DIR": str(write_scenarios(root / "scenarios")),
                      "BUDGET_EXPORTS_DIR": str(write_exports(root / "exports"))})
    yield running
    running.close()


def test_every_page_is_covered():
    assert len(PATHS) == len(list((ROOT / "pages").glob("*.py"))) and "" in PATHS


@pytest.mark.parametrize(("path", "scenario"), [(p, None) for p in PATHS] + [
    (p, HOSTILE_FILE) for p in ("planner", "assumptions", "summary")],
    ids=lambda v: v if v != HOSTILE_FILE else "hostile-file")
def test_user_text_makes_no_markup_and_no_request(browser, hostile_server, path, scenario):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    query = f"?scenario={quote(scenario)}" if scenario else ""
    page.goto(f"{hostile_server.url}/{path}{query}")
    wait_for_app(page)
    page.wait_for_timeout(1500)  # charts, fragments and lazy images have time to ask
    assert problems(page) == []
    assert page.evaluate(FINDINGS, MARKER) == []
    served = (f"{hostile_server.url}/", "data:", "blob:")
    assert [url for url in requested if not url.startswith(served)
            and url not in OWN_REQUESTS] == []
    text = page.inner_text("body").replace(WORD_JOINER, "")
    if path in ("", "planner", "present") and scenario is None:
        assert SCENARIO_NAME in text  # the name reads as written
    if scenario:
        assert f"{HOSTILE_FILE}.toml" in text
    if path in SCREENSHOTS and scenario is None:
        screenshot(page, f"hostile-{path or 'overview'}")
    if path == "monitoring":  # the digest, far down: tags as its list items
        page.get_by_role("heading", name="Top endpoints").scroll_into_view_if_needed()
        screenshot(page, "hostile-monitoring-digest")
    page.close()
