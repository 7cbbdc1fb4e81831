"""FOCUS and telemetry exports: totals reconcile to the cent, quirks, and clear refusals."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

from budget.cli import main
from budget.dimensions import NO_TAG, UNALLOCATED
from budget.errors import BudgetInputError
from budget.exports import (
    DEFAULT_TAG_KEYS,
    TagMap,
    billing_rollup,
    ingest_summary,
    open_exports,
    telemetry_rollup,
)
from tests.conftest import ROOT

REAL = ROOT / "tests" / "data" / "focus" / "focus_sample.csv"
BAD = ROOT / "tests" / "data" / "bad"
SAMPLE = ROOT / "data" / "exports"
TEAM_KEYS = set(DEFAULT_TAG_KEYS["team"])  # unallocated: no tag naming an owning team

HEADER = ("BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,"
          "ChargeCategory,ServiceCategory,ServiceName,ProviderName,PricingCategory,Tags,x_Note")


def write(tmp_path: Path, name: str, *lines: str, header: str = HEADER) -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def independent_sums(path: Path) -> tuple[Decimal, Decimal, Decimal]:
    """Sum BilledCost, EffectiveCost and BilledCost with no team tag (csv module, Decimal)."""
    billed = effective = untagged = Decimal(0)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            billed += Decimal(row["BilledCost"])
            effective += Decimal(row["EffectiveCost"])
            tags = json.loads(row["Tags"]) if row["Tags"] not in ("NULL", "") else {}
            if not TEAM_KEYS & set(tags):
                untagged += Decimal(row["BilledCost"])
    return billed, effective, untagged


def test_real_sample_reconciles_exactly():
    billed, effective, untagged = independent_sums(REAL)
    summary = ingest_summary(open_exports([str(REAL)]))
    assert summary["rows"] == 1000
    assert (summary["start"], summary["end"]) == ("2024-09-01", "2024-09-30")
    assert summary["currencies"] == ["USD"]
    assert Decimal(str(summary["billed_cost"])) == billed
    assert Decimal(str(summary["effective_cost"])) == effective
    assert summary["unallocated_billed_cost"] == pytest.approx(float(untagged), abs=1e-9)
    parts = sum(p["billed_cost"] for p in summary["by_provider"].values())
    assert parts == pytest.approx(float(billed), abs=0.005)
    assert set(summary["by_provider"]) == {"AWS", "Microsoft", "Oracle"}


def test_real_sample_tags_map_to_dimensions():
    rollup = billing_rollup(open_exports([str(REAL)]))
    # business_unit is the default key for team; application for endpoint
    assert "ViennaAI" in set(rollup["team"])
    assert "BrightLensMatrix" in set(rollup["endpoint"])
    assert rollup["billed_cost"].sum() == pytest.approx(20.520226729, abs=1e-6)
    untagged = rollup[~rollup["allocated"]]
    assert set(untagged["team"]) == {UNALLOCATED}
    assert NO_TAG["model"] in set(rollup["model"])  # the sample carries no model tags


def test_tag_map_override_picks_another_key():
    tag_map = TagMap().with_overrides(["team=application"])
    rollup = billing_rollup(open_exports([str(REAL)], tag_map=tag_map))
    assert "BrightLensMatrix" in set(rollup["team"])


def test_credits_and_enum_case_variants_are_kept():
    rollup = billing_rollup(open_exports([str(REAL)]))
    assert rollup.loc[rollup["charge_category"] == "credit", "billed_cost"].sum() < 0
    assert set(rollup["charge_category"]) == {"usage", "credit", "adjustment"}
    # Oracle writes PricingCategory as an empty string: it reads as unspecified
    oracle = rollup[rollup["provider"] == "Oracle"]
    assert set(oracle["procurement"]) == {"unspecified"}


def test_sample_parquet_reconciles_with_pyarrow():
    table = ds.dataset(SAMPLE / "billing", partitioning="hive").to_table()
    summary = ingest_summary(open_exports([str(SAMPLE / "billing")]))
    assert summary["rows"] == table.num_rows
    billed = pc.sum(table["BilledCost"]).as_py()
    assert summary["billed_cost"] == pytest.approx(billed, abs=0.005)
    assert summary["effective_cost"] == pytest.approx(pc.sum(table["EffectiveCost"]).as_py(),
                                                      abs=0.005)
    no_team = sum(cost for cost, tags in zip(table["BilledCost"].to_pylist(),
                                             table["Tags"].to_pylist(), strict=True)
                  if not TEAM_KEYS & set(json.loads(tags) if tags else {}))
    assert no_team > 0
    assert summary["unallocated_billed_cost"] == pytest.approx(no_team, abs=0.005)


def test_rollup_sums_to_source_and_maps_procurement():
    exports = open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
    rollup = billing_rollup(exports)
    summary = ingest_summary(exports)
    assert rollup["effective_cost"].sum() == pytest.approx(summary["effective_cost"], abs=0.005)
    assert set(rollup["procurement"]) >= {"on_demand", "spot", "reserved"}
    idle = rollup[rollup["commitment_status"] == "unused"]
    assert idle["effective_cost"].sum() > 0 and set(idle["gpu"]) == {"H100"}
    telemetry = telemetry_rollup(exports)
    raw = ds.dataset(SAMPLE / "telemetry", partitioning="hive").to_table()
    assert telemetry["requests"].sum() == pc.sum(raw["requests"]).as_py()


def test_null_strings_case_and_version_quirks(tmp_path):
    path = write(
        tmp_path, "quirks.csv",
        '10.10,10.10,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,'
        '"{""team"":""search""}",a',
        "5.05,4.00,2026-01-01,2026-01-02,USD,USAGE,Compute,EC2,AWS,dynamic,NULL,NULL",
        '-1.00,-1.00,2026-01-02,2026-01-03,USD,credit,Other,Credits,AWS,NULL,NULL,b',
        '2.50,2.50,2026-01-02,2026-01-03,USD,Usage-based,Compute,EC2,AWS,COMMITTED,,c',
    )
    exports = open_exports([path])
    rollup = billing_rollup(exports)
    by_proc = rollup.groupby("procurement")["billed_cost"].sum()
    assert by_proc.to_dict() == pytest.approx({"on_demand": 10.10, "spot": 5.05,
                                               "unspecified": -1.00, "reserved": 2.50})
    assert set(rollup["charge_category"]) == {"usage", "credit", "usage-based"}
    assert rollup.loc[rollup["team"] == "search", "billed_cost"].sum() == pytest.approx(10.10)
    summary = ingest_summary(exports)
    assert summary["billed_cost"] == pytest.approx(16.65)
    assert summary["unallocated_billed_cost"] == pytest.approx(6.55)
    assert "x_Note" in exports.raw_billing.columns  # extra columns are kept
    assert set(rollup.loc[rollup["team"] == UNALLOCATED, "billed_cost"]) != set()


def test_focus_1_3_service_provider_name(tmp_path):
    header = HEADER.replace("ProviderName", "ServiceProviderName")
    path = write(tmp_path, "v13.csv",
                 "1.00,1.00,2026-01-01,2026-01-02,USD,Usage,Compute,VM,Microsoft,Standard,NULL,x",
                 header=header)
    assert ingest_summary(open_exports([path]))["by_provider"] == {
        "Microsoft": {"billed_cost": 1.0, "effective_cost": 1.0}}


def test_several_currencies_are_never_added(tmp_path):
    path = write(tmp_path, "fx.csv",
                 "10,10,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,NULL,x",
                 "20,20,2026-01-01,2026-01-02,EUR,Usage,Compute,VM,Microsoft,Standard,NULL,x",
                 "5,5,2026-01-01,2026-01-02,eur,Usage,Storage,Blob,Microsoft,Standard,NULL,x")
    summary = ingest_summary(open_exports([path]))
    assert summary["currencies"] == ["EUR", "USD"]
    assert summary["billed_cost"] is None and summary["effective_cost"] is None
    assert summary["unallocated_billed_cost"] is None
    assert summary["by_currency"]["EUR"]["billed_cost"] == pytest.approx(25)
    assert summary["by_provider"]["Microsoft"] == {"EUR": {"billed_cost": 25.0,
                                                           "effective_cost": 25.0}}


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: str(BAD / "billing-oci-native.csv"),
         ["Oracle Cloud (OCI) native cost report, not FOCUS", "FOCUS folder"]),
        (lambda d: str(BAD / "billing-azure-native.csv"),
         ["Azure usage-details export", "FocusCost"]),
        (lambda d: write(d, "cols.csv", "1,1,2026-01-01,2026-01-02",
                         header="BilledCost,Foo,ChargePeriodStart,ChargePeriodEnd"),
         ["missing FOCUS column(s) EffectiveCost, BillingCurrency", "ProviderName"]),
        (lambda d: _touch(d / "empty.csv"), ["is empty (0 bytes)"]),
        (lambda d: write(d, "header.csv"), ["has no billing rows"]),
        (lambda d: _bytes(d / "trunc.parquet", (SAMPLE / "billing" / "month=2026-01" /
                                                "part-0.parquet").read_bytes()[:500]),
         ["is not a readable Parquet file", "export it again"]),
        (lambda d: _bytes(d / "latin1.csv", HEADER.encode() + b"\n1,1,2026-01-01,2026-01-02,"
                          b"USD,Usage,Compute,S\xe9rvice,AWS,Standard,NULL,x\n"),
         ["is not UTF-8 text"]),
        (lambda d: write(d, "text.csv",
                         "abc,1,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,NULL,x"),
         ["could not be read", "Line: 2", 'Could not convert string "abc"']),
        (lambda d: str(d / "nowhere.csv"), ["nowhere.csv: file not found"]),
        (lambda d: str(d / "*.parquet"), ["no file matches this pattern"]),
        (lambda d: _bytes(d / "notes.txt", b"hello"),
         ["is not an export file", "neither .parquet, .csv nor .csv.gz"]),
    ],
    ids=["oci", "azure", "missing", "empty", "header-only", "truncated", "latin1", "text-cost",
         "missing-file", "no-glob-match", "wrong-kind"],
)
def test_invalid_exports_are_refused_with_a_reason(tmp_path, make, words):
    path = make(tmp_path)
    with pytest.raises(BudgetInputError) as caught:
        ingest_summary(open_exports([path]))
    message = str(caught.value)
    for word in words:
        assert word in message, message


def _touch(path: Path) -> str:
    path.write_bytes(b"")
    return str(path)


def _bytes(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def test_telemetry_missing_column_and_negative_counts(tmp_path):
    header = "date,model,endpoint,team,environment,requests,input_tokens,output_tokens"
    path = write(tmp_path, "t.csv", "2026-01-01,m,e,t,production,1,1,1", header=header)
    with pytest.raises(BudgetInputError, match=r"missing telemetry column.*gpu_hours"):
        open_exports([str(REAL)], [path])
    header += ",gpu_hours"
    path = write(tmp_path, "t2.csv", "2026-01-01,m,e,t,production,-5,1,1,0", header=header)
    with pytest.raises(BudgetInputError, match=r"negative counts on 1 day.*endpoint e"):
        telemetry_rollup(open_exports([str(REAL)], [path]))


def test_tag_map_errors():
    with pytest.raises(BudgetInputError, match='unknown dimension "squad"'):
        TagMap().with_overrides(["squad=team"])
    with pytest.raises(BudgetInputError, match="is not DIMENSION=TAG"):
        TagMap().with_overrides(["team"])


def test_ingest_cli_json_contract(capsys):
    assert main(["ingest", str(REAL), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["rows", "start", "end", "currencies", "billed_cost", "effective_cost",
                          "by_currency", "by_provider", "by_service_category",
                          "unallocated_billed_cost"]
    assert set(data["by_service_category"]["Compute"]) == {"billed_cost", "effective_cost"}


def test_ingest_cli_bad_input_exit_2(capsys):
    assert main(["ingest", str(BAD / "billing-oci-native.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "OCI" in err and "Traceback" not in err


def test_upload_over_the_limit_is_refused():
    from budget.exports import check_upload_size

    check_upload_size(200 * 1024 * 1024, 200)  # exactly at the limit is fine
    with pytest.raises(BudgetInputError, match=r"upload: is 200.1 MB; the limit is 200 MB"):
        check_upload_size(200 * 1024 * 1024 + 100_000, 200)


def test_zoned_times_are_read_in_utc_whatever_the_server_zone(tmp_path, monkeypatch):
    import time

    path = write(tmp_path, "zoned.csv",
                 "1,1,2024-11-01T00:00:00Z,2024-11-01T01:00:00Z,USD,Usage,Compute,EC2,AWS,"
                 "Standard,NULL,a")
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        exports = open_exports([path])
        summary = ingest_summary(exports)
        raw = exports.raw_billing
        kind = raw.schema()["ChargePeriodStart"]
        start = raw.select("ChargePeriodStart").execute()["ChargePeriodStart"].iloc[0]
    finally:
        monkeypatch.undo()
        time.tzset()
    assert (summary["start"], summary["end"]) == ("2024-11-01", "2024-11-01")
    # a zoned value (with DuckDB's ICU loaded, cast in the server's zone) is read as UTC
    assert kind.is_timestamp() and kind.timezone is None
    assert str(start) == "2024-11-01 00:00:00"


def test_a_commitment_purchase_is_reserved_procurement(tmp_path):
    header = HEADER + ",CommitmentDiscountId"
    path = write(tmp_path, "purchase.csv",
                 "720,0,2026-01-01,2026-02-01,USD,Purchase,Compute,EC2,AWS,Standard,NULL,a,ri-1",
                 "5,5,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,NULL,b,",
                 header=header)
    rollup = billing_rollup(open_exports([path]))
    assert rollup.groupby("procurement")["billed_cost"].sum().to_dict() == {
        "reserved": 720.0, "on_demand": 5.0}


def test_far_apart_days_are_refused_before_any_rollup(tmp_path):
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    # 200,000 charges a day apart from 2000: the last falls in year 2547, past what pandas can
    # hold; the read must refuse it with a message, never a traceback or a frame of 200,000 days
    one = pq.read_table(next((SAMPLE / "billing").rglob("*.parquet"))).slice(0, 1)
    table = pa.concat_tables([one] * 200_000).combine_chunks()
    days = np.datetime64("2000-01-01", "ms") + np.arange(200_000).astype("timedelta64[D]")
    table = table.set_column(table.schema.get_field_index("ChargePeriodStart"),
                             "ChargePeriodStart", pa.array(days.astype("datetime64[ms]")))
    path = tmp_path / "far.parquet"
    pq.write_table(table, path)
    for read in (billing_rollup, ingest_summary):
        with pytest.raises(BudgetInputError, match=r"charge dates run from 2000-01-01 to "
                           r"2547-07-\d\d, outside 2000-01-01 to 2100-12-31"):
            read(open_exports([str(path)]))


@pytest.mark.parametrize("spec", [SAMPLE / "billing", REAL, "quirks"])
def test_summing_before_cleaning_gives_the_rollup_of_every_row(spec, tmp_path):
    from budget.exports import billing_rollup_expr, run

    if spec == "quirks":  # values that only become one group once cleaned
        spec = write(tmp_path, "q.csv",
                     '1.5,1.5,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,'
                     '"{""team"":""a""}",x',
                     '2.25,2.0,2026-01-01 13:00:00,2026-01-02,usd ,usage,Compute,EC2, AWS,'
                     'standard,"{""team"": ""a""}",y',
                     "-1,-1,2026-01-01,2026-01-02,USD,Credit,Compute,EC2,AWS,,NULL,z")
    exports = open_exports([str(spec)])
    grouped = billing_rollup(exports)
    keys = list(grouped.columns[:16])
    every_row = run(exports.billing.pipe(billing_rollup_expr), "x").drop(
        columns="largest_charge")
    every_row[["billed_cost", "effective_cost", "gpu_hours"]] = every_row[
        ["billed_cost", "effective_cost", "gpu_hours"]].astype(float)
    every_row["day"] = pd.to_datetime(every_row["day"])
    left = grouped.sort_values(keys).reset_index(drop=True)
    right = every_row[grouped.columns].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_exact=True)
    if str(spec).endswith("q.csv"):  # the two usage rows are one group once cleaned
        assert sorted(grouped["rows"]) == [1, 2]
        usage = grouped[grouped["charge_category"] == "usage"]
        assert usage["billed_cost"].tolist() == [3.75] and usage["team"].tolist() == ["a"]


def test_gpu_hours_sum_exactly_and_the_rollup_is_the_same_every_run(tmp_path):
    """0.1 + 0.2 + 0.3 GPU-hours is 0.6, not the float sum 0.6000000000000001; rows in key order."""
    header = HEADER + ",ConsumedQuantity,ConsumedUnit"
    rows = [f'{c},{c},2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,'
            f'"{{""team"":""{team}""}}",{note},{hours},GPU-Hours'
            for c, team, note, hours in (("1", "a", "x", "0.1"), ("2", "a", "y", "0.2"),
                                         ("3", "a", "z", "0.3"), ("4", "b", "w", "0.7"))]
    assert 0.1 + 0.2 + 0.3 != 0.6  # what a float sum in this order gives
    path = write(tmp_path, "gpu.csv", *rows, header=header)
    first = billing_rollup(open_exports([path]))
    assert first["team"].tolist() == ["a", "b"]  # key order
    assert first["gpu_hours"].tolist() == [0.6, 0.7]
    assert first["effective_cost"].tolist() == [6.0, 4.0]
    for _ in range(3):
        pd.testing.assert_frame_equal(billing_rollup(open_exports([path])), first,
                                      check_exact=True)


def test_sample_rollups_are_identical_run_to_run():
    """The database adds groups in no set order: the frames must not depend on it."""
    runs = [open_exports([str(SAMPLE / "billing")], [str(SAMPLE / "telemetry")])
            for _ in range(3)]
    billing = [billing_rollup(e) for e in runs]
    telemetry = [telemetry_rollup(e) for e in runs]
    for other in billing[1:]:
        pd.testing.assert_frame_equal(other, billing[0], check_exact=True)
    for other in telemetry[1:]:
        pd.testing.assert_frame_equal(other, telemetry[0], check_exact=True)
    keys = list(billing[0].columns[:16])
    assert billing[0].equals(billing[0].sort_values(keys, na_position="first")
                             .reset_index(drop=True))


def test_huge_token_quantities_are_read_and_huge_gpu_hours_refused(tmp_path):
    """Only GPU-hours are summed from ConsumedQuantity: 1e21 tokens read, 2e12 GPU-hours not."""
    header = HEADER + ",ConsumedQuantity,ConsumedUnit"
    tokens = ('5,5,2026-01-01,2026-01-02,USD,Usage,AI,Bedrock,AWS,Standard,'
              '"{""team"":""a""}",x,1e21,Tokens')
    gpu = ('7,7,2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,'
           '"{""team"":""a""}",y,2.5,GPU-Hours')
    frame = billing_rollup(open_exports([write(tmp_path, "ok.csv", tokens, gpu, header=header)]))
    assert frame["effective_cost"].sum() == 12.0
    assert frame["gpu_hours"].sum() == 2.5
    for hours in ("2e12", "1e25"):
        bad = gpu.replace(",2.5,", f",{hours},")
        path = write(tmp_path, f"bad-{hours}.csv", tokens, bad, header=header)
        with pytest.raises(BudgetInputError, match=r"GPU-hours, a trillion or more.*"
                                                   r"ConsumedQuantity"):
            billing_rollup(open_exports([path]))


def test_charges_are_summed_once_per_exports(tmp_path):
    """The raw charges are grouped into one temporary table, read by every step after it."""
    rows = [f'{c},{c},2026-01-01,2026-01-02,USD,Usage,Compute,EC2,AWS,Standard,'
            f'"{{""team"":""{team}""}}",{note}'
            for c, team, note in (("1", "a", "x"), ("2", "a", "y"), ("3", "a", "z"),
                                  ("4", "b", "w"))]
    exports = open_exports([write(tmp_path, "four.csv", *rows)])
    charges = exports.charges()
    assert exports.charges() is charges
    kept = exports.con.sql("SELECT count(*), sum(source_rows) FROM billing_charges").fetchall()[0]
    assert (int(kept[0]), int(kept[1])) == (2, 4)  # team a's three charges are one group
    rollup = billing_rollup(exports)
    assert rollup["rows"].tolist() == [3, 1]
    assert rollup["billed_cost"].tolist() == [6.0, 4.0]
