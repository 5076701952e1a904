"""Teacher links hide controls: `?hide=model,layer` removes those controls from any page.

Streamlit gives every keyed widget's container the CSS class `st-key-<key>`, and every control in this
app is keyed by its URL name, so one style rule per name hides it (it keeps its value from the URL, it
is not drawn, and screen readers skip it). `sidebar` hides the whole sidebar.
"""

from __future__ import annotations

import re

import streamlit as st

PARAM = "hide"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def hidden() -> list[str]:
    """The control names in `?hide=`, in order, malformed names dropped (they could not be keys)."""
    raw = st.query_params.get(PARAM, "")
    return [name for name in (part.strip() for part in raw.split(",")) if _NAME.match(name)]


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
