"""Showback and chargeback: cent-exact splits, every method by hand, refusals that name the file."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.allocation import (
    CHARGEBACK_COLUMNS,
    METHODS,
    SHOWBACK_COLUMNS,
    SHOWBACK_PARTS,
    WEIGHTED_METHODS,
    chargeback,
    chargeback_json,
    exports_total,
    largest_remainder,
    load_weights,
    parse_weights_bytes,
    round_to_total,
    showback,
)
from budget.dimensions import NO_TAG, UNALLOCATED
from budget.errors import BudgetInputError
from budget.exports import billing_rollup, ingest_summary, open_exports
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "exports" / "billing"
WEIGHTS = ROOT / "data" / "allocation" / "weights.toml"
COLUMNS = ["day", "currency", "team", "workload_class", "service_category", "effective_cost",
           "billed_cost", "gpu_hours"]


def cents(amount: float) -> int:
    """Return a float amount as whole cents (the module's floats are exact cents)."""
    return round(Decimal(repr(float(amount))) * 100)


def frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["day"] = pd.to_datetime(table["day"])
    return table


@pytest.fixture
def rollup() -> pd.DataFrame:
    # Effective: support 300 + 100 = 400, search 150 + 50 = 200, research 200,
    # pool (platform) 90 + 30.01 = 120.01, unallocated 25; total 945.01.
    # Billed differs for support (320 + 100 = 420) and research (210); total 975.01.
    return frame([
        ("2026-01-01", "USD", "support", "realtime_inference", "AI and Machine Learning",
         300.0, 320.0, 0.0),
        ("2026-01-01", "USD", "support", "training", "Compute", 100.0, 100.0, 500.0),
        ("2026-01-01", "USD", "search", "batch_inference", "Compute", 150.0, 150.0, 20.0),
        ("2026-01-02", "USD", "search", "platform", "Storage", 50.0, 50.0, 0.0),
        ("2026-01-02", "USD", "research", "experimentation", "Compute", 200.0, 210.0, 300.0),
        ("2026-01-02", "USD", "platform", "platform", "Management and Governance", 90.0, 90.0,
         0.0),
        ("2026-01-02", "USD", "platform", "platform", "Storage", 30.01, 30.01, 0.0),
        ("2026-01-02", "USD", UNALLOCATED, NO_TAG["workload_class"], "Networking", 25.0, 25.0, 0.0),
    ])


HEADCOUNT = {"support": 40, "search": 55, "research": 25, "devex": 10}


# ---- largest remainder -------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "weights", "expected"), [
    # 33.33 each; one spare cent goes to the first name
    (100, {"c": 1, "b": 1, "a": 1}, {"a": 34, "b": 33, "c": 33}),
    (1, {"c": 1, "b": 1, "a": 1}, {"a": 1, "b": 0, "c": 0}),
    (2, {"c": 1, "b": 1, "a": 1}, {"a": 1, "b": 1, "c": 0}),
    # a zero weight gets nothing, even with a spare cent
    (101, {"a": 1, "b": 0, "c": 1}, {"a": 51, "b": 0, "c": 50}),
    # 4.67 and 2.33: the larger remainder takes the spare cent
    (7, {"a": 2, "b": 1}, {"a": 5, "b": 2}),
    # huge against tiny: the tiny weight's exact share is ~1e-597 cents
    (1000, {"big": 1e300, "tiny": 1e-300}, {"big": 1000, "tiny": 0}),
    (10, {"a": 1e-300, "b": 1e-300}, {"a": 5, "b": 5}),
    # negative pool (net credits): -33.33 each floors to -34; two cents back, by name
    (-100, {"a": 1, "b": 1, "c": 1}, {"a": -33, "b": -33, "c": -34}),
    (0, {"a": 3, "b": 0}, {"a": 0, "b": 0}),
])
def test_largest_remainder_by_hand(total, weights, expected):
    assert largest_remainder(total, weights) == expected


@pytest.mark.parametrize(("weights", "words"), [
    ({"a": 0, "b": 0}, ["every team's weight is zero"]),
    ({}, ["every team's weight is zero"]),
    ({"a": 1, "b": -1}, ['field "b"', "is negative"]),
    ({"a": 1, "b": float("nan")}, ['field "b"', "not a finite number"]),
    ({"a": 1, "b": float("inf")}, ['field "b"', "not a finite number"]),
])
def test_largest_remainder_refuses_bad_weights(weights, words):
    with pytest.raises(BudgetInputError) as caught:
        largest_remainder(100, weights, source="w.toml")
    message = str(caught.value)
    assert message.startswith("w.toml: ")
    for word in words:
        assert word in message


