"""Writing scenario files safely: atomic, and never over an existing file."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SAFE = re.compile(r"[^a-z0-9]+")


def safe_stem(text: str) -> str:
    """Return a file-name stem made only of a-z, 0-9 and dashes (never a path)."""
    return _SAFE.sub("-", text.lower()).strip("-")[:60] or "scenario"


def save_new(folder: Path, stem: str, text: str) -> Path:
    """Write text to folder/STEM.toml, or STEM-2.toml, … — never replacing an existing file.

    The content goes to a temporary file first and is then hard-linked into place, which fails
    when the name is taken: two sessions saving at once both keep their file. The file gets the
    permissions of the folder's other .toml files (file_mode), not the temporary file's 0600.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem = safe_stem(stem)
    mode = file_mode(folder)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".saving-", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
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


def file_mode(folder: Path) -> int:
    """Return the read/write bits a new file in `folder` gets: those its .toml files share.

    The mode most of the folder's regular .toml files have (ties: the newest file's); with none,
    what the process's umask gives a new file (0o666 & ~umask: 0644 under umask 022).
    """
    modes: dict[int, tuple[int, int]] = {}  # mode -> (files, newest mtime)
    for path in folder.glob("*.toml"):
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            count, newest = modes.get(info.st_mode & 0o666, (0, 0))
            modes[info.st_mode & 0o666] = (count + 1, max(newest, info.st_mtime_ns))
    if modes:
        return max(modes, key=lambda m: modes[m])
    return 0o666 & ~_umask()


def _umask() -> int:
    """Return the process's umask without changing it (Linux reads it from /proc)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


@dataclass(frozen=True)
class Saved:
    """Where a save went, and whether this call wrote it (False: the same text was there)."""

    path: Path
    created: bool


def save_once(folder: Path, stem: str, text: str) -> Saved:
    """Write text as save_new does, unless a file of that stem already holds exactly this text.

    A double click (or a resubmitted form) saves once: the second call names the first file.
    """
    from budget.errors import BudgetInputError
    from budget.files import read_bounded

    for existing in sorted(folder.glob(f"{safe_stem(stem)}*.toml")) if folder.is_dir() else []:
        try:
            if read_bounded(existing) == text.encode("utf-8"):
                return Saved(existing, created=False)
        except BudgetInputError:
            continue
    return Saved(save_new(folder, stem, text), created=True)


def write_new(path: Path, text: str) -> None:
    """Write text to `path`, never replacing a file: FileExistsError when the name is taken.

    As save_new: the content goes to a temporary file beside it (mode 0666 less the umask, as
    any new file), which is hard-linked into place (the link fails when the name exists, even
    one made a moment earlier), so the file appears whole or not at all.
    """
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".saving-{secrets.token_hex(6)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.link(temporary, path)
    finally:
        os.unlink(temporary)
