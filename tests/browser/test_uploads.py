"""Uploads in Chromium: three months all named part-0.parquet all shown; their folder deleted."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from budget.exports import billing_rollup, open_exports
from tests.browser.conftest import ARTIFACTS, Server, problems, wait_for_app
from tests.conftest import ROOT

MONTHS = [ROOT / "data" / "exports" / "billing" / f"month={m}" / "part-0.parquet"
          for m in ("2025-11", "2025-12", "2026-01")]
CAPTION = '[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"]'


def wait_for_caption(page, text: str) -> str:  # type: ignore[no-untyped-def]
    """Wait for the page caption that starts with TEXT; return it."""
    caption = page.locator(CAPTION, has_text=text).first
    caption.wait_for(timeout=60_000)
    wait_for_app(page)
    return str(caption.inner_text())


def batches(tmp: Path) -> list[Path]:
    """Return the upload batch folders the server made under its temporary folder."""
    return sorted(tmp.glob("ai-budget-uploads-*/batch-*"))


def wait_until_gone(path: Path, seconds: float) -> bool:
    """Return True once PATH no longer exists (False after SECONDS)."""
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    return not path.exists()


def test_three_months_named_part_0_are_all_shown_and_deleted_after_use(browser, tmp_path):
    server = Server({"TMPDIR": str(tmp_path), "BUDGET_UPLOAD_TTL_MINUTES": "0.5"})
    try:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{server.url}/actuals")
        wait_for_app(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(m) for m in MONTHS])
        rollup = billing_rollup(open_exports([str(m) for m in MONTHS]))
        assert wait_for_caption(page, "Source: your upload") == (
            f"Source: your upload: 3 files · {len(rollup):,} rollup rows · 2025-11-01 to "
            "2026-01-31")
        assert problems(page) == []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "actuals-three-part-0-uploads.png"))

        [batch] = batches(tmp_path)
        assert stat.S_IMODE(batch.parent.stat().st_mode) == 0o700
        assert sorted(p.relative_to(batch).as_posix() for p in batch.rglob("*.parquet")) == [
            "billing/2/part-0.parquet", "billing/3/part-0.parquet", "billing/part-0.parquet"]
        assert str(tmp_path) not in page.content()

        page.get_by_role("link", name="Monitoring").click()  # same session, another page
        assert wait_for_caption(page, "Source: your upload").startswith(
            "Source: your upload: 3 files")
        page.get_by_role("button", name="Back to the sample").click()
        wait_for_caption(page, "Source: bundled sample")
        assert batches(tmp_path) == [] and problems(page) == []

        page.get_by_role("link", name="Actuals").click()
        wait_for_app(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            str(MONTHS[0]))
        wait_for_caption(page, "Source: your upload: 1 file")
        [again] = batches(tmp_path)
        page.close()  # the session ends; nothing else runs on the server
        assert wait_until_gone(again, 90)  # TTL 30 s, swept every 7.5 s
        [parent] = tmp_path.glob("ai-budget-uploads-*")
    finally:
        server.close()
    assert wait_until_gone(parent, 30)  # the parent goes when the server exits
