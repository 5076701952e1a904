"""Pure functions over attention weights: head means, rollout, word merging, special tokens, head stats.

All take and return numpy arrays; a matrix is `[T_query, T_key]` with rows summing to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from i18n import N_, _

if TYPE_CHECKING:
    from engine.validation import Text

STATISTICS = {  # English; shown through i18n._ (issue 29)
    "entropy": N_("Entropy (bits): how spread out each row is; 0 = all weight on one token"),
    "previous": N_("Weight on the previous token"),
    "self": N_("Weight on the token itself"),
    "special": N_("Weight on special or sink tokens ([CLS], [SEP], the first token)"),
    "distance": N_("Mean attended distance, in tokens"),
    "max": N_("Largest weight in a row (how confident the head is)"),
}


def mean_over_heads(attentions: np.ndarray) -> np.ndarray:
    """`[layers, heads, T, T]` -> `[layers, T, T]`."""
    return attentions.mean(axis=1)


def rollout(attentions: np.ndarray, start: int = 0, end: int | None = None) -> np.ndarray:
    """Attention rollout (Abnar & Zuidema 2020) through layers `start..end` (inclusive, 0-based).

    Each layer's head-mean attention gets the identity added for the residual connection and its
    rows renormalized, Â_l = norm(A_l + I); rollout = Â_end · ... · Â_start. Row i says how much of
    token i's representation after layer `end` traces back to each input token before layer `start`.
    """
    layers = mean_over_heads(attentions)
    end = len(layers) - 1 if end is None else end
    if not 0 <= start <= end < len(layers):
        raise ValueError(f"rollout needs 0 <= start <= end < {len(layers)}, got {start}..{end}")
    size = layers.shape[-1]
    result = np.eye(size, dtype=np.float64)
    for layer in layers[start : end + 1]:
        mixed = layer.astype(np.float64) + np.eye(size)
        mixed /= mixed.sum(axis=-1, keepdims=True)
        result = mixed @ result
    return result.astype(np.float32)


def merge_words(matrix: np.ndarray, word_ids: Sequence[int | None]) -> tuple[np.ndarray, list[int | None]]:
    """Subword attention -> word attention: keys are summed over a word's pieces (the weight the word
    receives), queries averaged over its pieces (so rows still sum to 1). Special tokens stay alone.

    Returns the merged matrix and, for each merged row, the word id it stands for (None = special).
    """
    groups: list[list[int]] = []
    labels: list[int | None] = []
    for position, word in enumerate(word_ids):
        if word is not None and labels and labels[-1] == word:
            groups[-1].append(position)
        else:
            groups.append([position])
            labels.append(word)
    keys_summed = np.stack([matrix[:, g].sum(axis=1) for g in groups], axis=1)  # [T, W]
    merged = np.stack([keys_summed[g].mean(axis=0) for g in groups], axis=0)  # [W, W]
    return merged.astype(np.float32), labels


def drop_special(matrix: np.ndarray, special_mask: np.ndarray, renormalize: bool) -> np.ndarray:
    """Remove special tokens' rows and columns. Without renormalizing, rows keep only the weight that
    went to ordinary tokens (they sum to less than 1); with it, rows are rescaled to sum to 1."""
    keep = ~np.asarray(special_mask, dtype=bool)
    kept = matrix[np.ix_(keep, keep)].astype(np.float64)
    if renormalize:
        totals = kept.sum(axis=-1, keepdims=True)
        kept = np.divide(kept, totals, out=np.zeros_like(kept), where=totals > 0)
    return kept.astype(np.float32)


@dataclass
class HeadStatistics:
    """One `[layers, heads]` array per statistic (see STATISTICS), for the current text."""

    entropy: np.ndarray
    previous: np.ndarray
    self: np.ndarray
    special: np.ndarray
    distance: np.ndarray
    max: np.ndarray

    def get(self, name: str) -> np.ndarray:
        return getattr(self, name)

    def rows(self) -> list[dict]:
        """One row per head, with a plain-words role when a statistic is clear-cut."""
        layers, heads = self.entropy.shape
        table = []
        for layer in range(layers):
            for head in range(heads):
                row = {"layer": layer + 1, "head": head + 1}
                row |= {name: float(self.get(name)[layer, head]) for name in STATISTICS}
                row["role"] = head_role(row)
                table.append(row)
        return table


def head_role(row: dict) -> str:
    """The role a head's statistics suggest, in this run's interface language ("" for none)."""
    if row["previous"] >= 0.5:
        return _("previous-token head")
    if row["special"] >= 0.6:
        return _("sink head ([CLS]/[SEP])")
    if row["self"] >= 0.5:
        return _("self head")
    if row["max"] < 0.3:
        return _("broad head")
    return ""


def head_statistics(attentions: np.ndarray, special_mask: np.ndarray) -> HeadStatistics:
    """Per layer and head, averaged over query rows. "previous" skips the first row (it has none)."""
    att = attentions.astype(np.float64)  # [L, H, T, T]
    size = att.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        row_entropy = -np.where(att > 0, att * np.log2(att), 0.0).sum(axis=-1)  # [L, H, T]
    sinks = np.asarray(special_mask, dtype=bool).copy()
    sinks[0] = True  # the first token is a sink whether or not it is special
    positions = np.arange(size)
    distance = np.abs(positions[:, None] - positions[None, :])
    previous = np.diagonal(att, offset=-1, axis1=-2, axis2=-1)  # a[t, t-1] for t >= 1
    return HeadStatistics(
        entropy=row_entropy.mean(axis=-1),
        previous=previous.mean(axis=-1) if size > 1 else np.zeros(att.shape[:2]),
        self=np.diagonal(att, axis1=-2, axis2=-1).mean(axis=-1),
        special=att[..., sinks].sum(axis=-1).mean(axis=-1),
        distance=(att * distance).sum(axis=-1).mean(axis=-1),
        max=att.max(axis=-1).mean(axis=-1),
    )


MODES = {  # the view a page shows: the key doubles as its URL value (English; shown through i18n._)
    N_("one head"): "head",
    N_("layer mean"): "layer",
    N_("rollout"): "rollout",
}


@dataclass
class MatrixView:
    """The matrix a page draws, with its row/column token labels (not yet numbered) and a title."""

    matrix: np.ndarray
    labels: list[str]
    title: str
    causal: bool
    note: str = ""  # said beside the matrix: e.g. why words were asked for but tokens are shown


def view_matrix(
    attentions: np.ndarray,
    tokens: Sequence[str],
    word_ids: Sequence[int | None],
    words: Sequence[str],
    special_mask: np.ndarray,
    *,
    mode: str = "head",
    layer: int = 1,
    head: int = 1,
    rollout_range: tuple[int, int] = (1, 1),
    hide_special: bool = False,
    renormalize: bool = False,
    word_level: bool = False,
    causal: bool = False,
    word_note: Text | str = "",
) -> MatrixView:
    """Pick (mode, layer, head; 1-based), merge into words, and drop special tokens, in that order.

    Without `words` (a tokenizer without offsets) a word view is not claimed: the title says
    tokens and `note` is `word_note`, the reason. The title and the note are in the interface language of
    the run that calls this (`i18n`, issue 29): a view is computed where it is shown, never cached."""
    if mode == "head":
        matrix, title = attentions[layer - 1, head - 1], _("Layer {layer}, head {head}").format(layer=layer, head=head)
    elif mode == "layer":
        matrix = attentions[layer - 1].mean(axis=0)
        title = _("Layer {layer}, mean of its {count} heads").format(layer=layer, count=attentions.shape[1])
    elif mode == "rollout":
        start, end = rollout_range
        matrix = rollout(attentions, start - 1, end - 1)
        title = _("Attention rollout, layers {start}–{end}").format(start=start, end=end)
    else:
        raise ValueError(f"unknown mode {mode!r}; choose one of {list(MODES)}")
    labels = list(tokens)
    special = np.asarray(special_mask, dtype=bool)
    note = ""
    if word_level and not words:
        note = _("Word merging is not available for this tokenizer: the tokens are shown as they are.")
        note = str(word_note) if word_note else note
        title = _("{view}, tokens (no word merging for this tokenizer)").format(view=title)
    if word_level and words:
        matrix, ids = merge_words(matrix, word_ids)
        labels = _special_labels(ids, tokens, word_ids, [words[w] if w is not None else "" for w in ids])
        special = np.array([w is None for w in ids])
        title = _("{view}, words").format(view=title)
    if hide_special and special.any():
        matrix = drop_special(matrix, special, renormalize)
        labels = [t for t, s in zip(labels, special, strict=True) if not s]
        hidden = (
            _("{view}, special tokens hidden (rows renormalized)")
            if renormalize
            else _("{view}, special tokens hidden")
        )
        title = hidden.format(view=title)
    return MatrixView(np.asarray(matrix, dtype=np.float32), labels, title, causal, note)


def _special_labels(
    ids: Sequence[int | None], tokens: Sequence[str], word_ids: Sequence[int | None], labels: list[str]
) -> list[str]:
    """Merged special rows keep their own token text ([CLS], [SEP]...), in order of appearance."""
    specials = iter([t for t, w in zip(tokens, word_ids, strict=True) if w is None])
    return [next(specials) if w is None else label for w, label in zip(ids, labels, strict=True)]
