"""Typed numbers are read as written: float()'s extras (1_5, nan, inf, other digits) refused."""

from __future__ import annotations

import pytest

from budget.params import parse_decimal, parse_slide, parse_whole


@pytest.mark.parametrize(("text", "value"), [
    ("0.18", 0.18), ("1e6", 1_000_000.0), ("+1", 1.0), ("-2.5", -2.5), (" 2 ", 2.0),
    (".5", 0.5), ("5.", 5.0), ("1E-3", 0.001), ("0", 0.0),
])
def test_parse_decimal_reads_plain_numbers(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(("text", "words"), [
    ("1_5", '"1_5" is not a number'),  # float() reads 15
    ("nan", '"nan" is not a number'),
    ("-inf", '"-inf" is not a number'),
    ("infinity", "is not a number"),
    ("１.５", '"１.５" is not a number'),  # float() reads 1.5
    ("٣", "is not a number"),  # Arabic-Indic three
    ("0x10", "is not a number"),
    ("1.2.3", "is not a number"),
    ("", '"" is not a number'),
    ("1" * 41, "is not a number"),
    ("1e999", '"1e999" is too large to be a number'),
    ("1\n2", '"1\\n2" is not a number'),  # shown escaped: the message stays on one line
])
def test_parse_decimal_refuses(text, words):
    with pytest.raises(ValueError) as caught:
        parse_decimal(text)
    assert words in str(caught.value)


@pytest.mark.parametrize(("text", "value"), [("8", 8), ("-3", -3), ("+0", 0), (" 12 ", 12)])
def test_parse_whole(text, value):
    assert parse_whole(text) == value


@pytest.mark.parametrize("text", ["1_000", "1.0", "²", "٣", "1e3", "", "9" * 41])
def test_parse_whole_refuses(text):
    with pytest.raises(ValueError, match="is not a whole number"):
        parse_whole(text)


@pytest.mark.parametrize(("text", "slide", "warned"), [
    (None, 0, False), ("1", 0, False), ("4", 3, False),
    ("5", 0, True), ("0", 0, True), ("-1", 0, True), ("²", 0, True),  # "²".isdigit() is True
    ("9" * 5000, 0, True), ("two", 0, True), ("", 0, True),
])
def test_parse_slide(text, slide, warned):
    index, warning = parse_slide(text, 4)
    assert index == slide
    assert (warning is not None) == warned
    if warned:
        assert warning.endswith("showing slide 1 of 4.") and len(warning) < 120
