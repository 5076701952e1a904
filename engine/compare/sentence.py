"""One sentence, one chosen word: what each model's every layer says about that word.

`word_view(run, word)` gives, over the shared word axis (W words):

- char-LSTM: cosine similarity of its output h when it finishes each word to h when it finishes the
  chosen word, per layer; and the units whose (h, c) changed most while it read the chosen word
  (Hochreiter & Schmidhuber 1997: c is the cell state, h = o ⊙ tanh(c));
- ELMo (Peters et al. 2018) and the Transformer: cosine similarity of the chosen word's vector to
  every word's, per layer (ELMo's forward and backward halves apart);
- the Transformer's attention (Vaswani et al. 2017) from the chosen word to every word, per layer:
  the mean of the heads or one head; a word's subword rows are averaged and its key columns summed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.compare.runs import ELMO_ROWS, SentenceRun, cosine_similarity
from engine.validation import InputError
from i18n import _


@dataclass
class RowGroup:
    """Rows of one model, one value per word: `values` float64 `[len(layers), W]` (NaN = no value)."""

    model: str
    layers: list[str]
    values: np.ndarray
    what: str  # "cosine similarity to the chosen word", "attention from the chosen word"


@dataclass
class UnitChange:
    """The char-LSTM units that changed most while it read the chosen word, per layer.

    units:           int `[layers, k]` unit indices, largest change first
    change:          float64 `[layers, k]` ‖(Δh_u, Δc_u)‖ of each unit across the word
    c_before/c_after float32 `[layers, k]` cell state before the word's first character and after its last
    h_before/h_after float32 `[layers, k]` output h, the same
    """

    units: np.ndarray
    change: np.ndarray
    c_before: np.ndarray
    c_after: np.ndarray
    h_before: np.ndarray
    h_after: np.ndarray


@dataclass
class WordView:
    """`word_view`'s result: `groups` (char-LSTM, ELMo, Transformer similarity, Transformer attention),
    the LSTM's `units`, and the attention share that went to special tokens ([CLS], [SEP]) `[layers]`."""

    word: int
    labels: list[str]
    groups: list[RowGroup]
    units: UnitChange
    special_share: np.ndarray
    head: int | None


def word_view(run: SentenceRun, word: int, head: int | None = None, top_units: int = 10) -> WordView:
    """Every row's view of word `word` (0-based index on `run.alignment`); `head` is 1-based, None for
    the mean of the heads. Raises `InputError` for a word or head out of range."""
    count = len(run.alignment)
    if not 0 <= word < count:
        raise InputError(
            _("There is no word {word}: the sentence has {count} words (0 to {value}).").format(
                word=word, count=count, value=count - 1
            )
        )
    layers, heads = run.attentions.shape[:2]
    if head is not None and not 1 <= head <= heads:
        raise InputError(
            _("There is no head {head}: {transformer_name} has heads 1 to {heads}.").format(
                head=head, transformer_name=run.transformer_name, heads=heads
            )
        )
    ends = run.alignment.last_char
    lstm_h = run.lstm_h[:, ends]  # [layers, W, units]
    groups = [
        RowGroup("char-LSTM", _names(lstm_h.shape[0]), _similarity(lstm_h, word), "cosine similarity of h"),
        RowGroup("ELMo", list(ELMO_ROWS), _similarity(run.elmo_halves, word), "cosine similarity"),
        RowGroup(run.transformer_name, run.transformer_rows, _similarity(run.words_hidden, word), "cosine similarity"),
    ]
    attention, special = word_attention(run, word, head)
    which = "mean of the heads" if head is None else f"head {head}"
    groups.append(RowGroup(f"{run.transformer_name} attention", _names(layers), attention, f"attention ({which})"))
    return WordView(word, run.alignment.labels, groups, unit_change(run, word, top_units), special, head)


def _names(layers: int) -> list[str]:
    return [f"L{k + 1}" for k in range(layers)]


def _similarity(vectors: np.ndarray, word: int) -> np.ndarray:
    """`[L, W, D]` -> `[L, W]` cosine similarity of every word's vector to word `word`'s."""
    return cosine_similarity(vectors, vectors[:, word : word + 1])


def word_attention(run: SentenceRun, word: int, head: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Attention from word `word` to every word: `[layers, W]` (the word's subword query rows averaged,
    each word's key columns summed; NaN where a word has no subword) and the share `[layers]` that went
    to tokens of no word ([CLS], [SEP]). The two together sum to 1 per layer when no subword is shared."""
    weights = run.attentions.mean(axis=1) if head is None else run.attentions[:, head - 1]  # [L, S, S]
    groups = run.alignment.subwords
    out = np.full((weights.shape[0], len(groups)), np.nan)
    if not groups[word]:
        return out, np.full(weights.shape[0], np.nan)
    rows = weights[:, groups[word]].astype(np.float64).mean(axis=1)  # [L, S]
    for k, group in enumerate(groups):
        if group:
            out[:, k] = rows[:, group].sum(axis=1)
    owned = sorted({u for group in groups for u in group})
    special = 1.0 - rows[:, owned].sum(axis=1)
    return out, special


def unit_change(run: SentenceRun, word: int, top: int = 10) -> UnitChange:
    """The `top` units per layer whose (h, c) changed most from just before the word's first character
    (the zero state at the start of the text) to its last character."""
    chars = run.alignment.chars[word]
    first, last = chars[0], chars[-1]
    h_after, c_after = run.lstm_h[:, last], run.lstm_c[:, last]
    if first == 0:
        h_before, c_before = np.zeros_like(h_after), np.zeros_like(c_after)
    else:
        h_before, c_before = run.lstm_h[:, first - 1], run.lstm_c[:, first - 1]
    dh = h_after.astype(np.float64) - h_before
    dc = c_after.astype(np.float64) - c_before
    change = np.sqrt(dh**2 + dc**2)  # [layers, units]
    units = np.argsort(-change, axis=1, kind="stable")[:, :top]

    def pick(x: np.ndarray) -> np.ndarray:
        return np.take_along_axis(x, units, axis=1)

    return UnitChange(units, pick(change), pick(c_before), pick(c_after), pick(h_before), pick(h_after))
