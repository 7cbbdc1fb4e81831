"""Make a deep link on a freshly started server run app.py's navigation, not a bare page file."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def require_navigation() -> None:
    """Rerun through app.py when Streamlit ran this page file directly (its legacy pages/ mode).

    Until the first session runs app.py (which calls st.navigation), Streamlit treats a folder
    named pages/ as the old multipage layout and serves /planner by executing pages/planner.py
    alone: no page config, file names as titles. Clearing the flag and rerunning hands the
    request to app.py, whose st.navigation resolves the same URL.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
