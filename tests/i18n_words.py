"""Finds English left in a Chinese interface (issue 29): one checker for the page, lesson and figure tests.

A shown string is untranslated where it holds a Latin-letter word that is not a name the interface keeps
in every language (model names, formula names, tags, abbreviations in capitals), nor a word of the text
the learner or the lesson gave the model (tokens are never translated).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

KEPT = {  # names kept as they are in the Chinese interface, as Chinese NLP courses write them
    "ELMo",
    "MiniLM",
    "GloVe",
    "Transformer",
    "ScalarMix",
    "Elman",
    "Hochreiter",
    "Schmidhuber",
    "Peters",
    "Vaswani",
    "Hewitt",
    "Liang",
    "Tenney",
    "Streamlit",
    "PyTorch",
    "AllenNLP",
    "OANC",
    "SemCor",
    "Debian",
    "softmax",
    "tanh",
    "sigmoid",
    "argmax",
    "UMAP",
    "t-SNE",
    "Jupyter",
    "notebook",
    "et",
    "al",
    "biLM",
    "biLSTM",
    "char-CNN",
    "char-LSTM",
    "char-RNN",
    "WordPiece",
    "GeLU",
    "ReLU",
    "highway",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")


def _is_kept(word: str, kept: set[str]) -> bool:
    if word in kept or word.lower() in kept:
        return True
    return word.isupper() or len(word) == 1  # LSTM, RNN, KL, NN, VBZ, Q, K, V, x, h


def untranslated(shown: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin-letter words in ``shown`` that a translation should have replaced.

    ``allowed``: text the models read (the learner's sentences, a lesson's example): its words are kept."""
    kept = set(KEPT)
    for text in allowed:  # a hyphenated word's parts too: a tokenizer shows "twenty-dollar" as "twenty - dollar"
        kept.update(part.lower() for w in WORD.findall(text) for part in (w, *w.split("-")))
    return [w for w in WORD.findall(shown) if not _is_kept(w, kept)]
