"""User text is text: every page over hostile names and tags renders no markup taken from them.

The app runs on a scenario folder and an exports folder whose names and tag values are full of
Markdown (tests/data/hostile). Every string a page hands to Streamlit's Markdown (bodies,
captions, alerts, headings, metrics, labels, help, options, tabs, expanders, toasts) is checked
for a construct Streamlit 1.67 would render; plain-text fields are listed in PLAIN.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from budget.text import md_escape
from tests.conftest import ROOT
from tests.data.hostile import (
    HOSTILE_FILE,
    MARKER,
    PAYLOADS,
    SCENARIO_NAME,
    TAG_ONLY,
    write_exports,
    write_scenarios,
)

PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
# Fields Streamlit shows as plain text (or draws as a chart): any text may be in them. (Icons,
# `*.icon`, are the pages' own.)
PLAIN = {"Code.code_text", "Text.body", "Json.body", "Selectbox.options", "Selectbox.raw_value",
         "Selectbox.default", "MultiSelect.options", "MultiSelect.raw_values",
         "MultiSelect.default", "PandasStyler.display_values", "PandasStyler.styles",
         "ArrowVegaLiteChart.spec", "VegaLiteChart.spec", "Dataframe.columns", "DownloadButton.url",
         "TextInput.value", "TextArea.value", "Html.body"}

ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash escape: that character is text
# Constructs read from the source, where a backslash escape stops them.
SOURCE = {
    "image": r"!\[[^\n]*?\]\(",
    "link": r"\]\(",
    "reference link": r"\]\[|\]:",
    "task box": r"(?m)^ {0,3}(?:[-*+]|\d{1,9}[.)]) +\[[ xX]\]",
    "HTML or <autolink>": r"<[A-Za-z/!?]",
    "directive (:red[…])": r":{1,3}[A-Za-z][\w-]*[\[{]",
    "entity": r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
    "bidi override": "[\u202a-\u202e\u2066-\u2069]",
    # the pages' own Markdown has headings, code and bold: only the hostile text's count
    "heading": rf"(?m)^ {{0,3}}(?:(?:[-*+]|\d{{1,9}}[.)]) +)*#{{1,6}}(?:[ \t].*)?{MARKER}",
    "code": rf"`{MARKER}`",
    "strikethrough": rf"~~{MARKER}",
    "bold": r"\*\*ALERT",
}
# Found by Streamlit in the text after escapes are read, so a backslash does not stop them.
TEXT = {
    "autolink": r"(?i)(?:https?://|www\.)[-\w]",
    "e-mail autolink": r"[-.\w+]@[-\w]+\.[-\w]",
    "icon": r":material_\w+:",
    "emoji or logo": r":[a-z0-9_+-]*[a-z][a-z0-9_+-]*:",
}
# Streamlit's test for loading KaTeX (StreamlitMarkdown: code and \$ \\ \` taken out first).
NOT_MATH = re.compile(r"(?:^|(?<=\n)) {0,3}(`{3,}|~{3,})[\s\S]*?(?:\n[ \t]*\1|\Z)"
                      r"|(?<!`)(`+)[^`\n]+\2(?!`)|\\[\\$`]")
DISPLAY_MATH = re.compile(r"(?<!\$)\$\$+(?!\$)[\s\S]*?\$\$")
INLINE_MATH = re.compile(r"(?<!\$)\$(?![\s$])[^$\n]*?[^\s$]\$(?!\d)")


def live_markup(body: str) -> list[str]:
    """Return the names of the constructs Streamlit 1.67 would render in this Markdown."""
    masked = ESCAPE.sub("\x00", body)
    found = [name for name, pattern in SOURCE.items() if re.search(pattern, masked)]
    text = ESCAPE.sub(lambda m: m.group()[1], body.replace(":material/", ":material_"))
    found += [name for name, pattern in TEXT.items() if re.search(pattern, text)]
    bare = NOT_MATH.sub("_", body)
    if DISPLAY_MATH.search(bare) or INLINE_MATH.search(bare):
        found.append("math")
    return found


# What the checker must see in each hostile text, raw (the same names as SOURCE and TEXT).
CONSTRUCTS = {
    PAYLOADS[0]: ["image", "link", "autolink"],
    PAYLOADS[1]: ["link", "autolink"],
    PAYLOADS[2]: ["autolink"],
    PAYLOADS[3]: ["autolink"],
    PAYLOADS[4]: ["directive (:red[…])", "bold"],
    PAYLOADS[5]: ["icon", "emoji or logo"],
    PAYLOADS[6]: ["autolink", "math"],
    PAYLOADS[7]: ["HTML or <autolink>", "autolink", "e-mail autolink"],
    PAYLOADS[8]: ["entity", "code", "strikethrough"],
    TAG_ONLY["code-assist"]: ["heading"],
    TAG_ONLY["triage-3.3"]: ["bidi override"],
    SCENARIO_NAME: ["image", "link", "directive (:red[…])", "autolink", "math"],
    HOSTILE_FILE: ["image", "link", "directive (:red[…])", "math"],
}


@pytest.mark.parametrize(("text", "constructs"), CONSTRUCTS.items())
def test_the_checker_sees_raw_markup_and_not_escaped(text, constructs):
    assert live_markup(text) == constructs
    assert live_markup(f"- **{md_escape(text)}**: $1,234 · `file.toml`") == []


def _strings(message: Message) -> Iterator[tuple[str, str | bytes]]:
    for field, value in message.ListFields():
        name = f"{message.DESCRIPTOR.name}.{field.name}"
        items = value if isinstance(value, list | tuple) or (
            hasattr(value, "__len__") and not isinstance(value, str | bytes | Message)) else [
            value]
        for item in items:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str | bytes):
                yield name, item


def shown(at: AppTest) -> Iterator[tuple[str, str | bytes]]:
    """Yield (Message.field, text) for every string and byte field of every element and block."""
    stack: list[object] = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            yield from _strings(proto)
        stack.extend(getattr(node, "children", {}).values())


@pytest.fixture(scope="module")
def hostile_folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return write_scenarios(root / "scenarios"), write_exports(root / "exports")


@pytest.mark.parametrize("scenario", [None, HOSTILE_FILE], ids=["fy27-plan", "hostile-file"])
@pytest.mark.parametrize("page", PAGES)
def test_user_text_is_text(hostile_folders, monkeypatch, page, scenario):
    scenarios, exports = hostile_folders
    monkeypatch.setenv("BUDGET_SCENARIO_DIR", str(scenarios))
    monkeypatch.setenv("BUDGET_EXPORTS_DIR", str(exports))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(f"pages/{page}.py")
    if scenario is not None:
        at.query_params["scenario"] = scenario
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []  # hostile names are valid names: nothing breaks
    fields = list(shown(at))
    live = [(name, text, live_markup(text)) for name, text in fields
            if isinstance(text, str) and name not in PLAIN and not name.endswith(".icon")
            and live_markup(text)]
    assert live == []
    raw_html = [text for name, text in fields if name == "Html.body" and MARKER in text]
    assert raw_html == []  # st.html never carries user text
    # the hostile text did reach the page (as text, a table cell or a chart's data)
    assert any((MARKER.encode() if isinstance(text, bytes) else MARKER) in text
               for _, text in fields)


# ---- The same rule read from the source: names never reach Markdown unescaped -----------------
# Streamlit calls whose text is Markdown, and how many leading arguments are that text.
MARKDOWN_ARGS = {"markdown": 1, "caption": 1, "error": 1, "warning": 1, "info": 1,
                 "success": 1, "title": 1, "header": 1, "subheader": 1, "toast": 1, "metric": 3,
                 "expander": 1, "tabs": 1, "status": 1, "button": 1, "download_button": 1,
                 "form_submit_button": 1, "page_link": 0, "popover": 1, "radio": 2,
                 "segmented_control": 2, "pills": 2, "selectbox": 1, "multiselect": 1,
                 "slider": 1, "select_slider": 1, "text_input": 1, "text_area": 1,
                 "number_input": 1, "date_input": 1, "toggle": 1, "checkbox": 1}
MARKDOWN_KEYWORDS = {"body", "label", "help", "value", "delta", "captions", "placeholder"}
# Attributes and keys that hold user text (names, tags, file names), and exceptions' text.
USER_FIELDS = {"name", "workload", "team", "environment", "subject", "context", "model",
               "endpoint", "owner", "source", "stem", "cloud", "gpu"}


def unescaped(node: ast.AST) -> list[str]:
    """Return the user-text expressions in node that do not pass through md_escape."""
    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("md_escape"):
        return []
    if ((isinstance(node, ast.Attribute) and node.attr in USER_FIELDS)
            or (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                and node.slice.value in USER_FIELDS)
            or (isinstance(node, ast.Name) and node.id == "exc")):
        return [ast.unparse(node)]
    return [found for child in ast.iter_child_nodes(node) for found in unescaped(child)]


def markdown_arguments(tree: ast.AST) -> Iterator[ast.expr]:
    """Yield every argument of a Streamlit call that Streamlit renders as Markdown."""
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and (
                call.func.attr in MARKDOWN_ARGS):
            yield from call.args[:MARKDOWN_ARGS[call.func.attr]]
            yield from (k.value for k in call.keywords if k.arg in MARKDOWN_KEYWORDS)


SOURCES = sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_names_reach_markdown_through_md_escape(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [(arg.lineno, found) for arg in markdown_arguments(tree)
            for found in unescaped(arg)] == []


@pytest.mark.parametrize(("source", "found"), [
    ('st.caption(f"**{scenario.name}** · {scenario.months} months")', ["scenario.name"]),
    ("st.error(str(exc))", ["exc"]),
    ("col.metric(option.name, usd(option.cost_usd))", ["option.name"]),
    ('st.warning("No weight for " + ", ".join(t.team for t in rows))', ["t.team"]),
    ('st.markdown(f"**{row[\'environment\']}**")', ["row['environment']"]),
    ('st.caption(f"**{md_escape(scenario.name)}** · {scenario.months} months")', []),
    ("st.error(md_escape(str(exc)))", []),
    ('st.selectbox("Pool", pools, format_func=lambda p: p.name)', []),  # options: plain text
])
def test_the_source_check_sees_unescaped_names(source, found):
    assert [f for arg in markdown_arguments(ast.parse(source)) for f in unescaped(arg)] == found
