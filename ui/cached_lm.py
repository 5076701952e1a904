"""Cached calls of the ELMo language-model page and of the learned layer mix (see ui/cached.py for the rules:
models once per process, results per text and settings, never keyed on arrays)."""

from __future__ import annotations

import streamlit as st

from i18n import N_
from ui import cached
from ui.language import Later

THIS_APP = "this app's biLM"


def elmo_choices() -> list[str]:
    """This app's biLM, then every official ELMo fetched into the cache ("official ELMo small", …)."""
    from engine.models.elmo import official

    return [THIS_APP, *(f"{cached.OFFICIAL}{size}" for size in official.available())]


def elmo(choice: str):
    return cached.elmo_model() if choice == THIS_APP else cached.elmo_from_folder(choice)


@st.cache_data(show_spinner=Later(N_("Asking both language models…")), max_entries=16)
def word_guesses(choice: str, sentence: str, k: int):
    from engine.analysis import language_model
    from engine.text import tokenize

    return language_model.word_guesses(elmo(choice), tokenize(sentence), k)


@st.cache_data(show_spinner=Later(N_("Filling the blank…")), max_entries=16)
def fill_blank(choice: str, sentence: str, k: int):
    from engine.analysis import language_model
    from engine.text import tokenize

    return language_model.fill_blank(elmo(choice), tokenize(sentence), k)


@st.cache_data(show_spinner=False, max_entries=32)
def word_in_blank(choice: str, sentence: str, word: str, k: int) -> dict:
    """{"forward" | "backward" | "combined": (p, rank)} of `word` in the blank."""
    from engine.analysis import language_model

    return language_model.word_in_blank(elmo(choice), fill_blank(choice, sentence, k), word)


@st.cache_data(show_spinner=Later(N_("Learning the layer mix (cross-validated)…")), max_entries=8)
def learned_mix(word: str, sentences: str, elmo_folder: str):
    """ScalarMix + linear classifier fitted on the labelled occurrences (engine.analysis.mix_learning)."""
    from engine.analysis import mix_learning

    data = cached.sense_vectors(word, sentences, elmo_folder)
    return mix_learning.learn_mix(data["elmo"].vectors, data["input"].labels)
