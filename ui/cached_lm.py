"""Cached calls of the ELMo language-model page and of the learned layer mix (see ui/cached.py for the rules:
models once per process, results per text and settings, never keyed on arrays).

This app's biLM's answers to the page's default view (and its name and vocabulary size) come from disk once
the warm-up stored them (ui/first_views.py), with no torch; an official ELMo's are always computed."""

from __future__ import annotations

from types import SimpleNamespace

import streamlit as st

from i18n import N_
from ui import cached
from ui.language import Later

THIS_APP = "this app's biLM"
# The page's defaults (pages/2_ELMo_language_model.py), which the warm-up stores. Chosen from measured guesses
# of this app's biLM (issue 23): "time" gets 0.51 from the forward LM (next guess "day", 0.045) and 0.86
# combined; "you" gets 0.37 forward (next "the", 0.08) and 0.47 combined. The old examples ("the ___ of the
# river", "into the ___") ranked "bank" 145th to 828th.
EXAMPLES = ("I have not seen him for a long ___ .", "Thank ___ very much .")
CHECK_WORD = "time"
SENTENCE = "I sat on the bank of the river ."
GUESSES = 5  # "Guesses shown"; the blank always asks for at least 5


def elmo_choices() -> list[str]:
    """This app's biLM, then every official ELMo fetched into the cache ("official ELMo small", …)."""
    from engine.models.elmo import official

    return [THIS_APP, *(f"{cached.OFFICIAL}{size}" for size in official.available())]


def elmo(choice: str):
    return cached.elmo_model() if choice == THIS_APP else cached.elmo_from_folder(choice)


def elmo_facts(choice: str) -> SimpleNamespace:
    """What the page reads of the model before its answers: `name`, `can_predict` (it has a softmax) and
    `vocab_size` (0 without a vocabulary). This app's biLM's from disk once the warm-up stored them."""
    if choice == THIS_APP:
        return SimpleNamespace(**cached.through("lm_facts"))
    return SimpleNamespace(**_facts(choice))


def _facts(choice: str = THIS_APP) -> dict:
    model = elmo(choice)
    return {"name": model.name, "can_predict": model.can_predict, "vocab_size": len(model.vocab or ())}


def _through(name: str, choice: str, *args):
    """`name`'s answer for `args`: this app's biLM's from disk when stored, else computed (never stored here)."""
    if choice == THIS_APP:
        return cached.through(name, *args)
    return COMPUTE[name](*args, choice=choice)


@st.cache_data(show_spinner=Later(N_("Asking both language models…")), max_entries=16)
def word_guesses(choice: str, sentence: str, k: int):
    return _through("lm_word_guesses", choice, sentence, k)


def _word_guesses(sentence: str, k: int, choice: str = THIS_APP):
    from engine.analysis import language_model
    from engine.text import tokenize

    return language_model.word_guesses(elmo(choice), tokenize(sentence), k)


@st.cache_data(show_spinner=Later(N_("Filling the blank…")), max_entries=16)
def fill_blank(choice: str, sentence: str, k: int):
    return _through("lm_fill_blank", choice, sentence, k)


def _fill_blank(sentence: str, k: int, choice: str = THIS_APP):
    from engine.analysis import language_model
    from engine.text import tokenize

    return language_model.fill_blank(elmo(choice), tokenize(sentence), k)


@st.cache_data(show_spinner=False, max_entries=32)
def word_in_blank(choice: str, sentence: str, word: str, k: int) -> dict:
    """{"forward" | "backward" | "combined": (p, rank)} of `word` in the blank."""
    return _through("lm_word_in_blank", choice, sentence, word, k)


def _word_in_blank(sentence: str, word: str, k: int, choice: str = THIS_APP) -> dict:
    from engine.analysis import language_model

    return language_model.word_in_blank(elmo(choice), fill_blank(choice, sentence, k), word)


@st.cache_data(show_spinner=Later(N_("Learning the layer mix (cross-validated)…")), max_entries=8)
def learned_mix(word: str, sentences: str, elmo_folder: str):
    """ScalarMix + linear classifier fitted on the labelled occurrences (engine.analysis.mix_learning)."""
    from engine.analysis import mix_learning

    data = cached.sense_vectors(word, sentences, elmo_folder)
    return mix_learning.learn_mix(data["elmo"].vectors, data["input"].labels)


COMPUTE = {  # the answers the view cache keeps for this app's biLM (ui/first_views.py stores the defaults)
    "lm_facts": _facts,
    "lm_word_guesses": _word_guesses,
    "lm_fill_blank": _fill_blank,
    "lm_word_in_blank": _word_in_blank,
}
cached.COMPUTE.update(COMPUTE)
