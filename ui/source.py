"""Where the actuals come from: the bundled sample or the user's upload, shared by every page."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from budget.errors import BudgetInputError
from budget.exports import check_upload_size
from ui.cache import exports_dir, load_rollups

MAX_UPLOAD_MB = int(os.environ.get("BUDGET_MAX_UPLOAD_MB", "200"))
UPLOADED = "_uploaded_exports"  # session key: (folder, tag map) of this session's last upload


def uploaded_folder(files: list[object]) -> Path | None:
    """Save uploads to a folder named by their content; refuse the lot when one is wrong."""
    try:
        check_upload_size(sum(getattr(f, "size", 0) for f in files), MAX_UPLOAD_MB)
    except BudgetInputError as exc:
        st.error(str(exc))
        return None
    digest = hashlib.sha256()
    for f in files:
        digest.update(getattr(f, "name", "").encode())
        digest.update(f.getvalue())  # type: ignore[attr-defined]
    folder = Path(tempfile.gettempdir()) / "ai-budget-uploads" / digest.hexdigest()[:16]
    target = folder / "billing"
    target.mkdir(parents=True, exist_ok=True)
    for f in files:
        name = Path(getattr(f, "name", "upload.csv")).name  # never a path from the browser
        (target / name).write_bytes(f.getvalue())  # type: ignore[attr-defined]
    return folder


def choose_source(prefix: str) -> tuple[Path, tuple[str, ...]]:
    """Sidebar: the bundled sample or the user's own FOCUS files, and tag-key overrides.

    An upload made on one page is used by the other actuals pages of the session until the
    user goes back to the sample.
    """
    with st.sidebar:
        st.subheader("Exports")
        uploads = st.file_uploader(
            "Your FOCUS billing export", type=["csv", "parquet"], accept_multiple_files=True,
            key=f"{prefix}_upload",
            help=f"FOCUS 1.0–1.2 (or 1.3) exports from AWS, Azure, Google Cloud or OCI, as CSV or "
            f"Parquet, up to {MAX_UPLOAD_MB} MB in all. Without an upload the pages show the "
            "bundled sample company.")
        overrides = st.text_input(
            "Tag keys", key=f"{prefix}_tag_map",
            placeholder="team=business_unit, endpoint=application",
            help="Which tag key carries each dimension when yours differ from the defaults: "
            "DIMENSION=TAG pairs separated by commas. Dimensions: team, model, endpoint, "
            "environment, workload_class, deployment_id, experiment.")
        tag_map = tuple(p.strip() for p in overrides.split(",") if p.strip())
        if uploads:
            folder = uploaded_folder(list(uploads))
            if folder is not None:
                st.session_state[UPLOADED] = (folder, tag_map)
                return folder, tag_map
            return exports_dir(), tag_map
        remembered = st.session_state.get(UPLOADED)
        if remembered is not None and Path(remembered[0]).exists():
            st.caption("Using the export you uploaded earlier in this session.")
            st.button("Back to the sample", key=f"{prefix}_forget_upload",
                      icon=":material/restart_alt:", on_click=st.session_state.pop,
                      args=(UPLOADED, None),
                      help="Forget the upload and show the bundled sample company.")
            return Path(remembered[0]), tuple(remembered[1])
    return exports_dir(), tag_map


def read_actuals(folder: Path, tag_map: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the rollups, or show the error (naming the uploaded file) and stop the page."""
    try:
        with st.spinner("Reading exports…"):
            return load_rollups(folder, tag_map)
    except BudgetInputError as exc:
        message = str(exc)
        if folder != exports_dir():  # name the uploaded file, not where it was saved
            message = message.replace(str(folder / "billing") + "/", "uploaded file ")
        st.error(message)
        st.stop()
        raise  # st.stop() raises; this keeps type checkers sure


def source_caption(folder: Path, billing: pd.DataFrame) -> str:
    """Return 'Source: … · N rollup rows · first to last day'."""
    source = "your upload" if folder != exports_dir() else f"`{folder}`"
    return (f"Source: {source} · {len(billing):,} rollup rows · "
            f"{billing['day'].min():%Y-%m-%d} to {billing['day'].max():%Y-%m-%d}")
