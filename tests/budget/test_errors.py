"""Messages for people: one line, what is really in the file, never a screenful."""

from __future__ import annotations

import pytest

from budget.errors import BudgetInputError, shown, visible


@pytest.mark.parametrize(("text", "seen"), [
    ("plain café ＣＨＡＴ 👩\u200d💻", "plain café ＣＨＡＴ 👩\\u200d💻"),
    ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
    ("nul\x00 esc\x1b del\x7f c1\x85", "nul\\x00 esc\\x1b del\\x7f c1\\x85"),
    ("rtl\u202eiso\u2066zw\u200bbom\ufeff", "rtl\\u202eiso\\u2066zw\\u200bbom\\ufeff"),
    ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("nbsp\u00a0ok", "nbsp\u00a0ok"),  # a visible space stays
])
def test_visible(text, seen):
    assert visible(text) == seen


def test_shown_quotes_and_cuts():
    assert shown("chat") == '"chat"'
    assert shown("x" * 61) == '"' + "x" * 60 + '…" (61 characters)'
    assert shown("a\nb") == '"a\\nb"'


def test_message_is_one_line_and_fields_are_cut():
    error = BudgetInputError("dir/two\nlines.toml", "bad\u202evalue", place="[x]",
                             field="f" * 500, fix="do\nthis")
    assert str(error) == ('dir/two\\nlines.toml: [x], field "' + "f" * 60 + '…" (500 characters)'
                          ': bad\\u202evalue. Fix: do\\nthis.')


def test_relabel_names_what_the_app_shows():
    error = BudgetInputError("--week", '"2026-W99" is not an ISO week',
                             fix="write it like 2026-W33")
    assert str(error.relabel("Week")) == ('Week: "2026-W99" is not an ISO week. Fix: write it '
                                          "like 2026-W33.")
    assert str(error.relabel("Week", fix="pick a week")) == ('Week: "2026-W99" is not an ISO '
                                                             "week. Fix: pick a week.")
