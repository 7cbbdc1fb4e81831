"""Multi-cloud page (AppTest): placements and portability as the engine computes them."""

from __future__ import annotations

from budget.fmt import usd
from budget.multicloud import placements, portability
from budget.scenario import load_scenario
from tests.conftest import ROOT
from tests.pages.apptest import open_page

PLAN = ROOT / "data" / "scenarios" / "fy27-plan.toml"


def test_multicloud_page_matches_the_engine():
    at = open_page("multicloud")
    plan = load_scenario(PLAN)
    # the name before its colon ("by workload type: inference stays, …" → "by workload type")
    assert [m.label for m in at.metric] == [p.name.split(":")[0] for p in placements(plan)]
    assert all(m.help.startswith(p.name) for m, p in zip(at.metric, placements(plan),
                                                          strict=True))
    assert at.metric[0].value == usd(placements(plan)[0].cost_usd)
    scores = next(d.value for d in at.dataframe if "score" in d.value.columns)
    assert scores["score"].tolist() == [p.score for p in portability(plan)]