@settings(max_examples=300, deadline=None)
@given(st.integers(-10**9, 10**9),
       st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3),
                       st.one_of(st.integers(0, 10**6),
                                 st.floats(0, 1e12, allow_nan=False, allow_infinity=False)),
                       min_size=1, max_size=8).filter(lambda w: any(w.values())))
def test_largest_remainder_sums_to_the_pool_within_a_cent(total, weights):
    split = largest_remainder(total, weights)
    assert sum(split.values()) == total
    weight_sum = sum(Fraction(w) for w in weights.values())
    for team, share in split.items():
        assert abs(share - total * Fraction(weights[team]) / weight_sum) < 1


@pytest.mark.parametrize(("total", "amounts", "expected"), [
    # three half cents: 0.015 rounds (half even) to 0.02; the first two names get the cents
    (2, {"a": "0.005", "b": "0.005", "c": "0.005"}, {"a": 1, "b": 1, "c": 0}),
    # a credit: -0.004 → 0, 0.014 → 1, total 0.01
    (1, {"credit": "-0.004", "cost": "0.014"}, {"cost": 1, "credit": 0}),
    # an exact total one cent above the rounded parts: the largest remainder takes it
    (101, {"a": "0.333", "b": "0.666"}, {"a": 34, "b": 67}),
])
def test_round_to_total_by_hand(total, amounts, expected):
    assert round_to_total(total, {k: Decimal(v) for k, v in amounts.items()}) == expected


# ---- chargeback, every method on the hand-built rollup -----------------------------------------

@pytest.mark.parametrize(("method", "weights", "expected", "without"), [
    # headcount 40/55/25/10 of 130 on a 12,001-cent pool: support 3692.615, search 5077.346,
    # research 2307.885, devex 923.154 → floors 11,999; the two spare cents go to research
    # (.885) and support (.615). devex has no cost but weights, so it appears with direct 0.
    ("headcount", HEADCOUNT, {"devex": (0.0, 9.23), "research": (200.0, 23.08),
                              "search": (200.0, 50.77), "support": (400.0, 36.93)}, ()),
    # revenue 0.3 / 0.6 (research has no line: weight 0, reported): 4000.333 and 8000.667 →
    # the spare cent goes to search.
    ("revenue", {"support": 0.3, "search": 0.6},
     {"research": (200.0, 0.0), "search": (200.0, 80.01), "support": (400.0, 40.0)},
     ("research",)),
    # usage by direct cost 400/200/200: 6000.5, 3000.25, 3000.25 → support takes the spare cent.
    ("usage", None, {"research": (200.0, 30.0), "search": (200.0, 30.0),
                     "support": (400.0, 60.01)}, ()),
    # even: 4000.333 each → the spare cent goes to the first name, research.
    ("even", None, {"research": (200.0, 40.01), "search": (200.0, 40.0),
                    "support": (400.0, 40.0)}, ()),
])
def test_chargeback_by_hand(rollup, method, weights, expected, without):
    result = chargeback(rollup, method, weights)
    table = result.table.set_index("team")
    assert list(result.table.columns) == list(CHARGEBACK_COLUMNS)
    assert sorted(table.index) == sorted(expected)
    for team, (direct, shared) in expected.items():
        assert table.loc[team, "direct_usd"] == direct
        assert table.loc[team, "shared_usd"] == shared
        assert cents(table.loc[team, "total_usd"]) == cents(direct) + cents(shared)
    assert result.pool_usd == 120.01
    assert result.unallocated_usd == 25.0
    assert result.teams_without_weight == without
    assert sum(cents(v) for v in table["shared_usd"]) == 12_001
    assert sum(cents(v) for v in table["total_usd"]) + cents(result.unallocated_usd) == 94_501
    assert result.total_usd == 945.01


