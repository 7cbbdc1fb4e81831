"""The one money format of every table: '$1,234', a minus before the sign, never 'USD' after."""

from __future__ import annotations

from typing import Any

import streamlit as st

PLAN_DECIMALS = 0  # forecasts, budgets and savings: whole dollars, as the KPIs show them
BILLED_DECIMALS = 2  # billed amounts (Actuals, Chargeback): to the cent, as the bill has them
UNIT_DECIMALS = 4  # unit costs (per 1K requests, per 1M tokens, per GPU-hour)

# Streamlit's presets place the sign before the symbol (-$1,234); other currencies read 1,234.
_PRESETS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}


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
