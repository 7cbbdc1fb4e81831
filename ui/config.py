"""The app's settings: folders and limits, read from the environment here and nowhere else in ui/.

Folders are read on every call (a test or a deployment may point them elsewhere); the limits are
read once, when the app starts.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EXPORTS = ROOT / "data" / "exports"  # the bundled sample company's exports
SAMPLE_SCENARIOS = ROOT / "data" / "scenarios"

MAX_UPLOAD_MB = int(os.environ.get("BUDGET_MAX_UPLOAD_MB", "200"))  # all files of one upload
MAX_UPLOAD_ROWS = int(os.environ.get("BUDGET_MAX_UPLOAD_ROWS", "50000000"))  # rows of one upload
FORECAST_CACHE_MB = int(os.environ.get("BUDGET_FORECAST_CACHE_MB", "512"))  # forecasts kept
TTL_MINUTES = float(os.environ.get("BUDGET_UPLOAD_TTL_MINUTES", "120"))  # an unused upload lives


def scenario_dir() -> Path:
    """Return the folder of scenario files (BUDGET_SCENARIO_DIR overrides data/scenarios)."""
    return Path(os.environ.get("BUDGET_SCENARIO_DIR", SAMPLE_SCENARIOS))


def scenario_files() -> dict[str, Path]:
    """Return scenario files by stem, oldest first (by modification time), ties by name.

    Read on every call, never cached: a version saved a moment ago is listed, last.
    """
    dated = []
    for path in scenario_dir().glob("*.toml"):
        try:  # a link to nowhere is listed by its own date (opening it says what is wrong)
            dated.append((path.lstat().st_mtime_ns if path.is_symlink() and not path.exists()
                          else path.stat().st_mtime_ns, path.stem, path))
        except OSError:  # gone since it was listed
            continue
    return {stem: path for _, stem, path in sorted(dated)}


def exports_dir() -> Path:
    """Return the folder of the exports the app opens on (BUDGET_EXPORTS_DIR overrides)."""
    return Path(os.environ.get("BUDGET_EXPORTS_DIR", SAMPLE_EXPORTS))
