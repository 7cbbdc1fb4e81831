"""The one error type users see: it names the file, the place, the field and the fix."""

from __future__ import annotations


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

    @property
    def message(self) -> str:
        """Return 'FILE: PLACE, field "F": PROBLEM. Fix: FIX.' with empty parts left out."""
        field = f'field "{self.field}"' if self.field else ""
        where = ", ".join(p for p in (self.place, field) if p)
        head = f"{self.file}: {where}: " if where else f"{self.file}: "
        text = head + self.problem.rstrip(".") + "."
        if self.fix:
            text += " Fix: " + self.fix.rstrip(".") + "."
        return text
