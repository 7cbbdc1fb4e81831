"""The one error type users see: it names the file, the place, the field and the fix."""

from __future__ import annotations

import unicodedata

_HIDDEN = ("Cc", "Cf", "Zl", "Zp", "Cs")  # controls, format (bidi, zero-width), separators
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """Return text with every control, format and line-separator character written as an escape.

    Messages stay on one line and show what is really in the file: a newline, a right-to-left
    override or a zero-width space appears as \\n, \\u202e or \\u200b, never takes effect.
    """
    if text.isprintable():
        return text
    return "".join(
        _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                          if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
        if unicodedata.category(c) in _HIDDEN else c for c in text)


def shown(text: str, limit: int = 60) -> str:
    """Return text quoted for a message: escaped by visible(), cut to `limit` characters."""
    if len(text) > limit:
        return f'"{visible(text[:limit])}…" ({len(text):,} characters)'
    return f'"{visible(text)}"'


class BudgetInputError(ValueError):
    """Raise for bad user input; str() is a complete, human-readable message."""

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        place: str = "",
        field: str = "",
        fix: str = "",
    ) -> None:
        self.file = file
        self.place = place
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    def relabel(self, file: str, fix: str | None = None) -> BudgetInputError:
        """Return this error naming `file` (and `fix`) instead: "Week" for "--week" in the app."""
        return BudgetInputError(file, self.problem, place=self.place, field=self.field,
                                fix=self.fix if fix is None else fix)

    @property
    def message(self) -> str:
        """Return 'FILE: PLACE, field "F": PROBLEM. Fix: FIX.' on one line, parts left out."""
        field = f"field {shown(self.field)}" if self.field else ""
        where = ", ".join(p for p in (self.place, field) if p)
        head = f"{self.file}: {where}: " if where else f"{self.file}: "
        text = head + self.problem.rstrip(".") + "."
        if self.fix:
            text += " Fix: " + self.fix.rstrip(".") + "."
        return visible(text)
