"""Overview page (AppTest): the landing numbers match the forecast of the file as written."""

from __future__ import annotations

from tests.conftest import SMALL
from tests.pages.apptest import open_page


def test_overview_numbers(monkeypatch):
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(SMALL.parent))
    at = open_page()
    values = {m.label: m.value for m in at.metric}
    assert values == {
        "Horizon total": "$19,420",
        "Run-rate 2027-11": "$5,580",
        "Run-rate 2028-01": "$7,460",
        "Inference per 1K requests": "$2.5353",
    }
    assert at.title[0].value == "AI infrastructure budget"
