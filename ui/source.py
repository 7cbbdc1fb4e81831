"""Where the actuals come from: the bundled sample or the user's upload, shared by every page."""

from __future__ import annotations

import atexit
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.typing import UploadedFile

from budget.errors import BudgetInputError
from budget.export_columns import export_format
from budget.export_folders import export_folders
from budget.exports import check_upload_size
from ui.cache import load_notes, load_rollups
from ui.config import MAX_UPLOAD_MB, SAMPLE_EXPORTS, TTL_MINUTES, exports_dir
from ui.text import md_escape
from ui.uploads import Uploads, public_message, safe_name, saved_files

UPLOADED = "_uploaded_exports"  # session key: (folder, tag map) of this session's last upload
UPLOAD_TYPES = ["csv", "gz", "parquet"]  # "gz": AWS Data Exports deliver gzip CSV (.csv.gz)


def session_alive(session: str) -> bool:
    """Return whether a session is still connected to this server (thread-safe)."""
    return not runtime.exists() or bool(runtime.get_instance().is_active_session(session))


@st.cache_resource(show_spinner=False)
def uploads() -> Uploads:
    """Return this process's upload folders: swept at least every minute, all deleted at exit."""
    store = Uploads(ttl_s=TTL_MINUTES * 60)
    store.sweep_every(max(1.0, min(60.0, store.ttl_s / 4, store.grace_s / 2)), session_alive)
    atexit.register(store.close)
    return store


def _session() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no session"


def _forget_upload() -> None:
    st.session_state.pop(UPLOADED, None)
    uploads().discard(_session())


def uploaded_folder(files: Sequence[UploadedFile]) -> Path | None:
    """Return this upload's private folder (saved once per upload); refuse all if one is wrong."""
    try:
        check_upload_size(sum(f.size for f in files), MAX_UPLOAD_MB)
    except BudgetInputError as exc:
        st.error(md_escape(str(exc)))
        return None
    unread = [safe_name(f.name) for f in files if export_format(safe_name(f.name)) is None]
    if unread:
        st.error(md_escape(f"uploaded file {unread[0]}: is not CSV, gzip CSV (.csv.gz) or "
                           "Parquet, so it would not be read. Fix: upload the export's .csv, "
                           ".csv.gz or .parquet files."))
        return None
    key = tuple(f.file_id for f in files)
    folder = uploads().current(_session(), key)
    if folder is not None:
        return folder
    try:
        return uploads().save(_session(), [(f.name, f.getvalue()) for f in files], key)
    except OSError as exc:
        st.error(md_escape(f"The upload could not be stored on the server "
                           f"({exc.strerror or 'error'}). Try again, or upload fewer files."))
        return None


def choose_source(prefix: str) -> tuple[Path, tuple[str, ...]]:
    """Sidebar: the bundled sample or the user's own FOCUS files, and tag-key overrides.

    An upload made on one page is used by the other actuals pages of the session until the
    user goes back to the sample, uploads again, the session ends, or it sits unused for
    BUDGET_UPLOAD_TTL_MINUTES.
    """
    uploads().sweep(session_alive)
    with st.sidebar:
        st.subheader("Exports")
        files = st.file_uploader(
            "Your FOCUS billing export", type=UPLOAD_TYPES, accept_multiple_files=True,
            key=f"{prefix}_upload",
            help=f"FOCUS 1.0–1.2 (or 1.3) exports from AWS, Azure, Google Cloud or OCI, as CSV, "
            f"gzip CSV (.csv.gz) or Parquet, up to {MAX_UPLOAD_MB} MB in all; files of the same "
            "name (every AWS month is part-0.parquet) are all kept. Your files stay in a private "
            f"folder of this session, deleted when you leave or after {TTL_MINUTES:g} minutes "
            "unused. Without an upload the pages show the bundled sample company.")
        overrides = st.text_input(
            "Tag keys", key=f"{prefix}_tag_map",
            placeholder="team=business_unit, endpoint=application",
            help="Which tag key carries each dimension when yours differ from the defaults: "
            "DIMENSION=TAG pairs separated by commas. Dimensions: team, model, endpoint, "
            "environment, workload_class, deployment_id, experiment.")
        tag_map = tuple(p.strip() for p in overrides.split(",") if p.strip())
        if files:
            folder = uploaded_folder(list(files))
            if folder is not None:
                st.session_state[UPLOADED] = (folder, tag_map)
                return folder, tag_map
            return exports_dir(), tag_map
        remembered = st.session_state.get(UPLOADED)
        if remembered is not None and uploads().current(_session()) == Path(remembered[0]):
            st.caption("Using the export you uploaded earlier in this session.")
            st.button("Back to the sample", key=f"{prefix}_forget_upload",
                      icon=":material/restart_alt:", on_click=_forget_upload,
                      help="Forget the upload (its files are deleted) and show the bundled "
                      "sample company.")
            return Path(remembered[0]), tuple(remembered[1])
        if remembered is not None:
            st.session_state.pop(UPLOADED, None)
            st.info(f"Your earlier upload was deleted (unused for {TTL_MINUTES:g} minutes, or "
                    "the session ended). Upload it again to see it.")
    return exports_dir(), tag_map


def read_actuals(folder: Path, tag_map: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the rollups, or show the error (naming the uploaded file) and stop the page."""
    try:
        with st.spinner("Reading exports…"):
            rollups = load_rollups(folder, tag_map)
    except BudgetInputError as exc:
        if exc.file == "--tag-map":  # name the sidebar's control, not the CLI's flag
            exc = exc.relabel("Tag keys", fix="write pairs like team=business_unit, separated "
                              "by commas")
        message = str(exc)  # every word may come from the files (names, tags): plain text
        st.error(md_escape(message if folder == exports_dir() else public_message(message, folder)))
        st.stop()
        raise  # st.stop() raises; this keeps type checkers sure
    notes = source_notes(folder, tag_map)
    if notes:
        with st.expander(f"How the exports were read: {len(notes)} note"
                         + ("" if len(notes) == 1 else "s"), icon=":material/info:"):
            for note in notes:
                st.markdown(f"- {note}")
    return rollups


def _strip(text: str, prefixes: list[str]) -> str:
    """Return text with each prefix (a server path) removed."""
    for prefix in prefixes:
        text = text.replace(prefix, "")
    return text


def source_notes(folder: Path, tag_map: tuple[str, ...]) -> list[str]:
    """Return the reader's notes (copies read once, …) as Markdown naming uploaded files."""
    notes = load_notes(folder, tag_map)
    if folder == exports_dir():  # paths inside the exports folder, never the server's; text
        found = export_folders(folder)
        inside = [str(path) + os.sep for path in (found.billing, found.telemetry, folder)
                  if path is not None]
        return [md_escape(_strip(note, inside)) for note in notes]
    return [md_escape(public_message(note, folder)) for note in notes]


def source_name(folder: Path) -> str:
    """Return the export's name for people: never a path on the server."""
    if folder == exports_dir():
        return "bundled sample" if folder == SAMPLE_EXPORTS else "the server's exports"
    count = len(saved_files(folder))
    return f"your upload: {count} file{'s' if count != 1 else ''}"


def source_caption(folder: Path, billing: pd.DataFrame) -> str:
    """Return 'Source: … · N rollup rows · first to last day'."""
    return (f"Source: {source_name(folder)} · {len(billing):,} rollup rows · "
            f"{billing['day'].min():%Y-%m-%d} to {billing['day'].max():%Y-%m-%d}")
