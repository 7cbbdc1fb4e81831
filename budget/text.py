"""User text (names, tags, file names, messages quoting them) in Markdown, shown as written."""

from __future__ import annotations

import re

# Invisible and zero-width: splits a pattern that Streamlit looks for in the text after escapes
# are read (autolinks, e-mail links, :material/…: icons, :emoji: and :streamlit:), without
# changing what the reader sees.
WORD_JOINER = "\u2060"

# Control characters and the bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
# reorder the text around them on screen: removed. Line breaks and tabs become one space.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile("[ \t\n\v\f\r\x85\u2028\u2029]+")
_JOIN = re.compile(r"(?<=:)(?=[\w+\-/:]|\Z)"  # :red[…], :material/…:, :emoji:, https://
                   r"|(?<=@)(?=[\w\-])"        # ops@example.com
                   r"|(?i:(?<=www)(?=\.))")    # www.example.com
_ESCAPE = re.compile(
    r"[\\`*{}<~|$&]"              # anywhere: escapes, code, emphasis, HTML, strikethrough,
                                  # tables, math, entities
    r"|(?<![^\W_])_|_(?![^\W_])"   # emphasis, unless inside a word (requests_per_month)
    r"|:(?=[\w+\-/:\u2060]|\Z)"   # a directive, icon or emoji name, a URL scheme
    r"|\](?=[(\[:]|\Z)"           # [link](…), [ref][…], [definition]: …
    r"|^ ?[#+\-=>\[]")             # a block starts here: heading, list, quote, task box
_LIST_NUMBER = re.compile(r"^( ?\d{1,9})([.)])")  # an ordered list starts here: "2024. …"


def md_escape(text: str) -> str:
    """Return text as one line of Markdown that Streamlit (and CommonMark) shows as plain text.

    Newlines become spaces, control and bidi-override characters are removed, and each
    character that would start markup is escaped (or split by an invisible word joiner), only
    where it would: "support-chat (prod)" and 'a.toml: [[inference]] row 2' stay as written.
    Escape a whole sentence when pieces of user text are joined without words between them.
    """
    text = _JOIN.sub(WORD_JOINER, _SPACES.sub(" ", _INVISIBLE.sub("", text)))
    text = _ESCAPE.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text)
    return _LIST_NUMBER.sub(r"\1\\\2", text)
