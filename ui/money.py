"""The one money format of every table: '$1,234', a minus before the sign, never 'USD' after."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

PLAN_DECIMALS = 0  # forecasts, budgets and savings: whole dollars, as the KPIs show them
BILLED_DECIMALS = 2  # billed amounts (Actuals, Chargeback): to the cent, as the bill has them
UNIT_DECIMALS = 4  # unit costs (per 1K requests, per 1M tokens, per GPU-hour)

# Streamlit's presets place the sign before the symbol (-$1,234); other currencies read 1,234.
_PRESETS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}
MONEY_FORMATS = frozenset({*_PRESETS.values(), "localized"})


def money_column(label: str | None = None, *, decimals: int = PLAN_DECIMALS,
                 currency: str = "USD", help: str | None = None) -> Any:
    """Return a table column config that writes amounts in `currency` with `decimals` places."""
    places = 0 if currency == "JPY" else decimals
    return st.column_config.NumberColumn(label, format=_PRESETS.get(currency, "localized"),
                                         step=10.0 ** -places if places else 1, help=help)


_UNIT_WORDS = {"1k", "1m", "hour"}  # per 1K requests, per 1M tokens, per GPU-hour


def money_decimals(column: str) -> int | None:
    """Return the places a column key's amounts take, or None if the key names no money."""
    words = column.split("_")
    if "usd" not in words:
        return None
    return UNIT_DECIMALS if _UNIT_WORDS & set(words) else PLAN_DECIMALS


def for_screen(frame: pd.DataFrame, column_config: dict[str, Any]) -> pd.DataFrame:
    """Return `frame` with each money column rounded to the places its column shows.

    Streamlit cuts a cell to its column's places (271,702.53 shows as $271,702, not $271,703),
    so the screen gets amounts already rounded, half to even, like every other figure; the
    CSV keeps the exact values.
    """
    rounded: dict[str, pd.Series] = {}
    for column, config in column_config.items():
        kind = config.get("type_config", {}) if isinstance(config, dict) else {}
        if (kind.get("format") in MONEY_FORMATS and kind.get("step") and column in frame
                and pd.api.types.is_float_dtype(frame[column])):
            places = max(0, round(-math.log10(kind["step"])))
            rounded[column] = frame[column].round(places)
    return frame.assign(**rounded) if rounded else frame
