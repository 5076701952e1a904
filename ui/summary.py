"""Draw a chart's one-sentence summary right below it, exactly as written (never read as Markdown)."""

from __future__ import annotations

import streamlit as st

from lessons.core import literal


def say(sentence: str) -> None:
    st.caption(literal(sentence))
