"""Tests for budget.fmt: the one place numbers become text."""

from __future__ import annotations

import pytest

from budget.fmt import signed_usd, usd


@pytest.mark.parametrize(("change", "decimals", "short", "text"), [
    (1234.4, 0, False, "+$1,234"),
    (-1234.6, 0, False, "-$1,235"),
    (0.0, 0, False, "+$0"),
    (-0.25, 2, False, "-$0.25"),
    (2_020_000.0, 0, True, "+$2.02M"),
    (-845_000.0, 0, True, "-$845.00K"),
])
def test_signed_usd(change: float, decimals: int, short: bool, text: str) -> None:
    assert signed_usd(change, decimals, short) == text


def test_signed_usd_magnitude_is_usd() -> None:
    for value in (0.004, 12.5, 99_999.5, 1e9):
        assert signed_usd(-value, 2) == "-" + usd(value, 2)
        assert signed_usd(value, 2) == "+" + usd(value, 2)


def test_field_values_read_as_written():
    from budget.fmt import field_value

    assert field_value(900_000.0) == "900,000"
    assert field_value(1.7999999999999998) == "1.8"  # 3 × 0.6 in floating point
    assert field_value(0.45) == "0.45"
    assert field_value(3_076.923076923077) == "3,076.92"
    assert field_value(0.00001) == "1.000e-05"
    assert field_value("llama-3.1-8b") == "llama-3.1-8b"
    assert field_value(True) == "True"
