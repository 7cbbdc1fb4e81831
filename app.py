"""AI infrastructure budget planner: page config and navigation only."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.link import follow_link

st.set_page_config(
    page_title="AI budget planner",
    # a file the app serves itself: a :material/…: favicon is fetched from Google's font server
    page_icon=str(Path(__file__).parent / "ui" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

navigation = st.navigation({
    "Plan": [
        st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("pages/planner.py", title="Planner", icon=":material/tune:", url_path="planner"),
        st.Page("pages/sensitivity.py", title="Sensitivity", icon=":material/insights:",
                url_path="sensitivity"),
        st.Page("pages/capacity.py", title="Capacity", icon=":material/memory:",
                url_path="capacity"),
        st.Page("pages/multicloud.py", title="Multi-cloud", icon=":material/cloud:",
                url_path="multicloud"),
        st.Page("pages/assumptions.py", title="Assumptions", icon=":material/fact_check:",
                url_path="assumptions"),
        st.Page("pages/edit.py", title="Edit", icon=":material/edit:", url_path="edit"),
    ],
    "Report": [
        st.Page("pages/summary.py", title="Summary", icon=":material/article:",
                url_path="summary"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:",
                url_path="compare"),
        st.Page("pages/present.py", title="Present", icon=":material/slideshow:",
                url_path="present"),
    ],
    "Actuals": [
        st.Page("pages/actuals.py", title="Actuals", icon=":material/receipt_long:",
                url_path="actuals"),
        st.Page("pages/plan_vs_actual.py", title="Plan vs actual",
                icon=":material/difference:", url_path="plan_vs_actual"),
        st.Page("pages/monitoring.py", title="Monitoring", icon=":material/monitor_heart:",
                url_path="monitoring"),
        st.Page("pages/chargeback.py", title="Showback & chargeback",
                icon=":material/account_balance:", url_path="chargeback"),
        st.Page("pages/governance.py", title="Governance", icon=":material/gavel:",
                url_path="governance"),
    ],
}, expanded=True)
follow_link(navigation.url_path)  # the drivers stay in the URL on every page
navigation.run()
