"""An exports folder's layout: billing/ and telemetry/ inside it, else the folder is billing."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget.export_folders import ExportFolders, export_folders, split_exports


def _folder(root: Path, *subfolders: str, files: tuple[str, ...] = ()) -> Path:
    """Make ROOT/exports with these subfolders and files; return it."""
    folder = root / "exports"
    folder.mkdir()
    for name in subfolders:
        (folder / name).mkdir()
    for name in files:
        (folder / name).write_text("x")
    return folder


@pytest.mark.parametrize(("subfolders", "files", "billing", "telemetry"), [
    (("billing", "telemetry"), (), "billing", "telemetry"),
    (("billing",), (), "billing", None),
    # telemetry/ counts only beside billing/: without it the folder itself is billing
    (("telemetry",), (), "", None),
    ((), ("part-0.parquet",), "", None),
    ((), ("billing",), "", None),  # a file named billing is not the billing folder
    (("billing",), ("telemetry",), "billing", None),
])
def test_a_folder_resolves_to_its_billing_and_telemetry(tmp_path, subfolders, files, billing,
                                                        telemetry):
    folder = _folder(tmp_path, *subfolders, files=files)
    assert export_folders(folder) == ExportFolders(
        folder / billing if billing else folder, folder / telemetry if telemetry else None)


def test_split_exports_keeps_other_paths_as_written(tmp_path):
    both = _folder(tmp_path, "billing", "telemetry")
    plain = tmp_path / "plain"
    plain.mkdir()
    specs = [str(both), f"{plain}/", f"{tmp_path}/*.parquet"]
    billing, telemetry = split_exports(specs, ["tele.parquet"])
    assert billing == [str(both / "billing"), f"{plain}/", f"{tmp_path}/*.parquet"]
    assert telemetry == ["tele.parquet", str(both / "telemetry")]


def test_split_exports_leaves_its_argument_alone(tmp_path):
    given = ["t.parquet"]
    split_exports([str(_folder(tmp_path, "billing", "telemetry"))], given)
    assert given == ["t.parquet"]
