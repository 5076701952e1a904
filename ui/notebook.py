""" "Open as notebook": every page's sidebar offers its current view as a Jupyter notebook (nlpexplorer.notebook).

The inputs are read when the page draws the button (the URL's query parameters over the widgets' session
values, since every input is bound to the URL); the notebook is built only when the button is clicked.
"""

from __future__ import annotations

import streamlit as st

from i18n import _
from nlpexplorer import notebook

PAGE_KEY = "_notebook_page"  # session_state: the page file `page.setup` is drawing


def current_values(page: str) -> dict[str, str]:
    """The page's inputs its notebook call reads: URL value, else the widget's value in this session."""
    values: dict[str, str] = {}
    for key in notebook.PAGES[page].keys:
        if key in st.query_params:
            values[key] = st.query_params[key]
        elif key in st.session_state and isinstance(st.session_state[key], str | int | float):
            values[key] = str(st.session_state[key])
    return values


def download_button() -> None:
    """The sidebar's "Open as notebook" download for the page being drawn (`page.setup` names it in
    session_state[PAGE_KEY]); nothing on Home and Lessons."""
    page = st.session_state.get(PAGE_KEY)
    if page not in notebook.PAGES:
        return
    values = current_values(page)
    stem = page.rsplit("/", 1)[-1].removesuffix(".py").split("_", 1)[-1].lower()
    st.sidebar.download_button(
        _("Open as notebook (.ipynb)"),
        data=lambda: notebook.to_bytes(page, values),
        file_name=f"{stem}.ipynb",
        mime="application/x-ipynb+json",
        on_click="ignore",
        icon=":material/code:",
        key="open_as_notebook",
        help=_(
            "A Jupyter notebook that rebuilds this view with the explorer's Python API (nlpexplorer), "
            "with your inputs as the call's arguments. README: Use it from Python."
        ),
    )
