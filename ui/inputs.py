"""The shared sidebar: the input text and the model choice, bound to the URL on every page.

Every page calls these helpers, so the same text follows the user from page to page (it is kept
for the whole session) and every main input is a query parameter: a copied link reproduces the
view. Values are validated by the page (engine.validation), never cut here: Streamlit's own
`max_chars` would silently stop the typing, which is exactly what must not happen.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

# Chosen by measuring (issue 23): on this text the char-LSTM's layer-1 unit 208 follows the quote most
# closely, switching the quote units off drops P('"') before the closing quote from 0.1773 to 0.0971, and
# MiniLM's head 1.3 is a previous-token head (1.00) while head 4.2 links "it" to "trophy" (0.58; "suitcase" 0.29).
DEFAULT_TEXT = 'The trophy did not fit in the suitcase because it was too big. He said, "I will go home now."'
TEXT_KEY = "text"


def text_input(
    *,
    max_chars: int,
    label: str = "Your text",
    key: str = TEXT_KEY,
    default: str = DEFAULT_TEXT,
    height: int = 160,
    help: str | None = None,
) -> str:
    """The input text box, in the sidebar; `?text=` in the URL; kept when switching pages."""
    hint = help or (
        f"Up to {max_chars:,} characters. Press Ctrl+Enter (or click outside the box) to run. "
        "The text is part of the page's link, so you can share the exact view."
    )
    return st.sidebar.text_area(
        label,
        value=default,
        key=key,
        height=height,
        help=hint,
        bind="query-params",
        persist_state="session",
    )


def choice(
    label: str,
    options: Sequence[str],
    *,
    key: str,
    default: str | None = None,
    help: str | None = None,
    sidebar: bool = True,
    horizontal: bool = False,
) -> str:
    """A select box (or a horizontal radio) bound to `?key=` in the URL.

    Streamlit writes a bound choice into the URL as its displayed text, so the options are short,
    readable strings ("one head", "rollout") that double as URL values.
    """
    where = st.sidebar if sidebar else st
    index = list(options).index(default) if default is not None else 0
    if horizontal:
        return where.radio(label, options, index=index, key=key, help=help, horizontal=True, bind="query-params")
    return where.selectbox(label, options, index=index, key=key, help=help, bind="query-params")


def number(
    label: str,
    *,
    key: str,
    low: int,
    high: int,
    default: int,
    help: str | None = None,
    sidebar: bool = False,
) -> int:
    """An integer picker bound to `?key=` in the URL (layers, heads, units...)."""
    where = st.sidebar if sidebar else st
    return int(
        where.number_input(
            label,
            min_value=low,
            max_value=high,
            value=min(max(default, low), high),
            step=1,
            key=key,
            help=help,
            bind="query-params",
        )
    )


def toggle(label: str, *, key: str, default: bool = False, help: str | None = None, sidebar: bool = False) -> bool:
    where = st.sidebar if sidebar else st
    return bool(where.toggle(label, value=default, key=key, help=help, bind="query-params"))
