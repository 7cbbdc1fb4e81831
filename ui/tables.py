"""A table with its CSV download button: every table on every page goes through here."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from budget.rows import csv_bytes


def table_with_download(frame: pd.DataFrame, label: str, file_name: str, key: str,
                        column_config: dict[str, Any] | None = None) -> None:
    """Show `frame` full width and a button that downloads it as CSV (built on click)."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config)
    st.download_button(f"Download {label} (CSV)", data=lambda: csv_bytes(frame),
                       file_name=file_name, mime="text/csv", icon=":material/download:", key=key,
                       help=f"The {label} table as a CSV file, all rows and columns.")
