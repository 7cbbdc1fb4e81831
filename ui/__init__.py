"""Streamlit-side helpers: caching wrappers around budget/ and page plumbing."""
