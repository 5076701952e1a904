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
    "sha",  # sha256, a checksum's name
    "small",  # "ELMo small", the official model's name
}
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")


def _is_kept(word: str, kept: set[str]) -> bool:
    if word in kept or word.lower() in kept:
        return True
    return word.isupper() or len(word) == 1  # LSTM, RNN, KL, NN, VBZ, Q, K, V, x, h


def untranslated(shown: str, allowed: Iterable[str] = ()) -> list[str]:
    """The Latin-letter words in ``shown`` that a translation should have replaced.

    ``allowed``: text the models read (the learner's sentences, a lesson's example): its words are kept."""
    kept, read = set(KEPT), " ".join(allowed).lower()
    for text in allowed:  # a hyphenated word's parts too: a tokenizer shows "twenty-dollar" as "twenty - dollar"
        kept.update(part.lower() for w in WORD.findall(text) for part in (w, *w.split("-")))
    shown = MACHINE.sub(" ", shown)
    return [w for w in WORD.findall(shown) if not _is_kept(w, kept) and not _inside(w, read)]


# Never translated, so never counted: web addresses, file paths and names (a download's source, folder and
# files), and the words a model answers with a score, "banks (0.87), securities (0.80)" (GloVe's neighbours).
MACHINE = re.compile(
    r"https?://\S+|(?:[\w.-]*/)+[\w.-]+|[\w.-]+\.(?:json|hdf5|safetensors|csv|txt|ipynb|png)\b|[A-Za-z'-]+ \(\d\.\d+\)"
)


def _inside(word: str, read: str) -> bool:
    """A piece of the models' text cut at a window's edge ("becau" of "because"), as the step view shows it."""
    return len(word) >= 2 and word.lower() in read
