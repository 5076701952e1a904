"""The shared sidebar: the input text and the model choice, bound to the URL on every page.

Every page calls these helpers, so the same text follows the user from page to page (it is kept
for the whole session) and every main input is a query parameter: a copied link reproduces the
view. Values are validated by the page (engine.validation), never cut here: Streamlit's own
`max_chars` would silently stop the typing, which is exactly what must not happen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

import streamlit as st

from i18n import _
from ui.literal import md

# Chosen by measuring (issue 23): on this text the char-LSTM's layer-1 unit 208 follows the quote most
# closely, switching the quote units off drops P('"') before the closing quote from 0.1773 to 0.0971, and
# MiniLM's head 1.3 is a previous-token head (1.00) while head 4.2 links "it" to "trophy" (0.58; "suitcase" 0.29).
DEFAULT_TEXT = 'The trophy did not fit in the suitcase because it was too big. He said, "I will go home now."'
TEXT_KEY = "text"


def text_input(
    *,
    max_chars: int,
    label: str | None = None,
    key: str = TEXT_KEY,
    default: str = DEFAULT_TEXT,
    height: int = 160,
    help: str | None = None,
) -> str:
    """The input text box, in the sidebar; `?text=` in the URL; kept when switching pages."""
    hint = help or _(
        "Up to {limit:,} characters. Press Ctrl+Enter (or click outside the box) to run. "
        "The text is part of the page's link, so you can share the exact view."
    ).format(limit=max_chars)
    text = st.sidebar.text_area(
        label or _("Your text"),
        value=default,
        key=key,
        height=height,
        help=hint,
        bind="query-params",
        persist_state="session",
    )
    _warn_when_the_link_is_too_long(text, key)
    return text


# Issue 24, kind 3: the longest link every documented set-up accepts. Streamlit (h11) refuses a request
# head over 16 KiB, the shipped nginx over 32 KiB; 12,000 bytes of link leave room for the path, the
# cookies and the other headers of a reload.
LINK_LIMIT = 12_000


def link_bytes(params: dict[str, list[str]]) -> int:
    """Bytes of the query string a browser sends for `params` (percent-encoded UTF-8)."""
    return len(urlencode(params, doseq=True))


def _warn_when_the_link_is_too_long(text: str, key: str) -> None:
    """Before a view's link passes LINK_LIMIT, say so and offer the text as a file (never a link that breaks)."""
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    params[key] = [text]
    size = link_bytes(params)
    if size <= LINK_LIMIT:
        return
    st.sidebar.warning(
        _(
            "This view's link is now {size:.1f} KB: over {limit:.0f} KB some servers refuse it, so "
            "a copied link or a reload may fail. Share the text as a file instead: whoever opens it pastes it into "
            "this box."
        ).format(size=size / 1000, limit=LINK_LIMIT / 1000)
    )
    st.sidebar.download_button(
        _("Download the text"), text.encode("utf-8"), file_name="view-text.txt", key=f"{key}_file"
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
    format_func: Callable[[str], str] | None = None,
) -> str:
    """A select box (or a horizontal radio) bound to `?key=` in the URL.

    Streamlit writes a bound choice into the URL as its displayed text, so the options are short,
    readable strings ("one head", "rollout") that double as URL values. Options are English (marked with
    `N_` where they are written) and shown in the run's language (issue 29), so a Chinese view's link says
    `?view=单头`; a link with the English value ("one head") opens the same view in any language.
    The English option is returned. `format_func`: how an option is shown, where `_(option)` cannot find it
    (options built with numbers, "head 3").
    """
    where = st.sidebar if sidebar else st
    options = list(options)
    shown = {option: (format_func or _)(option) for option in options}
    index = options.index(default) if default is not None else 0
    given = st.query_params.get(key)
    if given in options and shown[given] != given:  # an English value in a translated view: that option
        index = options.index(given)
    missing = given is not None and given not in options and given not in shown.values()
    common = {"index": index, "key": key, "help": help, "bind": "query-params", "format_func": shown.__getitem__}
    if horizontal:
        chosen = where.radio(label, options, horizontal=True, **common)
    else:
        chosen = where.selectbox(label, options, **common)
    if missing:
        allowed = _("one of {options}").format(options=", ".join(shown.values()))
        name_missing(where, label, given, allowed, shown[chosen])
    return chosen


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
    default = min(max(default, low), high)
    given = st.query_params.get(key)
    missing = given is not None and not (given.strip().lstrip("-").isdigit() and low <= int(given) <= high)
    value = where.number_input(
        label, min_value=low, max_value=high, value=default, step=1, key=key, help=help, bind="query-params"
    )
    if missing:
        name_missing(where, label, given, _("from {low} to {high}").format(low=low, high=high), str(int(value)))
    return int(value)


def toggle(label: str, *, key: str, default: bool = False, help: str | None = None, sidebar: bool = False) -> bool:
    where = st.sidebar if sidebar else st
    return bool(where.toggle(label, value=default, key=key, help=help, bind="query-params"))


def name_missing(where, label: str, given: str, allowed: str, shown: str) -> None:
    """Name a hand-edited link value that does not exist, once (Streamlit then drops only that parameter
    from the link and the widget shows its default; every other parameter of the link is kept):
    "Head in the link: 13 does not exist (from 1 to 12); showing 1." The value is shown literally, just
    under the control it is about."""
    message = _("{label} in the link: {value} does not exist ({allowed}); showing {shown}.")
    where.warning(message.format(label=md(label), value=md(given), allowed=md(allowed), shown=md(shown)))
