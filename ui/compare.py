"""Cached calls of the Compare page: one run of the three models per sentence, a pair's distances."""

from __future__ import annotations

import pandas  # noqa: F401  (see below)
import streamlit as st

from engine.compare import Models, PairDiff, SentenceRun, pair_diff, run_sentence
from i18n import N_
from ui import cached, viewcache
from ui.language import Later
from ui.literal import md  # noqa: F401  (the app's one escaping rule; pages call it as cc.md)

# pandas is imported here, in the script thread, before page.setup starts the UMAP warm-up thread:
# plotly's validators look pandas up in sys.modules, and a pandas that thread is still importing
# (half initialized) made the first figure fail with "partially initialized module 'pandas'".


def models() -> Models:
    """The three models, each loaded once per server by ui.cached."""
    return Models(cached.char_lstm(), cached.elmo_model(), cached.transformer_model(""))


@st.cache_data(show_spinner=Later(N_("Running the char-LSTM, ELMo and MiniLM…")), max_entries=8)
def sentence_run(text: str) -> SentenceRun:
    return run_sentence(text, models())


@st.cache_data(show_spinner=False, max_entries=8)
def pair(a: str, b: str) -> PairDiff:
    """A preset's pair comes from disk once the warm-up stored it (ui/first_views.py); others are computed."""
    return _pair_through(a, b)


def store_pair(a: str, b: str) -> PairDiff:
    """Compute (or read) a pair and keep it on disk: for the warm-up's known views (the presets)."""
    return _pair_through(a, b, store=True)


def _pair_through(a: str, b: str, store: bool = False) -> PairDiff:
    return viewcache.through("compare_pair", (a, b), lambda: pair_diff(sentence_run(a), sentence_run(b)), store=store)
