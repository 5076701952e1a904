"""Cached calls of the Compare page: one run of the three models per sentence, a pair's distances."""

from __future__ import annotations

import pandas  # noqa: F401  (see below)
import streamlit as st

import i18n
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


def sentence_run(text: str) -> SentenceRun:
    """One sentence through the three models; its notes in this run's language (one cache entry per language)."""
    return _sentence_run(text, i18n.current())


@st.cache_data(show_spinner=Later(N_("Running the char-LSTM, ELMo and MiniLM…")), max_entries=8)
def _sentence_run(text: str, lang: str) -> SentenceRun:
    i18n.use(lang)
    return run_sentence(text, models())


def pair(a: str, b: str) -> PairDiff:
    """A preset's pair comes from disk once the warm-up stored it (ui/first_views.py); others are computed.
    Its summary and notes are in this run's language (one cache entry per language)."""
    return _pair(a, b, i18n.current())


@st.cache_data(show_spinner=False, max_entries=8)
def _pair(a: str, b: str, lang: str) -> PairDiff:
    i18n.use(lang)
    return _pair_through(a, b)


def store_pair(a: str, b: str) -> PairDiff:
    """Compute (or read) a pair and keep it on disk: for the warm-up's known views (the presets)."""
    return _pair_through(a, b, store=True)


def _pair_through(a: str, b: str, store: bool = False) -> PairDiff:
    lang = i18n.current()  # English keeps the stored views' keys; another language has its own
    args = (a, b) if lang == i18n.DEFAULT else (a, b, lang)
    return viewcache.through("compare_pair", args, lambda: pair_diff(sentence_run(a), sentence_run(b)), store=store)
