"""The lessons' models through the app's cached loaders (ui/cached.py): loaded once per process,
results cached per text."""

from __future__ import annotations

import numpy as np
import streamlit as st

from i18n import N_
from lessons.backend import Backend
from ui import cached
from ui.language import Later


@st.cache_data(show_spinner=Later(N_("Running ELMo on the two sentences…")), max_entries=16)
def elmo_embed(sentences: tuple[tuple[str, ...], ...]) -> list[np.ndarray]:
    return cached.elmo_model().embed([list(s) for s in sentences])


def _lstm_layer(text: str, layer: int):
    return cached.lstm_gates("char-LSTM", text, layer)[0]


def _sense_vectors(word: str, sentences: str) -> dict:
    data = dict(cached.sense_vectors(word, sentences, ""))
    if "elmo" in data:
        data.update(cached.transformer_sense_vectors(word, sentences))
    return data


def _attention(text: str):
    return cached.attention("", False, text)


def _minimal_pair(a: str, b: str):
    from ui import compare  # the Compare page's cached runs (one per sentence)

    return compare.pair(a, b)


def _inside():
    from ui import inside_views  # the Inside attention page's cached calls

    return inside_views


def _connectivity(text: str, target: int) -> dict:
    from ui import cached_memory  # the Why gates page's cached calls

    return cached_memory.connectivity(text, target)


def _memory_tests() -> dict:
    from ui import cached_memory

    return cached_memory.memory_tests()


BACKEND = Backend(
    lstm_layer=_lstm_layer,
    sense_vectors=_sense_vectors,
    attention=_attention,
    elmo_embed=elmo_embed,
    minimal_pair=_minimal_pair,
    open_layer=lambda text, layer, head: _inside().opened_layer(text, layer, head),
    order_swap=lambda text, first, second: _inside().order_swap(text, first, second),
    position_maps=lambda count: _inside().position_maps(count),
    connectivity=_connectivity,
    memory_tests=_memory_tests,
)
