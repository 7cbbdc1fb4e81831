"""Showback & chargeback page (AppTest): the month's totals reconcile; methods change shares."""

from __future__ import annotations

import pytest

from budget.dimensions import UNALLOCATED
from budget.exports import billing_rollup, open_exports
from tests.conftest import ROOT
from tests.pages.apptest import open_page

SAMPLE = ROOT / "data" / "exports"


@pytest.fixture(scope="module")
def october():
    billing = billing_rollup(open_exports([str(SAMPLE / "billing")]))
    return billing[billing["day"].dt.strftime("%Y-%m") == "2026-10"]


def _frames(at):
    return {tuple(d.value.columns)[:3]: d.value for d in at.dataframe}


def test_last_full_month_reconciles_to_the_cent(october):
    at = open_page("chargeback")
    assert at.selectbox(key="chg_period").value == "2026-10"
    values = {m.label: m.value for m in at.metric}
    total = round(float(october["effective_cost"].sum()), 2)
    assert values["Total"] == f"${total:,.2f}"
    pool = round(float(october.loc[october["team"] == "platform", "effective_cost"].sum()), 2)
    assert values["Shared pool"] == f"${pool:,.2f}"
    charge = _frames(at)[("team", "direct_usd", "shared_usd")]
    assert round(charge["shared_usd"].sum() * 100) == round(pool * 100)
    showback = _frames(at)[("team", "gpu_hours", "inference_usd")]
    assert round(showback["total_usd"].sum() * 100) == round(total * 100)
    assert UNALLOCATED in set(showback["team"])
    assert not at.error


def test_even_split_gives_equal_shares():
    at = open_page("chargeback")
    at.radio(key="chg_method").set_value("even").run()
    assert not at.exception
    shares = _frames(at)[("team", "direct_usd", "shared_usd")]["shared_usd"]
    assert len(shares) == 5 and shares.max() - shares.min() <= 0.01  # within a cent


def test_every_input_has_help():
    at = open_page("chargeback")
    for widget in [*at.selectbox, *at.radio, *at.multiselect, *at.text_input]:
        assert widget.help, widget.label
