"""Uploaded exports on the server: a private folder per batch, names as uploaded, deleted after use.

Layout: `<private parent>/<batch folder>/billing/NAME`; a second file of the same name goes to
`billing/2/NAME`, a third to `billing/3/NAME`. Nothing here imports streamlit: callers pass the
session id and a function saying whether a session is still connected.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from budget.export_folders import BILLING, export_folders

PARENT_PREFIX = "ai-budget-uploads-"
GRACE_S = 120.0  # Streamlit keeps a disconnected session this long for a reconnect
MAX_NAME_BYTES = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_name(name: str) -> str:
    """Return an uploaded file's base name, usable as one file name (never a path or hidden)."""
    text = name.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be written
    base = _CONTROL.sub("_", text).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base.startswith("."):  # "", ".", "..", ".hidden.csv"
        base = "upload" + base
    elif base.isdigit():  # a plain number is the name of a numbered folder
        base = f"upload-{base}"
    while len(base.encode("utf-8")) > MAX_NAME_BYTES:  # keep the end: it holds the extension
        base = base[:-41] + base[-40:]
    return base


def ordinal(n: int) -> str:
    """Return 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st, …"""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def layout(names: Sequence[str]) -> list[str]:
    """Return where each (safe) name goes under billing/: NAME, then N/NAME for the Nth of it."""
    seen: Counter[str] = Counter()
    places = []
    for name in names:
        seen[name.casefold()] += 1  # a case-insensitive disk would merge A.csv and a.csv
        count = seen[name.casefold()]
        places.append(name if count == 1 else f"{count}/{name}")
    return places


def shown_name(place: str) -> str:
    """Return how a file saved at PLACE (from layout) is named to the user."""
    folder, _, name = place.rpartition("/")
    return f"{name} ({ordinal(int(folder))} of that name)" if folder else name


def saved_files(folder: Path) -> list[str]:
    """Return the places (as from layout) of an upload folder's files: NAMEs, then 2/, 3/, …"""
    billing = export_folders(folder).billing
    places = []
    for root, dirs, names in os.walk(billing, followlinks=False):
        dirs.sort(key=lambda d: (len(d), d))  # 2 before 10
        rel = Path(root).relative_to(billing).as_posix()
        places += [name if rel == "." else f"{rel}/{name}" for name in sorted(names)]
    return places


def public_message(text: str, folder: Path) -> str:
    """Return TEXT with the server paths of an upload folder replaced by what the user uploaded."""
    billing = export_folders(folder).billing
    words = {str(folder): "your upload", str(billing): "your upload"}
    for place in saved_files(folder):
        words[str(billing / place)] = f"uploaded file {shown_name(place)}"
        if "/" in place:
            number = ordinal(int(place.split("/", 1)[0]))
            words[str(billing / place.split("/", 1)[0])] = f"your upload ({number} of a name)"
    pattern = "|".join(re.escape(p) for p in sorted(words, key=len, reverse=True))
    text = re.sub(pattern, lambda m: words[m.group(0)], text)
    return re.sub(re.escape(str(folder.parent)) + r"\S*", "your upload", text)


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, never through a symlink, readable by us only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o600), "wb") as handle:
        handle.write(data)


@dataclass
class Batch:
    """One session's saved upload: its folder, the uploader's file ids, when last used and seen."""

    folder: Path
    key: tuple[str, ...]
    used_s: float
    seen_s: float


class Uploads:
    """Every upload folder of this process, under one private parent; deletes only its own."""

    def __init__(self, ttl_s: float, grace_s: float = GRACE_S) -> None:
        self.ttl_s = ttl_s
        self.grace_s = grace_s
        self._parent: Path | None = None
        self._batches: dict[str, Batch] = {}
        self._lock = threading.RLock()
        self._stop = threading.Event()

    @property
    def parent(self) -> Path:
        """Return the private parent folder (mode 0700, created on first use)."""
        with self._lock:
            if self._parent is None:
                self._parent = Path(tempfile.mkdtemp(prefix=PARENT_PREFIX)).resolve()
            return self._parent

    def save(self, session: str, files: Sequence[tuple[str, bytes]], key: tuple[str, ...] = (),
             now_s: float | None = None) -> Path:
        """Save (name, bytes) pairs as a new batch of SESSION; delete its previous batch."""
        now_s = time.monotonic() if now_s is None else now_s
        with self._lock:
            folder = Path(tempfile.mkdtemp(prefix="batch-", dir=self.parent))
            try:
                billing = folder / BILLING
                billing.mkdir(mode=0o700)
                for place, (_, data) in zip(layout([safe_name(n) for n, _ in files]), files,
                                            strict=True):
                    target = billing / place
                    target.parent.mkdir(mode=0o700, exist_ok=True)  # inside our fresh folder
                    _write_new(target, data)
            except BaseException:
                self._remove(folder)
                raise
            previous = self._batches.get(session)
            self._batches[session] = Batch(folder, key, now_s, now_s)
            if previous is not None:
                self._remove(previous.folder)
            return folder

    def current(self, session: str, key: tuple[str, ...] | None = None,
                now_s: float | None = None) -> Path | None:
        """Return SESSION's batch folder (with this uploader key, when given) and mark it used."""
        now_s = time.monotonic() if now_s is None else now_s
        with self._lock:
            batch = self._batches.get(session)
            if batch is None or (key is not None and batch.key != key):
                return None
            if now_s - batch.used_s > self.ttl_s or not batch.folder.is_dir():
                self.discard(session)
                return None
            batch.used_s = batch.seen_s = now_s
            return batch.folder

    def discard(self, session: str) -> None:
        """Delete SESSION's batch, if any."""
        with self._lock:
            batch = self._batches.pop(session, None)
            if batch is not None:
                self._remove(batch.folder)

    def sweep(self, alive: Callable[[str], bool], now_s: float | None = None) -> list[Path]:
        """Delete batches unused for the TTL or whose session has been gone for the grace time."""
        now_s = time.monotonic() if now_s is None else now_s
        removed = []
        with self._lock:
            for session, batch in list(self._batches.items()):
                if alive(session):
                    batch.seen_s = now_s
                if now_s - batch.used_s > self.ttl_s or now_s - batch.seen_s > self.grace_s:
                    removed.append(batch.folder)
                    self.discard(session)
        return removed

    def sweep_every(self, seconds: float, alive: Callable[[str], bool]) -> threading.Thread:
        """Start a daemon thread that sweeps every SECONDS until close()."""
        def loop() -> None:
            while not self._stop.wait(seconds):
                self.sweep(alive)

        thread = threading.Thread(target=loop, name="upload-sweeper", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """Stop sweeping and delete every batch and the parent folder."""
        self._stop.set()
        with self._lock:
            for session in list(self._batches):
                self.discard(session)
            if self._parent is not None:
                self._remove(self._parent, self._parent.parent)
                self._parent = None

    def _remove(self, folder: Path, within: Path | None = None) -> None:
        """Delete a folder of ours: directly inside WITHIN (the parent), never a symlink."""
        if folder.parent != (within or self._parent):
            return
        try:
            if stat.S_ISDIR(os.lstat(folder).st_mode):
                shutil.rmtree(folder, ignore_errors=True)  # fd-based: never follows a symlink
        except FileNotFoundError:
            return
