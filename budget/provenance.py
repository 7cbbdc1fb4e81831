"""Where a view's numbers come from: its file and content hash, moved drivers, unsaved edits."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from budget.fmt import input_value
from budget.inputs import INPUTS_BY_NAME, SLIDERS
from budget.scenario_model import Drivers, Scenario

DRIVER_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Drivers))


@dataclass(frozen=True)
class DriverMove:
    """One driver set away from the scenario file's value for this view."""

    name: str
    label: str
    file_value: float
    shown_value: float

    def sentence(self) -> str:
        """Return 'Inference volume 1.00× → 1.30×' in the driver's own unit."""
        return (f"{self.label} {input_value(self.name, self.file_value)} → "
                f"{input_value(self.name, self.shown_value)}")


@dataclass(frozen=True)
class Provenance:
    """What reproduces a view: the file as read, the drivers moved from it, unsaved edits."""

    file: str
    sha256: str  # of the file's bytes, or "unsaved" when it cannot be read
    moved: tuple[DriverMove, ...]
    unsaved_edits: int
    link: str  # the query string that opens this view in the app: "?scenario=…&plan_volume=…"

    @property
    def version(self) -> str:
        """Return 'FILE @ first 8 hex digits', as the PDF's footer names a version."""
        return f"{self.file} @ {self.sha256[:8]}"

    def lines(self) -> list[str]:
        """Return the provenance as sentences, one per line, for every export's front page."""
        out = [f"Scenario file {self.file}, SHA-256 {self.sha256}."]
        out.append("Drivers moved from the file: " + "; ".join(m.sentence() for m in self.moved)
                   + "." if self.moved else "Drivers as in the file.")
        if self.unsaved_edits:
            out.append(f"{self.unsaved_edits} unsaved edit{'' if self.unsaved_edits == 1 else 's'}"
                       " of the file (not in any file): save them on the Edit page to "
                       "reproduce these numbers.")
        out.append(f"Reopen this view: the app's address followed by {self.link}")
        return out


def file_sha256(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes, or 'unsaved' when it cannot be read."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unsaved"


def provenance(file_plan: Scenario, shown: Scenario, unsaved_edits: int = 0) -> Provenance:
    """Return the provenance of `shown`: `file_plan` with drivers moved (and edits, if any)."""
    moved = tuple(
        DriverMove(name, INPUTS_BY_NAME[name].label if name in INPUTS_BY_NAME else name,
                   float(getattr(file_plan.drivers, name)), float(getattr(shown.drivers, name)))
        for name in DRIVER_FIELDS
        if float(getattr(file_plan.drivers, name)) != float(getattr(shown.drivers, name)))
    path = Path(shown.source)
    query = [("scenario", path.stem)] + [(SLIDERS[m.name].url_key, f"{m.shown_value:.12g}")
                                         for m in moved if m.name in SLIDERS]
    link = "?" + urlencode(query)
    unreachable = [m.label for m in moved if m.name not in SLIDERS]
    if unreachable:
        link += f" (and {', '.join(unreachable)} as --set: no slider sets it)"
    return Provenance(path.name, file_sha256(path), moved, unsaved_edits, link)
