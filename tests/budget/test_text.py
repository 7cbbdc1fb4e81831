"""md_escape: user text in Markdown shows as written and starts no markup."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget.text import WORD_JOINER as J
from budget.text import md_escape

CASES = [
    # readable text stays as written
    ("support-chat (prod)", "support-chat (prod)"),
    ('a.toml: [[inference]] row 2 ("chat"), field "requests_per_month"',
     'a.toml: [[inference]] row 2 ("chat"), field "requests_per_month"'),
    ("x: y, 3.5 GPUs (M/M/c)!", "x: y, 3.5 GPUs (M/M/c)!"),
    # links and images: the bracket before "(" is escaped
    ("![p](http://evil.test/p.png)", rf"![p\](http\:{J}//evil.test/p.png)"),
    ("[Open](https://evil.test)", rf"\[Open\](https\:{J}//evil.test)"),
    ("[a]: /x and [b][c]", r"\[a\]: /x and [b\][c\]"),
    # autolinks found in the text itself: split by an invisible word joiner
    ("https://evil.test/x", rf"https\:{J}//evil.test/x"),
    ("see www.evil.test or WWW.evil.test", f"see www{J}.evil.test or WWW{J}.evil.test"),
    ("ops@evil.test", f"ops@{J}evil.test"),
    # Streamlit's directives, icons, emoji and logo
    (":red[ALERT]", rf"\:{J}red[ALERT\]"),
    (":material/warning: :smile: :+1: :streamlit:",
     rf"\:{J}material/warning: \:{J}smile: \:{J}+1: \:{J}streamlit\:{J}"),
    ("10:30", rf"10\:{J}30"),
    # math, HTML, entities, code, emphasis, strikethrough, tables, backslashes
    (r"$\href{https://e.test}{x}$", rf"\$\\href\{{https\:{J}//e.test\}}\{{x\}}\$"),
    ("<img src=x>", r"\<img src=x>"),
    ("&amp; AT&T", r"\&amp; AT\&T"),
    ("`x` ~~y~~ a|b *c* _d_ e_f", r"\`x\` \~\~y\~\~ a\|b \*c\* \_d\_ e_f"),
    ("a\\", r"a\\"),
    # where a block starts: headings, lists, quotes, task boxes, setext lines
    ("# h", r"\# h"),
    ("- a", r"\- a"),
    ("+ a", r"\+ a"),
    ("> a", r"\> a"),
    ("=== a", r"\=== a"),
    ("[x] done", r"\[x] done"),
    ("2024. A year", r"2024\. A year"),
    ("1) one", r"1\) one"),
    ("  # indented", r" \# indented"),
    # one line: breaks and tabs are a space; controls and bidi overrides are removed
    ("a\n# evil heading", "a # evil heading"),
    ("a\tb\r\n\u2028c    d", "a b c d"),
    ("x\u202egnp.exe\u2066y\u2069\x00\x1b", "xgnp.exey"),
]


@pytest.mark.parametrize(("text", "escaped"), CASES)
def test_md_escape(text, escaped):
    assert md_escape(text) == escaped


def plain(text: str) -> str:
    """Return what a reader sees: the text on one line, without controls or bidi overrides."""
    text = re.sub("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub("[ \t\n\v\f\r\x85\u2028\u2029]+", " ", text)


MARKDOWN_HEAVY = st.lists(st.sampled_from(
    [*"aZ1 _*`[]()!#+-=.>:/@w$&;~|\\{}<\n\t^\"'x%\u202eé", "www.", "http://"])).map("".join)


@given(st.one_of(MARKDOWN_HEAVY, st.text()))
def test_escapes_only_read_back_as_the_text(text):
    escaped = md_escape(text)
    assert "\n" not in escaped
    unescaped = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped).replace(J, "")
    assert unescaped == plain(text)


@given(MARKDOWN_HEAVY)
def test_commonmark_reads_plain_text(text):
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = parser.parse(md_escape(text))
    expected = plain(text).replace("www.", f"www{J}.")
    if not expected.strip():
        assert tokens == []
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children or []
    assert {c.type for c in children} == {"text"}
    assert "".join(c.content for c in children).replace(J, "") == expected.strip(
        ).replace(J, "")
