"""The sample generator: FOCUS 1.2 types, commitments to the cent, copies and short ranges."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from budget.focus_conformance import check_focus, focus_columns
from budget.sample_data import SEED, _daily_rows, generate
from tests.conftest import ROOT

SAMPLE = ROOT / "data" / "exports" / "billing"
CENT = Decimal("0.01")
DAY_FEE = Decimal(24 * 24) * Decimal("2.45")  # 24 reserved H100s × 24 h × 2.45 USD = 1,411.20


def _table(folder) -> pa.Table:
    return ds.dataset(folder, format="parquet").to_table()


def _reconciliation(rows: list[dict[str, object]]) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    """Return (commitment, month) → (Used + Unused EffectiveCost, Purchase BilledCost)."""
    sums: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in rows:
        if r["CommitmentDiscountId"] is None:
            continue
        key = (str(r["CommitmentDiscountId"]), f"{r['BillingPeriodStart']:%Y-%m}")
        if r["ChargeCategory"] == "Usage" and r["CommitmentDiscountStatus"] in ("Used", "Unused"):
            sums[key][0] += Decimal(repr(r["EffectiveCost"]))
        elif r["ChargeCategory"] == "Purchase":
            sums[key][1] += Decimal(repr(r["BilledCost"]))
    return {k: (a.quantize(CENT), b.quantize(CENT)) for k, (a, b) in sums.items()}


def test_the_commitment_reconciles_every_month_to_the_cent():
    rows = _table(SAMPLE).select(["CommitmentDiscountId", "BillingPeriodStart", "ChargeCategory",
                                  "CommitmentDiscountStatus", "EffectiveCost",
                                  "BilledCost"]).to_pylist()
    sums = _reconciliation(rows)
    # the purchase bills the month's days in the sample (2025-11-01 … 2026-11-27)
    days = {"2025-11": 30, "2025-12": 31, "2026-01": 31, "2026-02": 28, "2026-03": 31,
            "2026-04": 30, "2026-05": 31, "2026-06": 30, "2026-07": 31, "2026-08": 31,
            "2026-09": 30, "2026-10": 31, "2026-11": 27}
    assert sums == {("aws:h100-commitment", m): ((DAY_FEE * n).quantize(CENT),) * 2
                    for m, n in days.items()}
    assert sums[("aws:h100-commitment", "2026-11")] == (Decimal("38102.40"),) * 2


def test_every_row_is_typed_and_priced_as_focus_says():
    table = _table(SAMPLE)
    columns = focus_columns("1.2")
    mandatory = {c for c, spec in columns.items() if spec.feature_level == "Mandatory"}
    assert mandatory <= set(table.column_names)
    assert table.schema.field("ChargeClass").type == pa.string()
    assert table["ChargeClass"].null_count == table.num_rows  # no corrections in the sample
    assert table.schema.field("ChargePeriodStart").type == pa.timestamp("us")
    rows = table.to_pylist()
    for r in rows:  # unit price × pricing quantity = list and contracted cost, to the cent
        if r["ListUnitPrice"] is not None:
            for cost in ("ListCost", "ContractedCost"):
                assert abs(r["ListUnitPrice"] * r["PricingQuantity"] - r[cost]) < 0.005, r
    unused = [r for r in rows if r["CommitmentDiscountStatus"] == "Unused"]
    assert len(unused) == 392  # one a day, 2025-11-01 … 2026-11-27
    assert all(r["ConsumedQuantity"] is None and r["BilledCost"] == 0 for r in unused)
    purchases = [r for r in rows if r["ChargeCategory"] == "Purchase"]
    assert {(r["PricingCategory"], r["ChargeFrequency"], r["ResourceId"]) for r in purchases} == {
        ("Standard", "Recurring", "aws:h100-commitment")}


def test_a_short_range_from_mid_month_with_copies(tmp_path):
    one, three = tmp_path / "one", tmp_path / "three"
    counts = generate(one, start=date(2026, 11, 10), end=date(2026, 11, 20))
    assert generate(three, start=date(2026, 11, 10), end=date(2026, 11, 20),
                    copies=3) == {"billing": 3 * counts["billing"],
                                  "telemetry": counts["telemetry"]}
    assert check_focus(one / "billing", "1.2") == []
    assert check_focus(three / "billing", "1.2") == []
    for folder in (one, three):  # 11 days of the commitment, billed on the first of them
        rows = _table(folder / "billing").to_pylist()
        assert _reconciliation(rows) == {("aws:h100-commitment", "2026-11"): (
            (DAY_FEE * 11).quantize(CENT),) * 2}
    single, copied = _table(one / "billing"), _table(three / "billing")
    for column in ("BilledCost", "EffectiveCost", "PricingQuantity"):
        assert sum(Decimal(repr(v)) for v in copied[column].to_pylist() if v is not None
                   ).quantize(CENT) == sum(Decimal(repr(v)) for v in single[column].to_pylist()
                                           if v is not None).quantize(CENT)
    ids = [r for r in copied["ResourceId"].to_pylist() if r is not None]
    assert {r.rsplit("/", 1)[1] for r in ids} == {"0", "1", "2"}
    key = ("ChargePeriodStart", "ResourceId", "ChargeCategory", "ChargeDescription", "SkuPriceId")
    assert len({tuple(r[k] for k in key) for r in copied.to_pylist()}) == copied.num_rows


def test_traffic_beyond_the_commitment_is_refused():
    # search-answers' H100 hours grow 0.13% a day: ~177 h/day at the start, over 576 by 2029
    with pytest.raises(ValueError, match="more than the 576 reserved"):
        list(_daily_rows(date(2029, 1, 1), np.random.default_rng(SEED)))


def test_the_bundled_sample_is_what_the_generator_writes(tmp_path):
    generate(tmp_path)
    for kind in ("billing", "telemetry"):
        written = sorted(p.relative_to(tmp_path) for p in tmp_path.glob(f"{kind}/*/*.parquet"))
        assert written == sorted(p.relative_to(SAMPLE.parent)
                                 for p in SAMPLE.parent.glob(f"{kind}/*/*.parquet"))
        for part in written:
            assert pq.read_table(tmp_path / part).equals(pq.read_table(SAMPLE.parent / part)), (
                f"{part} differs: run python -m budget sample-data --out data/exports")
