"""A table with its CSV download button: every table on every page goes through here."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from budget.rows import csv_bytes
from ui.money import for_screen, money_column, money_decimals

NO_VALUE = "—"  # an empty cell (a unit cost of a line without requests), not "None"

# What the screen calls a column whose key reads badly as words; the CSV keeps the keys.
HEADERS = {
    "gpus_to_provision": "GPUs to provision",
    "mean_wait_in_service_times": "Mean wait (× service time)",
    "p_wait": "Chance of waiting",
    "s1": "First-order S1 (share of variance)",
    "st": "Total ST (share of variance)",
    "interaction": "Interactions (ST − S1)",
    "usd_per_1k_requests": "USD per 1K requests",
    "usd_per_1m_tokens": "USD per 1M tokens",
}
_KEY = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")  # the snake_case keys our tables use
_WORDS = {"usd": "USD", "gpu": "GPU", "gpus": "GPUs", "p10": "P10", "p50": "P50", "p90": "P90",
          "id": "ID", "api": "API", "vs": "vs", "1k": "1K", "1m": "1M", "pct": "%"}


def header(key: str) -> str:
    """Return a column's on-screen name: 'saving_vs_on_demand_usd' → 'Saving vs on demand (USD)'."""
    if key in HEADERS:
        return HEADERS[key]
    words = [w for w in key.split("_") if w]
    if not _KEY.fullmatch(key):
        return key  # a name from the data (a month, a pool, a team): shown as it is
    unit = " (USD)" if len(words) > 1 and words[-1] == "usd" else ""
    words = words[:-1] if unit else words
    text = " ".join(_WORDS.get(w, w) for w in words)
    return text[:1].upper() + text[1:] + unit


def labelled(frame: pd.DataFrame, column_config: dict[str, Any] | None) -> dict[str, Any]:
    """Return column_config with an on-screen name for every column, money columns formatted."""
    config: dict[str, Any] = dict(column_config or {})
    for column in map(str, frame.columns):
        places = money_decimals(column)
        if column not in config and places is not None and pd.api.types.is_numeric_dtype(
                frame[column]):
            config[column] = money_column(decimals=places)  # the one money format by default
        given = config.get(column, {})
        if given is None or isinstance(given, str):
            continue  # hidden, or named by the page
        if not given.get("label"):
            config[column] = {**given, "label": header(column)}
    return config


def show_table(frame: pd.DataFrame, column_config: dict[str, Any] | None = None) -> None:
    """Show `frame` full width: columns named for people, money as every page writes it."""
    config = labelled(frame, column_config)
    st.dataframe(for_screen(frame, config), hide_index=True, width="stretch",
                 column_config=config, placeholder=NO_VALUE)


def table_with_download(frame: pd.DataFrame, label: str, file_name: str, key: str,
                        column_config: dict[str, Any] | None = None) -> None:
    """Show `frame` full width, columns named for people, and a CSV download of it as it is."""
    show_table(frame, column_config)
    st.download_button(f"Download {label} (CSV)", data=lambda: csv_bytes(frame),
                       file_name=file_name, mime="text/csv", icon=":material/download:", key=key,
                       help=f"The {label} table as a CSV file, all rows and columns.")