def test_chargeback_json_contract(rollup):
    result = chargeback(rollup, "headcount", HEADCOUNT)
    data = chargeback_json(result)
    assert list(data) == ["method", "cost_basis", "pool", "teams", "unallocated"]
    assert data["method"] == "headcount"
    assert data["cost_basis"] == "EffectiveCost"
    assert data["pool"] == 120.01
    assert data["unallocated"] == 25.0
    assert data["teams"][0] == {"team": "devex", "direct": 0.0, "shared": 9.23, "total": 9.23}
    assert [list(t) for t in data["teams"]] == [["team", "direct", "shared", "total"]] * 4
    assert json.loads(json.dumps(data)) == data


def test_billed_cost_basis(rollup):
    # billed direct: support 420, search 200, research 210; pool 120.01; even split as above
    result = chargeback(rollup, "even", cost_basis="BilledCost")
    table = result.table.set_index("team")
    assert table["direct_usd"].to_dict() == {"research": 210.0, "search": 200.0,
                                             "support": 420.0}
    assert table["total_usd"].to_dict() == {"research": 250.01, "search": 240.0,
                                            "support": 460.0}
    assert chargeback_json(result)["cost_basis"] == "BilledCost"
    assert result.total_usd == 975.01


def test_pool_zero_and_weightless_teams(rollup):
    no_platform = rollup[rollup["team"] != "platform"]
    for method in METHODS:
        weights = HEADCOUNT if method in WEIGHTED_METHODS else None
        result = chargeback(no_platform, method, weights)
        assert result.pool_usd == 0.0
        assert set(result.table["shared_usd"]) == {0.0}
        assert result.total_usd == 825.0


def test_other_shared_teams(rollup):
    # research's 200 joins the pool: 320.01 split evenly over search and support → 160.01/160
    result = chargeback(rollup, "even", shared_teams=("platform", "research"))
    assert result.pool_usd == 320.01
    assert result.table.set_index("team")["shared_usd"].to_dict() == {"search": 160.01,
                                                                      "support": 160.0}


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"method": "headcount"}, ['"headcount" needs per-team weights', "--weights"]),
    ({"method": "seats"}, ['field "method"', 'unknown method "seats"', "headcount"]),
    ({"method": "even", "cost_basis": "ListCost"}, ['unknown cost basis "ListCost"',
                                                    "EffectiveCost"]),
    ({"method": "headcount", "weights": {"support": 0, "search": 0}},
     ["w.toml: [headcount]", "every team's weight is zero"]),
    ({"method": "revenue", "weights": {"support": 1, "search": -2}},
     ["w.toml: [revenue]", 'field "search"', "is negative"]),
    ({"method": "revenue", "weights": {"support": 1, "search": float("nan")}},
     ["w.toml", 'field "search"', "not a finite number"]),
    ({"method": "headcount", "weights": {"support": 1, "platform": 5}},
     ["w.toml", 'field "platform"', "shared team"]),
    ({"method": "headcount", "weights": {"support": 1, "unallocated": 5}},
     ["w.toml", 'field "unallocated"', "never shared"]),
])
def test_chargeback_refusals(rollup, kwargs, words):
    with pytest.raises(BudgetInputError) as caught:
        chargeback(rollup, weights_source="w.toml", **kwargs)
    for word in words:
        assert word in str(caught.value)


def test_multi_currency_refused(rollup):
    euros = rollup.iloc[:1].assign(currency="EUR")
    both = pd.concat([rollup, euros], ignore_index=True)
    for call in (lambda: chargeback(both, "even", source="exports/"),
                 lambda: showback(both, source="exports/")):
        with pytest.raises(BudgetInputError, match=r"^exports/: .*several currencies "
                           r"\(EUR, USD\).*filter the rows to one currency, or convert"):
            call()


def test_usage_refuses_negative_direct_cost(rollup):
    credit = frame([("2026-01-03", "USD", "research", "experimentation", "Compute", -900.0,
                     -900.0, 0.0)])
    rows = pd.concat([rollup, credit], ignore_index=True)
    with pytest.raises(BudgetInputError, match="team research has a negative direct cost"):
        chargeback(rows, "usage")


def test_pool_without_receivers_refused():
    rows = frame([("2026-01-01", "USD", "platform", "platform", "Storage", 10.0, 10.0, 0.0),
                  ("2026-01-01", "USD", UNALLOCATED, NO_TAG["workload_class"], "Storage", 1.0,
                   1.0, 0.0)])
    with pytest.raises(BudgetInputError, match="no team to charge it to"):
        chargeback(rows, "even")


