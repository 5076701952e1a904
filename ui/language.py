"""The interface language switch (issue 29): English / 简体中文 in the sidebar of every page, in the link as `?lang=`.

The link's `lang` wins; a first visit without one follows the browser's language (`st.context.locale`, the
browser's `navigator.language`); an unknown value ("fr") is named once, the page shows English, and the rest of
the link is kept. The choice is the session's: it follows the sidebar page links (ui/hide.travelling) and the
teacher's lesson links, and fragment reruns find it through the resolver registered here.

The switch is not a `bind="query-params"` widget: Streamlit would write its displayed name ("简体中文") into the
link, and a link must say `lang=zh`. This module writes the code into the link itself.
"""

from __future__ import annotations

import streamlit as st

import i18n
from i18n import _
from ui import inputs

KEY = "lang"
LABEL = "Language · 语言"  # in both languages: a learner who cannot read the page's language still finds it


def from_browser(locale: str | None) -> str:
    """The interface language for a browser locale ("zh-CN", "zh-Hans-SG", "en-GB", None): Chinese for any
    Chinese locale, else English."""
    primary = (locale or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in i18n.LANGUAGES else i18n.DEFAULT


def _from_session() -> str | None:
    """The session's language, for a fragment rerun that starts without this run's context."""
    try:
        return st.session_state.get(KEY)
    except Exception:  # no script run (imported by a test): the default
        return None


def start() -> str:
    """Decide this run's language and make it current (`i18n.use`); call first on every page.

    Returns the language code."""
    i18n.set_resolver(_from_session)
    given = st.query_params.get(KEY)
    if given in i18n.LANGUAGES:
        st.session_state[KEY] = given
    elif given is not None:  # an unknown code: English, and switch() names it
        st.session_state[KEY] = i18n.DEFAULT
    elif KEY not in st.session_state:
        st.session_state[KEY] = from_browser(st.context.locale)
    lang = st.session_state[KEY]
    i18n.use(lang)
    return lang


def _write_link() -> None:
    """Put the chosen language in the link: `lang=zh`; `lang=en` only where the link already named one."""
    lang = st.session_state[KEY]
    if lang != i18n.DEFAULT or KEY in st.query_params:
        st.query_params[KEY] = lang


def switch() -> str:
    """The sidebar select box; names an unknown `?lang=` value once. Returns the language code."""
    given = st.query_params.get(KEY)
    chosen = st.sidebar.selectbox(
        LABEL,
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.__getitem__,
        key=KEY,
        on_change=_write_link,
        persist_state="session",
        help=_("The language of the interface. Model names and the text the models read are never translated."),
    )
    if given is not None and given not in i18n.LANGUAGES:
        known = ", ".join(f"{code} ({name})" for code, name in i18n.LANGUAGES.items())
        inputs.name_missing(st.sidebar, LABEL, given, _("one of {known}").format(known=known), i18n.LANGUAGES[chosen])
        del st.query_params[KEY]
    else:
        _write_link()
    return chosen


class Later(str):
    """An English message shown in the language of the run that shows it: Streamlit turns it into text with
    `str()` each time (e.g. `st.cache_data(show_spinner=Later(N_("Loading…")))`, fixed at import time)."""

    __slots__ = ()

    def __str__(self) -> str:
        return _(str.__str__(self))
