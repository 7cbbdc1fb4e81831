"""Writing scenario files safely: atomic, and never over an existing file."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_SAFE = re.compile(r"[^a-z0-9]+")


def safe_stem(text: str) -> str:
    """Return a file-name stem made only of a-z, 0-9 and dashes (never a path)."""
    return _SAFE.sub("-", text.lower()).strip("-")[:60] or "scenario"


def save_new(folder: Path, stem: str, text: str) -> Path:
    """Write text to folder/STEM.toml, or STEM-2.toml, … — never replacing an existing file.

    The content goes to a temporary file first and is then hard-linked into place, which fails
    when the name is taken: two sessions saving at once both keep their file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_stem(stem)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".saving-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        for n in range(1, 1000):
            target = folder / (f"{stem}.toml" if n == 1 else f"{stem}-{n}.toml")
            try:
                os.link(temporary, target)
            except FileExistsError:
                continue
            return target
        raise FileExistsError(f"no free name for {stem} in {folder}")
    finally:
        os.unlink(temporary)