# ---- cents: drift, half cents, exact totals ----------------------------------------------------

def test_half_cents_reconcile():
    # a, b and unallocated at 0.005 each: total 0.015 → 0.02 (half even), where rounding each
    # line would give 0.03; the two cents go to the first names on the tie: "(no team tag)"
    # sorts before "a", then "b" gets none
    rows = frame([("2026-01-01", "USD", team, "training", "Compute", 0.005, 0.005, 0.0)
                  for team in ("a", "b", UNALLOCATED)])
    result = chargeback(rows, "even")
    assert result.table.set_index("team")["total_usd"].to_dict() == {"a": 0.01, "b": 0.0}
    assert result.unallocated_usd == 0.01
    assert result.total_usd == 0.02


def test_float_drift_over_many_rows():
    # 10,000 rows of 0.10: 7,000 for team a, 2,000 for the pool, 1,000 unallocated; float sums
    # drift (sum([0.1] * 10_000) == 1000.0000000001588) but the cents must not
    teams = ["a"] * 7000 + ["platform"] * 2000 + [UNALLOCATED] * 1000
    rows = frame([("2026-01-01", "USD", t, "training", "Compute", 0.1, 0.1, 0.0) for t in teams])
    assert sum(rows["effective_cost"]) != 1000.0
    result = chargeback(rows, "usage")
    assert (result.pool_usd, result.unallocated_usd, result.total_usd) == (200.0, 100.0, 1000.0)
    assert result.table["total_usd"].tolist() == [900.0]
    back = showback(rows).set_index("team")
    assert back["training_usd"].to_dict() == {"a": 700.0, "platform": 200.0, UNALLOCATED: 100.0}


def test_rounding_sums_then_splits():
    # 0.1 + 0.2 + 0.005 is exactly 0.305 → 0.30 (half even) although the float sum is
    # 0.30500000000000005 → 0.31; the split of an exact sum must not follow the float
    rows = frame([("2026-01-01", "USD", "a", "training", "Compute", v, v, 0.0)
                  for v in (0.1, 0.2, 0.005)])
    assert round(rows["effective_cost"].sum(), 2) == 0.31
    assert chargeback(rows, "even").total_usd == 0.30


def test_exact_total_given(rollup):
    # the exports' exact total is 945.005 above the rows: a half cent → 945.00 (half even)
    result = chargeback(rollup, "even", total=Decimal("945.005"))
    assert result.total_usd == 945.0
    parts = sum(cents(v) for v in result.table["total_usd"]) + cents(result.unallocated_usd)
    assert parts == 94_500
    with pytest.raises(BudgetInputError, match=r"add up to 945\.01 USD but the exports' total "
                       r"is 950\.00"):
        chargeback(rollup, "even", total=Decimal("950"))


# ---- showback ----------------------------------------------------------------------------------

def test_showback_by_hand(rollup):
    table = showback(rollup)
    assert list(table.columns) == list(SHOWBACK_COLUMNS)
    assert table["team"].tolist() == ["platform", "research", "search", "support", UNALLOCATED]
    rows = table.set_index("team")
    # platform: governance 90 is platform, its 30.01 of Storage is storage
    assert rows.loc["platform", ["storage_usd", "platform_usd", "total_usd"]].tolist() == [
        30.01, 90.0, 120.01]
    assert rows.loc["research", ["experimentation_usd", "total_usd", "gpu_hours"]].tolist() == [
        200.0, 200.0, 300.0]
    # search: batch inference 150; its platform-class Storage 50 counts as storage
    assert rows.loc["search", ["inference_usd", "storage_usd", "total_usd"]].tolist() == [
        150.0, 50.0, 200.0]
    assert rows.loc["support", ["inference_usd", "training_usd", "gpu_hours"]].tolist() == [
        300.0, 100.0, 500.0]
    assert rows.loc[UNALLOCATED, ["platform_usd", "total_usd"]].tolist() == [25.0, 25.0]
    for _, row in table.iterrows():
        assert sum(cents(row[p]) for p in SHOWBACK_PARTS) == cents(row["total_usd"])
    assert sum(cents(v) for v in table["total_usd"]) == 94_501
    assert sum(cents(v) for p in SHOWBACK_PARTS for v in table[p]) == 94_501
    assert showback(rollup, "billed_cost")["total_usd"].map(cents).sum() == 97_501


