"""Issue 13, kind 5: `ui.literal.md` escapes every Markdown, LaTeX, HTML and icon mark Streamlit reads
(the rendering of each was checked in headless chromium: they show exactly as typed)."""

from __future__ import annotations

import re

import pytest

from ui.literal import md, shown


@pytest.mark.parametrize(
    "typed",
    [
        "I paid $5$ for it",  # the input: LaTeX
        "a *bold* _claim_ and `code`",
        ":smile: and :material/home: and :red[red]",
        "<b>tag</b> &amp; # head",
        "1. list",
        "- item",
        "+ item",
        "x^2 ~~s~~ [link](http://x) ![img](y)",
        "\\(a\\) \\[b\\] $$c$$ back\\slash",
        "a | b | c",
    ],
)
def test_markdown_marks_are_escaped_and_the_text_comes_back_whole(typed):
    escaped = md(typed)
    assert shown(escaped) == typed
    unescaped = re.sub(r"\\.", "", escaped)  # what is left once every backslash pair is taken out
    assert not set(unescaped) & set("\\$*_`[]<>~#|&:/!"), unescaped
    assert not escaped.lstrip().startswith(("-", "+", "1."))


def test_newlines_become_spaces():
    assert md("line one\n\nline *two*") == "line one  line \\*two\\*"
