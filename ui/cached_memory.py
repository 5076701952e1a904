"""Cached calls of the "Why gates?" page (rules as in ui/cached.py: models once per process, results per
text and settings, bounded, never keyed on arrays)."""

from __future__ import annotations

import streamlit as st

from i18n import N_
from ui import cached
from ui.language import Later

MODELS = ("plain RNN", "LSTM")


@st.cache_resource(show_spinner=Later(N_("Loading the plain RNN…")), max_entries=1)
def char_rnn():
    from engine.models import charrnn

    cached.torch_ready()
    return charrnn.load_default()


def model(name: str):
    return char_rnn() if name == "plain RNN" else cached.char_lstm()


@st.cache_data(
    show_spinner=Later(N_("Following the gradient back through both models…")), max_entries=16, ttl=cached.TTL
)
def connectivity(text: str, target: int) -> dict:
    """{"plain RNN" | "LSTM": engine.analysis.memory.Connectivity} for the prediction after step `target`.
    The default view's comes from disk once the warm-up stored it (ui/first_views.py), with no torch."""
    return cached.through("memory_connectivity", text, target)


def _connectivity(text: str, target: int) -> dict:
    from engine.analysis import memory

    return {name: memory.connectivity(model(name), text, target) for name in MODELS}


@st.cache_data(show_spinner=Later(N_("Scoring the text with both models…")), max_entries=16, ttl=cached.TTL)
def surprisal(text: str) -> dict:
    """{"plain RNN" | "LSTM": `[T-1]` bits} (the default view's from disk, as `connectivity`)."""
    return cached.through("memory_surprisal", text)


def _surprisal(text: str) -> dict:
    from engine.analysis import memory

    return {name: memory.surprisal(model(name), text) for name in MODELS}


@st.cache_data(show_spinner=Later(N_("Running the memory test on held-out text (once per server)…")), max_entries=1)
def memory_tests() -> dict:
    """{"plain RNN" | "LSTM": engine.analysis.memory.MemoryTest} on the shipped held-out sample (from disk
    once the warm-up stored it)."""
    return cached.through("memory_tests")


def _memory_tests() -> dict:
    from engine.analysis import memory

    return {name: memory.memory_test(model(name)) for name in MODELS}


# the warm-up stores these results of the default view through `cached.store` (ui/first_views.py)
cached.COMPUTE.update(memory_connectivity=_connectivity, memory_surprisal=_surprisal, memory_tests=_memory_tests)
