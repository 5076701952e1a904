"""How many times a page with stepping controls ran in full, for the browser tests: stepping inside a
fragment must redraw only the fragment, never run the page (and its model calls) again."""

from __future__ import annotations

import streamlit as st


def count_full_run() -> None:
    """Count the session's full runs of the page: call it at the page's top, which a fragment's rerun skips."""
    st.session_state.page_runs = st.session_state.get("page_runs", 0) + 1


def marker() -> None:
    """A hidden span holding the session's full page runs (`.page-runs`), read by the browser tests; never shown."""
    st.html(f'<span class="page-runs" style="display:none">{st.session_state.get("page_runs", 0)}</span>')
