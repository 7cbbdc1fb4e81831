"""The user's TOML files: regular files only, at most 5 MB, one decoder; writes are atomic."""

from __future__ import annotations

import os
import secrets
import stat
import tomllib
from pathlib import Path
from typing import Any

from budget.errors import BudgetInputError

MAX_FILE_BYTES = 5 * 1024 * 1024  # scenario, weights and incident files
_BOM = b"\xef\xbb\xbf"
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    """Return what a non-regular file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _nul(label: str) -> BudgetInputError:
    """Return the error for a path no system call takes (it holds a NUL character)."""
    return BudgetInputError(label, "is not a usable path (it holds a NUL character)",
                            fix="name the file without control characters")


def _not_found(path: Path, label: str, fix: str) -> BudgetInputError:
    """Return the error for a path that does not exist (or a link pointing nowhere)."""
    if path.is_symlink():
        return BudgetInputError(label, "is a symbolic link to a file that does not exist",
                                fix="point the link at a regular file, or remove it")
    return BudgetInputError(label, "file not found", fix=fix)


def read_bounded(path: str | Path, label: str | None = None, *,
                 missing_fix: str = "check the path") -> bytes:
    """Return a regular file's bytes; raise BudgetInputError for anything else or over 5 MB.

    The file is opened without blocking, so a named pipe is refused instead of waiting for a
    writer forever; a device (a link to /dev/zero) is refused before a byte is read.
    """
    path = Path(path)
    label = str(path) if label is None else label
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise _not_found(path, label, missing_fix) from None
    except ValueError:
        raise _nul(label) from None
    except OSError as exc:
        raise BudgetInputError(label, f"cannot be read ({exc.strerror})",
                               fix="check the path and its permissions") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise BudgetInputError(label, f"is {_kind(info.st_mode)}, not a regular file",
                                   fix="name a regular .toml file")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(label, info.st_size)
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(handle, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:  # it grew while being read
            raise _too_large(label, size)
        return b"".join(chunks)
    except OSError as exc:
        raise BudgetInputError(label, f"cannot be read ({exc.strerror})",
                               fix="check the path and its permissions") from None
    finally:
        os.close(handle)


def _too_large(label: str, size: int) -> BudgetInputError:
    return BudgetInputError(label, f"is {size / 1024 / 1024:,.1f} MB; TOML files are limited "
                            f"to {MAX_FILE_BYTES // 1024 // 1024} MB",
                            fix="check that it is the right file, or split it")


def decode_toml(raw: bytes, label: str) -> dict[str, Any]:
    """Decode UTF-8 TOML bytes (a leading byte-order mark is allowed); raise BudgetInputError."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BudgetInputError(label, "is UTF-16 text, not UTF-8", fix="save the file as UTF-8")
    try:
        text = raw.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + (len(_BOM) if raw.startswith(_BOM) else 0)
        line = raw[:start].count(b"\n") + 1
        raise BudgetInputError(
            label, f"is not UTF-8 text (bad byte at line {line}, offset {start})",
            fix="save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BudgetInputError(label, f"is not valid TOML: {exc}",
                               fix="correct the syntax at that line and column") from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise BudgetInputError(label, "holds a whole number of more than 4,300 digits",
                               fix="write a number within the field's range") from None
    except RecursionError:
        raise BudgetInputError(label, "nests arrays or tables too deeply to read",
                               fix="write each row as its own [[table]]") from None


def load_toml(path: str | Path, label: str | None = None, *,
              missing_fix: str = "check the path") -> dict[str, Any]:
    """Read and decode one TOML file through read_bounded and decode_toml."""
    label = str(path) if label is None else label
    return decode_toml(read_bounded(path, label, missing_fix=missing_fix), label)


def file_stamp(path: str | Path, label: str | None = None) -> tuple[int, int]:
    """Return (mtime_ns, size) of the file at `path` (a cache key); BudgetInputError if none."""
    path = Path(path)
    label = str(path) if label is None else label
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _not_found(path, label, "check the path") from None
    except ValueError:
        raise _nul(label) from None
    except OSError as exc:
        raise BudgetInputError(label, f"cannot be read ({exc.strerror})",
                               fix="check the path and its permissions") from None
    return info.st_mtime_ns, info.st_size


def check_target(path: str | Path, flag: str) -> None:
    """Raise BudgetInputError when `path` exists and is not a regular file (a folder, a device)."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except ValueError:
        raise _nul(str(path)) from None
    except OSError as exc:
        raise BudgetInputError(str(path), f"cannot be written ({exc.strerror})",
                               fix=f"choose another {flag}") from None
    if not stat.S_ISREG(info.st_mode):
        inside = f", e.g. {flag} {path / 'NAME'}" if stat.S_ISDIR(info.st_mode) else ""
        raise BudgetInputError(str(path), f"is {_kind(info.st_mode)}, not a file to write",
                               fix=f"give {flag} the name of a file{inside}")


def write_atomically(path: str | Path, data: bytes | str, flag: str = "--out") -> None:
    """Write data to a temporary file beside `path`, then rename it into place.

    Anything in the way (a folder, a device, a read-only folder, a full disk) raises
    BudgetInputError naming `path` and the `flag` that chose it; no temporary file is left.
    """
    path = Path(path)
    check_target(path, flag)
    content = data.encode("utf-8") if isinstance(data, str) else data
    temporary = path.with_name(f".{path.name[:80]}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise BudgetInputError(str(path), f"cannot be written ({exc.strerror})",
                               fix=f"choose {flag} in a folder you can write to") from None
    done = False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
        done = True
    except OSError as exc:
        raise BudgetInputError(str(path), f"cannot be written ({exc.strerror})",
                               fix=f"choose another {flag}, or free some space") from None
    finally:
        if not done:
            temporary.unlink(missing_ok=True)
