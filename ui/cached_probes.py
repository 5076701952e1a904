"""Cached calls of the "What each layer knows" page: GloVe loads once per process; the homograph view is
cached per (word, sentences), bounded (`max_entries`), never keyed on arrays."""

from __future__ import annotations

import streamlit as st

import i18n
from i18n import N_
from ui import cached
from ui.language import Later

TTL = 3600


@st.cache_resource(show_spinner=Later(N_("Loading GloVe (once per server)…")), max_entries=1)
def glove_model():
    from engine.models import glove

    return glove.load()


@st.cache_data(show_spinner=False, max_entries=16, ttl=TTL)
def glove_neighbours(word: str, k: int = 10) -> list[tuple[str, float]]:
    """The default view's from disk once the warm-up stored it (ui/first_views.py): GloVe is not loaded for it."""
    return cached.through("glove_neighbours", word, k)


def _glove_neighbours(word: str, k: int) -> list[tuple[str, float]]:
    return glove_model().neighbours(word, k)


@st.cache_data(show_spinner=False, max_entries=16, ttl=TTL)
def glove_facts(word: str, tokens: tuple[str, ...]) -> dict:
    """What the senses page says of GloVe for `word` and its occurrences as written (`tokens`): `known` (is
    `word` in GloVe), `vocabulary` (GloVe's word count) and `points` (how many distinct vectors the
    occurrences get, 0 when none is known). The default view's from disk once the warm-up stored it: GloVe
    (400,000 vectors, about a second to load and check) is not loaded for it."""
    return cached.through("glove_facts", word, tokens)


def _glove_facts(word: str, tokens: tuple[str, ...]) -> dict:
    import numpy as np

    model = glove_model()
    vectors, known = model.lookup(list(tokens))
    points = len(np.unique(vectors[known], axis=0)) if known.any() else 0
    return {"known": model.has(word), "vocabulary": len(model.words), "points": points}


def homograph(word: str, text: str) -> dict:
    """The parsed input and every layer's reading (ELMo, MiniLM, GloVe) of the word's occurrences; the
    input's problems in this run's language (one cache entry per interface language)."""
    return _homograph(word, text, i18n.current())


@st.cache_data(show_spinner=Later(N_("Probing every layer…")), max_entries=16, ttl=TTL)
def _homograph(word: str, text: str, lang: str) -> dict:
    i18n.use(lang)
    args = (word, text) if lang == i18n.DEFAULT else (word, text, lang)  # English keeps the stored views' keys
    return cached.through("homograph", *args)


def _read_all(word: str, text: str, lang: str = i18n.DEFAULT) -> dict:
    """Every layer's reading, computed (ELMo, MiniLM and GloVe loaded); in `lang`'s words."""
    from engine.analysis import homographs as H

    i18n.use(lang)
    return H.read_all(text, word, cached.elmo_model(), cached._full_transformer(""), glove_model())


# the warm-up stores the default view's results through `cached.store` (ui/first_views.py)
cached.COMPUTE.update(homograph=_read_all, glove_neighbours=_glove_neighbours, glove_facts=_glove_facts)