def test_showback_keeps_an_empty_unallocated_row(rollup):
    table = showback(rollup[rollup["team"] != UNALLOCATED])
    assert table.iloc[-1].tolist() == [UNALLOCATED, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    with pytest.raises(BudgetInputError, match='unknown cost measure "list_cost"'):
        showback(rollup, "list_cost")


# ---- weights files -----------------------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "weights.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_weights_reads_one_table(tmp_path):
    path = write(tmp_path, "[headcount]  # engineers\nsupport = 40\nsearch = 55.5\n"
                 "[revenue]\nsupport = 0.3\n")
    assert load_weights(path, "headcount") == {"support": 40.0, "search": 55.5}
    assert load_weights(str(path), "revenue") == {"support": 0.3}


@pytest.mark.parametrize(("text", "method", "words"), [
    ("[revenue]\nsupport = 1\n", "headcount", ["has no [headcount] table", "[revenue]",
                                               "add a [headcount] table"]),
    ("headcount = 4\n", "headcount", ['"headcount" is not a table']),
    ('[headcount]\nsupport = "forty"\n', "headcount",
     ['[headcount], field "support"', "is not a number ('forty')"]),
    ("[headcount]\nsupport = true\n", "headcount", ['field "support"', "is not a number"]),
    ("[headcount]\nsupport = 4\nsearch = -1\n", "headcount", ['field "search"', "is negative"]),
    ("[headcount]\nsupport = nan\n", "headcount", ['field "support"', "not a finite number"]),
    ("[headcount]\nsupport = 0\nsearch = 0\n", "headcount", ["every team's weight is zero"]),
    ("[headcount]\nsupport = 4\nunallocated = 1\n", "headcount",
     ['field "unallocated"', "never shared"]),
    ("[headcount]\nsupport = 40\nsearch = = 55\n", "headcount",
     ["is not valid TOML", "line 3"]),
    ("[headcount]\nsupport = 40\n", "usage", ['method "usage" takes no weights file']),
    ("[headcount]\nsupport = 40\n", "seats", ['unknown method "seats"']),
    # one team, one spelling (#15): "support " used to take a share beside support's own
    ('[headcount]\n"support " = 40\nsearch = 5\n', "headcount",
     ['[headcount], field "support "', "has spaces at its start or end",
      'write it without them: "support"']),
    ("[headcount]\nSupport = 40\nsupport = 5\n", "headcount",
     ['field "support"', 'a second line for one team: "support" differs from "Support" only '
      "in upper/lower case"]),
    ('[headcount]\n"sup\\u202eport" = 4\n', "headcount", ["bidi control character"]),
    ("[headcount]\nUnallocated = 4\nsearch = 1\n", "headcount",
     ['field "Unallocated"', "never shared"]),
    ("[headcount]\n", "headcount", ["[headcount]: has no teams", "e.g. support = 40"]),
    ("[headcount]\nsupport = 1" + "0" * 399 + "\n", "headcount",
     ["is above 1,000,000,000,000,000 (a whole number of 400 digits)"]),
    ("[headcount]\nsupport = 1e16\n", "headcount", ["is above 1,000,000,000,000,000 (1e+16)"]),
    ("[headcount]\nsupport = -" + "9" * 400 + "\n", "headcount",
     ["is negative (a whole number of 400 digits)"]),
])
def test_bad_weights_files(tmp_path, text, method, words):
    path = write(tmp_path, text)
    with pytest.raises(BudgetInputError) as caught:
        load_weights(path, method)
    message = str(caught.value)
    if method in METHODS:
        assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message


def test_missing_and_undecodable_weights_files(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(BudgetInputError,
                       match=rf"^{re.escape(str(missing))}: file not found.*weights\.toml"):
        load_weights(missing, "headcount")
    with pytest.raises(BudgetInputError, match=r"^upload: is not UTF-8 text \(bad byte at line 2"):
        parse_weights_bytes(b"[headcount]\nsupport = \xff\n", "upload", "headcount")


def test_bundled_weights_cover_the_sample_teams():
    for method in WEIGHTED_METHODS:
        weights = load_weights(WEIGHTS, method)
        assert sorted(weights) == ["devex", "knowledge", "research", "search", "support"]
    assert load_weights(WEIGHTS, "headcount")["search"] == 55
    assert sum(load_weights(WEIGHTS, "revenue").values()) == pytest.approx(1.0)


# ---- the real sample ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, dict[str, object], Decimal, Decimal]:
    exports = open_exports([str(SAMPLE)])
    return (billing_rollup(exports), ingest_summary(exports), exports_total(exports),
            exports_total(exports, "BilledCost"))


@pytest.mark.parametrize("method", METHODS)
def test_sample_reconciles_with_ingest_to_the_cent(sample, method):
    rollup, summary, effective, billed = sample
    weights = load_weights(WEIGHTS, method) if method in WEIGHTED_METHODS else None
    for basis, key, exact in (("EffectiveCost", "effective_cost", effective),
                              ("BilledCost", "billed_cost", billed)):
        expected = round(Decimal(repr(summary[key])) * 100)
        assert round(exact * 100) == expected
        for total in (None, exact):
            result = chargeback(rollup, method, weights, cost_basis=basis, total=total)
            data = chargeback_json(result)
            got = sum(cents(t["total"]) for t in data["teams"]) + cents(data["unallocated"])
            assert got == expected
            assert sum(cents(t["shared"]) for t in data["teams"]) == cents(data["pool"])
            assert result.teams_without_weight == ()


def test_sample_headcount_numbers(sample):
    rollup, summary, effective, _ = sample
    result = chargeback(rollup, "headcount", load_weights(WEIGHTS, "headcount"), total=effective)
    data = chargeback_json(result)
    assert data["pool"] == 350_246.80
    assert data["unallocated"] == 27_050.45
    # headcount 18/25/30/55/40 of 168 on a pool of 35,024,680 cents
    shared = {t["team"]: t["shared"] for t in data["teams"]}
    assert shared == {"devex": 37_526.44, "knowledge": 52_120.06, "research": 62_544.07,
                      "search": 114_664.13, "support": 83_392.10}
    back = showback(rollup, total=effective)
    assert back["team"].tolist()[-1] == UNALLOCATED
    direct = {t["team"]: t["direct"] for t in data["teams"]}
    totals = back.set_index("team")["total_usd"]
    assert {team: totals[team] for team in direct} == direct
    assert totals["platform"] == data["pool"]
    assert totals.map(cents).sum() == round(Decimal(repr(summary["effective_cost"])) * 100)


def test_chargeback_cli_json_contract_reconciles(capsys):
    from budget.cli import main
    from budget.exports import ingest_summary, open_exports

    sample = ROOT / "data" / "exports"
    totals = ingest_summary(open_exports([str(sample / "billing")]))
    for basis, key in (("EffectiveCost", "effective_cost"), ("BilledCost", "billed_cost")):
        assert main(["chargeback", str(sample), "--method", "headcount", "--basis", basis,
                     "--format", "json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert list(data) == ["method", "cost_basis", "pool", "teams", "unallocated"]
        assert (data["method"], data["cost_basis"]) == ("headcount", basis)
        assert all(list(t) == ["team", "direct", "shared", "total"] for t in data["teams"])
        cents = sum(round(t["total"] * 100) for t in data["teams"]) + round(
            data["unallocated"] * 100)
        assert cents == round(totals[key] * 100)  # to the cent
        assert sum(round(t["shared"] * 100) for t in data["teams"]) == round(data["pool"] * 100)


def test_chargeback_cli_table_and_refusals(capsys, tmp_path):
    from budget.cli import main

    sample = str(ROOT / "data" / "exports")
    assert main(["chargeback", sample, "--method", "even"]) == 0
    out = capsys.readouterr().out
    # the sample's total EffectiveCost (its Unused commitment rows reconcile since issue #14)
    assert out.splitlines()[-1].split()[-1] == "1,920,477.64"
    weights = tmp_path / "w.toml"
    weights.write_text("[headcount]\nsupport = 10\nsearch = 'many'\n", encoding="utf-8")
    assert main(["chargeback", sample, "--method", "headcount", "--weights", str(weights)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {weights}") and "search" in err
    weights.write_text("[headcount]\nsupport = 10\nsearch = 30\n", encoding="utf-8")
    assert main(["chargeback", sample, "--method", "headcount", "--weights", str(weights)]) == 0
    captured = capsys.readouterr()
    assert "warning: no headcount weight for devex, knowledge, research" in captured.err
    assert main(["chargeback", sample, "--method", "usage", "--weights", str(weights)]) == 2
    assert "takes no weights" in capsys.readouterr().err


def test_weights_at_the_edges_load_and_split_to_the_cent():
    weights = parse_weights_bytes(b"[headcount]\nsupport = 1e15\nsearch = 5e-324\n", "w",
                                  "headcount")
    assert weights == {"support": 1e15, "search": 5e-324}
    assert largest_remainder(100_00, weights) == {"search": 0, "support": 100_00}


@pytest.mark.parametrize(("weights", "words"), [
    ({"support ": 40, "search": 55}, ['field "support "', "spaces"]),
    ({"support": 40, "Support": 5, "search": 55},
     ['field "Support"', "a second line for one team"]),
])
def test_weights_from_the_page_follow_the_file_rules(rollup, weights, words):
    # the chargeback page passes its edited table straight in: "support " must not become a
    # second team that takes a share of the pool
    with pytest.raises(BudgetInputError) as caught:
        chargeback(rollup, "headcount", weights, weights_source="the weights table")
    message = str(caught.value)
    assert message.startswith("the weights table: [headcount]")
    for word in words:
        assert word in message, message


# ---- what the chargeback page reads ------------------------------------------------------------

def test_period_rows_pick_one_currency_and_month(rollup):
    from budget.allocation import period_rows
    from budget.periods import ALL_DATES

    rows = pd.concat([rollup, frame([("2026-02-01", "USD", "support", "training", "Compute",
                                      7.0, 7.0, 1.0),
                                     ("2026-01-03", "EUR", "support", "training", "Compute",
                                      1e6, 1e6, 0.0)])])
    assert period_rows(rows, "USD", "2026-01")["effective_cost"].sum() == pytest.approx(945.01)
    assert period_rows(rows, "USD", "2026-02")["effective_cost"].sum() == 7.0
    assert period_rows(rows, "USD", ALL_DATES)["effective_cost"].sum() == pytest.approx(952.01)
    assert period_rows(rows, "EUR", ALL_DATES)["effective_cost"].sum() == 1e6


def test_tagged_teams_leave_out_unallocated(rollup):
    from budget.allocation import tagged_teams

    assert tagged_teams(rollup) == ["platform", "research", "search", "support"]


def test_editable_weights_from_the_file_and_zero_for_the_rest(tmp_path):
    from budget.allocation import editable_weights

    table = editable_weights("headcount", ["support", "newteam"], WEIGHTS)
    # the file's five teams plus newteam, sorted; newteam 0
    assert table.to_dict("records") == [
        {"team": "devex", "weight": 18.0}, {"team": "knowledge", "weight": 25.0},
        {"team": "newteam", "weight": 0.0}, {"team": "research", "weight": 30.0},
        {"team": "search", "weight": 55.0}, {"team": "support", "weight": 40.0}]
    bad = tmp_path / "weights.toml"
    bad.write_text("[headcount]\nsupport = -1\n", encoding="utf-8")
    assert editable_weights("headcount", ["b", "a"], bad).to_dict("records") == [
        {"team": "a", "weight": 0.0}, {"team": "b", "weight": 0.0}]  # unreadable: all 0


def test_edited_weights_drop_blank_empty_and_shared_rows():
    from budget.allocation import edited_weights

    records = [{"team": "support", "weight": 40}, {"team": "  ", "weight": 3.0},
               {"team": None, "weight": 1.0}, {"team": "search", "weight": None},
               {"team": "platform", "weight": 9.0}, {"team": "devex", "weight": 0}]
    assert edited_weights(records, ["platform"]) == {"support": 40.0, "devex": 0.0}
    assert edited_weights([], ["platform"]) == {}


def test_direct_and_team_totals_of_a_chargeback(rollup):
    result = chargeback(rollup, "usage")
    # direct: support 400 + search 200 + research 200; the pool 120.01 shared by usage
    assert result.direct_usd == pytest.approx(800.0)
    assert result.teams_usd == pytest.approx(920.01)  # 945.01 less 25 unallocated
    assert cents(result.teams_usd) + cents(result.unallocated_usd) == cents(result.total_usd)
