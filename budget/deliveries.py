"""Which export files to read, and each charge once: exact names, folder keys, repeated deliveries.

A file name is a name: what the user names is taken literally when it exists, and only a spec that
names nothing is expanded as a pattern. A folder is walked (hidden files and non-export files left
out). Files in one folder are one delivery; a byte-for-byte copy of a file is read once, and when
two deliveries hold the same provider, billing account and billing period (an export re-run, a
folder copied twice) only the newer one is read. Every decision is written down as a note.
"""

from __future__ import annotations

import glob
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from budget.errors import BudgetInputError
from budget.export_columns import export_format

GLOB_CHARS = "*?["


@dataclass(frozen=True)
class ExportFile:
    """One export file: where it is, which delivery (folder) it came in, its folder keys."""

    path: str
    delivery: str
    hive: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PeriodKey:
    """A provider's billing account and period: what one delivery of a month covers."""

    provider: str
    account: str
    period: str  # YYYY-MM-DD of the billing period's start

    def describe(self) -> str:
        """Return the key in words for a note."""
        account = f"billing account {self.account}" if self.account else "no billing account"
        return f"{self.provider} {account}, billing period from {self.period}"


@dataclass(frozen=True)
class PeriodRows:
    """How many rows of one file fall in one billing period key."""

    file: str
    key: PeriodKey
    rows: int


def hive_keys(path: str) -> tuple[tuple[str, str], ...]:
    """Return the `key=value` folder names on a file's path, outermost first."""
    keys: list[tuple[str, str]] = []
    for part in Path(path).parent.parts:
        name, sep, value = part.partition("=")
        if sep and name and not name.startswith("."):
            keys.append((name, value))
    return tuple(keys)


def _walk(folder: str) -> list[str]:
    """Return the export files below a folder, folder by folder in name order; no hidden ones."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, n) for n in sorted(names)
                  if not n.startswith(".") and export_format(n) is not None]
    return found


def _expand(spec: str) -> list[str]:
    """Return the files one spec names: the file, a folder's files, or a pattern's matches."""
    path = Path(spec)
    if path.is_dir():
        found = _walk(spec)
        if not found:
            raise BudgetInputError(spec, "folder has no .parquet, .csv or .csv.gz files",
                                   fix="point at the export folder or a file")
        return found
    if path.is_file():
        return [spec]
    if any(ch in spec for ch in GLOB_CHARS):
        matches = sorted(glob.glob(spec, recursive=True))
        files = [f for m in matches for f in (_walk(m) if Path(m).is_dir() else [m])
                 if Path(f).is_file()]
        if not files:
            raise BudgetInputError(spec, "no file matches this pattern",
                                   fix="check the pattern, or name the folder")
        return files
    raise BudgetInputError(spec, "file not found", fix="check the path")


def find_files(specs: Sequence[str]) -> list[ExportFile]:
    """Turn what the user named into export files, each once, in a stable order."""
    seen: set[str] = set()
    files: list[ExportFile] = []
    for spec in specs:
        for file in _expand(spec):
            real = os.path.realpath(file)
            if real in seen:
                continue
            seen.add(real)
            if export_format(file) is None and not Path(spec).is_file():
                continue
            files.append(ExportFile(file, os.path.dirname(os.path.abspath(file)),
                                    hive_keys(os.path.abspath(file))))
    return files


def _digest(path: str) -> str:
    """Return the SHA-256 of a file's bytes."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            sha.update(chunk)
    return sha.hexdigest()


def drop_copies(files: Sequence[ExportFile]) -> tuple[list[ExportFile], list[str]]:
    """Return the files with byte-for-byte copies left out, and a note for each copy."""
    by_size: dict[int, list[ExportFile]] = defaultdict(list)
    for f in files:
        by_size[os.path.getsize(f.path)].append(f)
    first: dict[str, str] = {}
    dropped: dict[str, str] = {}
    for group in by_size.values():
        if len(group) < 2:
            continue
        for f in group:
            digest = _digest(f.path)
            if digest in first:
                dropped[f.path] = first[digest]
            else:
                first[digest] = f.path
    notes = [f"{path} has the same bytes as {original}: read once, from {original}"
             for path, original in dropped.items()]
    return [f for f in files if f.path not in dropped], notes


def _newest(files: Iterable[ExportFile]) -> float:
    return max((os.path.getmtime(f.path) for f in files), default=0.0)


def repeated_periods(files: Sequence[ExportFile], rows: Sequence[PeriodRows],
                     ) -> tuple[set[tuple[str, PeriodKey]], list[str]]:
    """Return the (file, period key) pairs to leave out, and a note for each repeated period.

    A period key found in two deliveries (folders) is read from the delivery whose files were
    written last (on a tie, the later folder by name); the other delivery's rows of that key are
    left out. Files in one folder are parts of one delivery and are all read.
    """
    by_file = {f.path: f for f in files}
    deliveries: dict[PeriodKey, dict[str, list[PeriodRows]]] = defaultdict(
        lambda: defaultdict(list))
    for r in rows:
        deliveries[r.key][by_file[r.file].delivery].append(r)
    members: dict[str, list[ExportFile]] = defaultdict(list)
    for f in files:
        members[f.delivery].append(f)
    dropped: set[tuple[str, PeriodKey]] = set()
    repeats: dict[tuple[str, str], list[tuple[PeriodKey, int]]] = defaultdict(list)
    for key, holders in sorted(deliveries.items(), key=lambda kv: (kv[0].period, kv[0].provider,
                                                                   kv[0].account)):
        if len(holders) < 2:
            continue
        kept = max(holders, key=lambda d: (_newest(members[d]), d))
        for delivery, parts in sorted(holders.items()):
            if delivery != kept:
                dropped.update((p.file, key) for p in parts)
                repeats[(kept, delivery)].append((key, sum(p.rows for p in parts)))
    notes = []
    for (kept, delivery), keys in repeats.items():
        count = sum(n for _, n in keys)
        rows_text = f"{count:,} row" + ("" if count == 1 else "s")
        periods = "; ".join(k.describe() for k, _ in keys)
        notes.append(f"{delivery} repeats what {kept} delivers ({periods}): read from {kept} "
                     f"(written last); {rows_text} of {delivery} left out")
    return dropped, notes
