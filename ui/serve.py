"""Run the app as `streamlit run` does, warming its imports while the first browser loads."""

from __future__ import annotations

import sys
from pathlib import Path

from ui.warmup import warm_in_background

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    """Start the warm-up thread, then Streamlit's own command line with `argv`."""
    from streamlit.web import cli

    warm_in_background(ROOT / "pages")
    sys.argv = ["streamlit", *argv]
    return int(cli.main(prog_name="streamlit") or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
