"""Draw a chart's one-sentence summary right below it, exactly as written (never read as Markdown)."""

from __future__ import annotations

import streamlit as st

from ui.literal import md


def say(sentence: str) -> None:
    st.caption(md(sentence))
