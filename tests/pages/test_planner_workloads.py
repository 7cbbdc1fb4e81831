"""Planner page (AppTest): a big plan's workload table shows the costliest 50, all on request."""

from __future__ import annotations

import tomli_w

from bench.scale_speed import scenario_data
from budget.forecast import forecast
from budget.rows import workload_rows
from budget.scenario import load_scenario
from tests.pages.apptest import open_page


def test_a_big_plan_shows_the_top_50_and_every_workload_on_request(tmp_path, monkeypatch):
    path = tmp_path / "scale.toml"
    path.write_text(tomli_w.dumps(scenario_data(120, 6)))  # 120 workloads over 6 months
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(tmp_path))
    every = workload_rows(forecast(load_scenario(path)))
    at = open_page("planner")
    shown = at.dataframe[0].value
    assert len(shown) == 50
    assert shown["workload"].tolist() == every["workload"].tolist()[:50]  # largest cost first
    assert "The 50 costliest of 120 workloads." in [c.value for c in at.caption]
    at.toggle(key="plan_all_workloads").set_value(True).run()
    assert not at.exception
    assert at.dataframe[0].value["workload"].tolist() == every["workload"].tolist()
