"""Teacher links hide controls: `?hide=model,layer` removes those controls from any page.

Streamlit gives every keyed widget's container the CSS class `st-key-<key>`, and every control in this
app is keyed by its URL name, so one style rule per name hides it (it keeps its value from the URL, it
is not drawn, and screen readers skip it). `sidebar` hides the whole sidebar.
"""

from __future__ import annotations

import re

import streamlit as st

import i18n
from ui import projector

PARAM = "hide"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def hidden() -> list[str]:
    """The control names in `?hide=`, in order, malformed names dropped (they could not be keys).

    Every `hide=` counts, and each may list several names: `?hide=a&hide=b` and `?hide=a,b` hide the same
    two (`st.query_params.get` returns only the last of repeated values, streamlit #9116)."""
    names: list[str] = []
    for raw in st.query_params.get_all(PARAM):
        names += [name for name in (part.strip() for part in raw.split(",")) if _NAME.match(name)]
    return list(dict.fromkeys(names))


def travelling() -> dict[str, str]:
    """The teacher's link settings every sidebar page link carries (Streamlit keeps only bound widgets'
    parameters across a page switch, #7982): `hide=` (all its names, in one value), `projector=true`
    when the link turns projector mode on (ui/projector.py reads it on every page), and the interface
    language `lang=` (issue 29)."""
    carried = {PARAM: ",".join(hidden())} if hidden() else {}
    if st.query_params.get(projector.KEY, "").strip().lower() in projector.ON:
        carried[projector.KEY] = "true"
    if i18n.current() != i18n.DEFAULT or "lang" in st.query_params:  # the session's, chosen or from the browser
        carried["lang"] = i18n.current()
    return carried


def is_hidden(name: str) -> bool:
    return name in hidden()


def css(names: list[str]) -> str:
    rules = [f".st-key-{name}" for name in names if name != "sidebar"]
    if "sidebar" in names:
        rules += [
            '[data-testid="stSidebar"]',
            '[data-testid="stSidebarCollapsedControl"]',
            '[data-testid="stExpandSidebarButton"]',
        ]
    return f"{', '.join(rules)} {{ display: none !important; }}" if rules else ""


def apply() -> None:
    """Hide the controls named in the URL on this page (call once, early)."""
    rule = css(hidden())
    if rule:
        st.html(f"<style>{rule}</style>")
