"""User text shown literally in Streamlit's Markdown: never as Markdown, LaTeX, HTML or icons.

Streamlit reads the text of `st.markdown`, `st.caption`, `st.title`/`st.subheader`, `st.error`/
`st.warning`/`st.info`, button labels and `help` tooltips as Markdown with LaTeX (`$...$`), icon
shortcodes (`:material/home:`) and coloured text (`:red[...]`). Every piece of text a user typed,
or a name they chose (a folder, a sense label), and every message quoting one goes through `md`
before it is put into such a string. Plotly text goes through `figures.common.plotly_text` instead.
Checked in a real browser (issue 13): `$5$`, `*a*`, `:material/home:`, `<b>`, `&amp;`, `# x`, `1. x`.
"""

from __future__ import annotations

import re

# backslash escapes are CommonMark's; these are the marks Streamlit's Markdown, GFM, remark-math and
# its directives give a meaning to anywhere in a line ("/" breaks the :material/...: icon shortcode)
_SPECIAL = re.compile(r"([\\`*_\[\]<>$~#|&:/@!])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)  # lists and setext rules begin a line
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    """`text` escaped for Streamlit Markdown, so it shows exactly as typed. Newlines become spaces
    (Markdown would join the lines anyway, and a blank line would start a new paragraph)."""
    flat = " ".join(str(text).splitlines())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LINE_START.sub(
        lambda m: m.group(1) + "".join("\\" + c if not c.isdigit() else c for c in m.group(2)), escaped
    )


def shown(markdown: str) -> str:
    """What a reader sees of `md(text)`: the backslash escapes removed (for tests)."""
    return _ESCAPED.sub(r"\1", markdown)
