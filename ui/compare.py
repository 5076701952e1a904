"""Cached calls of the Compare page: one run of the three models per sentence, a pair's distances."""

from __future__ import annotations

import re

import pandas  # noqa: F401  (see below)
import streamlit as st

from engine.compare import Models, PairDiff, SentenceRun, pair_diff, run_sentence
from ui import cached

# pandas is imported here, in the script thread, before page.setup starts the UMAP warm-up thread:
# plotly's validators look pandas up in sys.modules, and a pandas that thread is still importing
# (half initialized) made the first figure fail with "partially initialized module 'pandas'".


def models() -> Models:
    """The three models, each loaded once per server by ui.cached."""
    return Models(cached.char_lstm(), cached.elmo_model(), cached.transformer_model(""))


@st.cache_data(show_spinner="Running the char-LSTM, ELMo and MiniLM…", max_entries=32)
def sentence_run(text: str) -> SentenceRun:
    return run_sentence(text, models())


@st.cache_data(show_spinner=False, max_entries=16)
def pair(a: str, b: str) -> PairDiff:
    return pair_diff(sentence_run(a), sentence_run(b))


# the same rule as ui.literal.md (issue 13's branch): user text shown exactly as typed, never as Markdown
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:^=\"'/@%])")


def md(text: object) -> str:
    """`text` escaped for Streamlit Markdown (captions, info boxes, headers), on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))
