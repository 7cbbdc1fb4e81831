"""An exports folder's layout: billing/ (FOCUS) and optionally telemetry/ inside it, else the
folder is the billing export itself.

The CLI's paths and --actuals, the app's exports folder and every upload batch are resolved here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BILLING = "billing"  # the FOCUS billing exports' folder inside an exports folder
TELEMETRY = "telemetry"  # the serving telemetry's folder, beside billing/


@dataclass(frozen=True)
class ExportFolders:
    """Where a folder's billing and telemetry exports are; telemetry None when it has none."""

    billing: Path
    telemetry: Path | None


def export_folders(folder: Path) -> ExportFolders:
    """Return the billing/ and telemetry/ folders inside FOLDER, or FOLDER itself as billing.

    Telemetry is found beside billing/ only; a folder without billing/ is read as billing (a
    plain folder of FOCUS files, a file or a pattern).
    """
    billing = folder / BILLING
    if not billing.is_dir():
        return ExportFolders(folder, None)
    telemetry = folder / TELEMETRY
    return ExportFolders(billing, telemetry if telemetry.is_dir() else None)


def split_exports(paths: list[str], telemetry: list[str]) -> tuple[list[str], list[str]]:
    """Return (billing, telemetry) paths: a folder holding billing/ (and telemetry/) counts
    for both; any other path is billing, as written."""
    billing: list[str] = []
    telemetry = list(telemetry)
    for spec in paths:
        folder = Path(spec)
        found = export_folders(folder)
        if found.billing == folder:
            billing.append(spec)
            continue
        billing.append(str(found.billing))
        if found.telemetry is not None:
            telemetry.append(str(found.telemetry))
    return billing, telemetry
