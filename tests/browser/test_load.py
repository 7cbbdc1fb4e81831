"""A short load test: a few concurrent browser sessions move sliders on one server.

The full version (20 sessions, 60 s, with the figures) is bench/load.py; this one checks that
concurrent sessions all get their numbers back with no error, and prints what it measured.
"""

from __future__ import annotations

import random

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM
from tests.browser.load import run_load
from tests.browser.wsload import HIGH, LOW, STEP, next_value, run_ws_load


@pytest.mark.skipif(not CHROMIUM, reason=NO_CHROMIUM)
def test_concurrent_sessions_all_get_answers(server):
    warm = server.rss_mb()
    result = run_load(CHROMIUM, server.url, sessions=4, seconds=20, moves_cap=5, think_s=0.5)
    print(f"\n4 sessions: {len(result.latencies)} reruns, p50 {result.percentile(50):.0f} ms, "
          f"p95 {result.percentile(95):.0f} ms; server RSS {warm:.0f} → {server.rss_mb():.0f} MB")
    assert result.problems == []
    assert len(result.moves) == 4 and min(result.moves) >= 3


def test_protocol_clients_walk_and_all_get_answers(server):
    # The bench's light clients (bench/load.py --clients ws), briefly: every move is a new
    # rerun whose horizon total differs from the last, and none of them errs.
    result = run_ws_load(server.url, clients=3, seconds=6, think_s=0.3)
    print(f"\n3 protocol clients: {len(result.latencies)} reruns, p50 "
          f"{result.percentile(50):.0f} ms, p95 {result.percentile(95):.0f} ms")
    assert result.problems == []
    assert min(result.moves) >= 5


def test_walk_stays_in_range_one_step_at_a_time():
    rng = random.Random(3)  # noqa: S311 - a repeatable walk, not a secret
    value, seen = 1.0, set()
    for _ in range(2_000):
        new = next_value(value, rng)
        assert abs(new - value) == pytest.approx(STEP)
        assert LOW <= new <= HIGH
        value = new
        seen.add(new)
    assert len(seen) == round((HIGH - LOW) / STEP) + 1  # the walk reaches every value
