"""Open one page of the app under AppTest, as a deep link would."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def open_page(page: str | None = None) -> AppTest:
    """Run app.py, switched to pages/<page>.py when given; fail on any exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page is not None:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at
