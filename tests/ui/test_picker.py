"""Tests for ui.picker's coverage hint: which scenario files hold a month."""

from __future__ import annotations

from tests.conftest import SMALL
from ui.picker import covering_hint, plans_covering


def test_the_plans_that_cover_a_month(tmp_path, monkeypatch):
    text = SMALL.read_text(encoding="utf-8")  # 2027-11 for 3 months
    (tmp_path / "small.toml").write_text(text, encoding="utf-8")
    (tmp_path / "later.toml").write_text(text.replace('start = "2027-11"', 'start = "2028-01"'),
                                         encoding="utf-8")
    (tmp_path / "broken.toml").write_text("[scenario\n", encoding="utf-8")
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    assert plans_covering("2027-11") == ["small"]
    assert sorted(plans_covering("2028-01")) == ["later", "small"]
    assert plans_covering("2027-10") == []
    assert covering_hint("2027-12") == ("small covers 2027-12: pick it in the sidebar to compare "
                                        "like with like.")
    assert covering_hint("2026-01") == "No scenario file covers 2026-01."
