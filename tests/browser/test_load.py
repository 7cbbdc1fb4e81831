"""A short load test: a few concurrent browser sessions move sliders on one server.

The full version (20 sessions, 60 s, with the figures) is bench/load.py; this one checks that
concurrent sessions all get their numbers back with no error, and prints what it measured.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM
from tests.browser.load import run_load


@pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)
def test_concurrent_sessions_all_get_answers(server):
    warm = server.rss_mb()
    result = run_load(CHROMIUM, server.url, sessions=4, seconds=20, moves_cap=5, think_s=0.5)
    print(f"\n4 sessions: {len(result.latencies)} reruns, p50 {result.percentile(50):.0f} ms, "
          f"p95 {result.percentile(95):.0f} ms; server RSS {warm:.0f} → {server.rss_mb():.0f} MB")
    assert result.problems == []
    assert len(result.moves) == 4 and min(result.moves) >= 3
