"""Source sidebar (AppTest): a folder per upload, Back to the sample deletes it, no server paths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.apptest import open_page
from ui.config import exports_dir
from ui.source import source_caption, source_name, source_notes, uploads
from ui.text import md_escape

NOV = ROOT / "data" / "exports" / "billing" / "month=2025-11" / "part-0.parquet"


def _uploader_app() -> None:
    """Call uploaded_folder as the sidebar does, with files named in session state."""
    from pathlib import Path

    import streamlit as st
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    from ui.source import uploaded_folder

    files = [UploadedFile(UploadedFileRec(file_id, name, "", Path(path).read_bytes()), None)
             for file_id, name, path in st.session_state["files"]]
    st.text(str(uploaded_folder(files)))


def _remembered_app() -> None:
    """Save a batch for this session once, then show the sidebar as a page would."""
    from pathlib import Path

    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui.source import UPLOADED, choose_source, uploads

    if "made" not in st.session_state:
        session = get_script_run_ctx().session_id  # type: ignore[union-attr]
        made = uploads().save(session, [("part-0.parquet", Path(st.session_state["file"])
                                         .read_bytes())])
        st.session_state["made"] = str(made)
        st.session_state[UPLOADED] = (made, ())
    folder, _ = choose_source("t")
    st.text(str(folder))


def _read_app() -> None:
    """Read an upload of one empty file the way the actuals pages do."""
    import streamlit as st

    from ui.source import read_actuals, uploads

    folder = uploads().save("reader", [("bill_[1].csv", b"")])
    st.session_state["parent"] = str(folder.parent)
    read_actuals(folder, ())


def run(app, **state) -> AppTest:  # type: ignore[no-untyped-def]
    """Run a small app with session state set; fail on any exception."""
    at = AppTest.from_function(app, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_one_folder_per_upload_the_next_upload_replaces_it():
    at = run(_uploader_app, files=[("id1", "part-0.parquet", str(NOV))] * 2)
    first = Path(at.text[0].value)
    assert first.parent == uploads().parent and len(list(first.rglob("*.parquet"))) == 2
    at.run()  # a rerun with the same files: the same folder, not a new copy
    assert Path(at.text[0].value) == first
    at.session_state["files"] = [("id2", "part-0.parquet", str(NOV))]
    at.run()
    second = Path(at.text[0].value)
    assert second != first and second.is_dir() and not first.exists()


def test_a_file_the_reader_would_skip_is_refused():
    at = run(_uploader_app, files=[("id3", "notes.json.gz", str(NOV))])
    assert at.text[0].value == "None"
    assert "uploaded file notes.json.gz: is not CSV" in at.error[0].value.replace("\\", "")


def test_back_to_the_sample_deletes_the_upload():
    at = run(_remembered_app, file=str(NOV))
    made = Path(at.session_state["made"])
    assert at.text[0].value == str(made) and made.is_dir()
    at.button(key="t_forget_upload").click().run()
    assert at.text[0].value == str(exports_dir())
    assert not made.exists()


def test_a_deleted_upload_says_so_and_shows_the_sample():
    at = run(_remembered_app, file=str(NOV))
    made = Path(at.session_state["made"])
    uploads().sweep(lambda session: False, now_s=float("inf"))  # session gone, TTL passed
    assert not made.exists()
    at.run()
    assert at.text[0].value == str(exports_dir())
    assert "Your earlier upload was deleted" in at.info[0].value


def test_an_upload_error_names_the_file_never_the_server_path():
    at = run(_read_app)
    message = at.error[0].value
    assert at.session_state["parent"] not in message
    assert message.startswith(md_escape("uploaded file bill_[1].csv: is empty"))  # plain text


def test_the_export_is_named_never_its_path(tmp_path, monkeypatch):
    billing = pd.DataFrame({"day": pd.to_datetime(["2026-01-01", "2026-03-31"])})
    assert source_caption(exports_dir(), billing) == (
        "Source: bundled sample · 2 rollup rows · 2026-01-01 to 2026-03-31")
    one = uploads().save("caption", [("part-0.parquet", b"x")])
    assert source_name(one) == "your upload: 1 file"
    three = uploads().save("caption", [("part-0.parquet", b"x")] * 3)
    assert source_name(three) == "your upload: 3 files"
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(tmp_path))
    assert source_name(tmp_path) == "the server's exports"
    uploads().discard("caption")


def test_the_actuals_page_names_the_sample():
    at = open_page("actuals")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Source: bundled sample · ") for c in captions)
    assert not any(str(ROOT) in c for c in captions)


def test_reader_notes_name_the_uploaded_files():
    folder = uploads().save("notes", [("part-0.parquet", NOV.read_bytes())] * 2)
    [note] = source_notes(folder, ())  # the copy is read once, and said so
    plain = note.replace("\\", "")
    assert "same bytes" in plain and "uploaded file part-0.parquet (2nd of that name)" in plain
    assert str(uploads().parent) not in plain
    uploads().discard("notes")
