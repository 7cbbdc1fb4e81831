"""AI infrastructure budget planner: the pure domain core (no Streamlit here)."""
