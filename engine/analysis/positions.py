"""Positions: the model's learned position embeddings beside the sinusoidal encoding, and why they matter.

Self-attention alone ignores order: permute the tokens and every token's output is permuted the same
way (Vaswani et al. 2017, §3.5: "since our model contains no recurrence and no convolution, in order
for the model to make use of the order of the sequence, we must inject some information about the
relative or absolute position"). The paper adds

    PE(pos, 2i)     = sin(pos / 10000^(2i / d))
    PE(pos, 2i + 1) = cos(pos / 10000^(2i / d))

BERT and GPT-2 learn their position embeddings instead (one trained vector per position). This module
draws both as position × position cosine-similarity maps, and swaps two words of a text to show that
an encoder without its position embeddings gives every word the same final vector in either order.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.analysis.inside import encode_ids, family, forward
from engine.analysis.inside_results import MAX_MAP_POSITIONS, OrderSwap, PositionMaps  # torch-free
from engine.models.transformer import TransformerModel
from engine.models.words import token_words
from engine.text import tokenize_with_spans
from engine.validation import InputError
from i18n import _


def sinusoidal(positions: int, d: int) -> np.ndarray:
    """`[positions, d]` float64: Vaswani et al. (2017) §3.5, PE(pos, 2i) = sin(pos / 10000^(2i/d)),
    PE(pos, 2i+1) = cos(pos / 10000^(2i/d)). `d` must be even (ValueError otherwise)."""
    if d % 2:
        raise ValueError(f"The sinusoidal encoding needs an even dimension; got d = {d}.")
    pos = np.arange(positions, dtype=np.float64)[:, None]  # [P, 1]
    two_i = np.arange(0, d, 2, dtype=np.float64)[None, :]  # [1, d/2]
    angle = pos / np.power(10000.0, two_i / d)  # [P, d/2]
    pe = np.empty((positions, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def cosine_map(vectors: np.ndarray) -> np.ndarray:
    """`[n, d]` -> `[n, n]` cosine similarity of every pair of rows."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return unit @ unit.T


def position_weights(model: TransformerModel) -> np.ndarray:
    """`[max positions, d]` the model's learned position embedding table (BERT: position_embeddings, GPT-2: wpe)."""
    net = model.model
    table = net.embeddings.position_embeddings if family(model) == "bert" else net.wpe
    return table.weight.detach().float().numpy()


def position_maps(model: TransformerModel, positions: int = 64) -> PositionMaps:
    """Cosine maps of the first `positions` positions (at most `MAX_MAP_POSITIONS`; InputError beyond)."""
    table = position_weights(model)
    if not 2 <= positions <= min(MAX_MAP_POSITIONS, table.shape[0]):
        raise InputError(
            _("Show between 2 and {value} positions (asked for {positions}).").format(
                value=min(MAX_MAP_POSITIONS, table.shape[0]), positions=positions
            )
        )
    d = table.shape[1]
    return PositionMaps(cosine_map(table[:positions]), cosine_map(sinusoidal(positions, d)), d, table.shape[0])


def swap_words(text: str, first: int, second: int) -> str:
    """`text` with words `first` and `second` (from 1, `engine.text` words) exchanged, all else kept."""
    spans = [(w.start, w.end) for w in tokenize_with_spans(text)]
    if not (1 <= first <= len(spans) and 1 <= second <= len(spans)) or first == second:
        raise InputError(
            _("Choose two different words between 1 and {count} to swap (got {first} and {second}).").format(
                count=len(spans), first=first, second=second
            )
        )
    (a0, a1), (b0, b1) = sorted([spans[first - 1], spans[second - 1]])
    return text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]


def _word_vectors(model: TransformerModel, text: str, positions: bool) -> tuple[list[str], np.ndarray]:
    """Words of `text` and their final vectors `[W, d]` (mean over subword tokens)."""
    ids, special = encode_ids(model, text)
    hidden, _ignored = forward(model, ids[None], positions=positions)
    final = hidden[-1][0].float().numpy()
    encoding = model.encode(text)
    offsets = [tuple(s) for s in encoding["offset_mapping"][0].tolist()]
    words = token_words(text, offsets, special, model.name)
    owner = np.array([-1 if w is None else w for w in words.word_ids])
    return words.texts, np.stack([final[owner == w].mean(axis=0) for w in range(len(words.texts))])


def _distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    cos = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-12)
    return np.maximum(1.0 - cos, 0.0)


@torch.inference_mode()
def order_swap(model: TransformerModel, text: str, first: int, second: int) -> OrderSwap:
    """Swap words `first` and `second` (from 1) and measure how far every word's final vector moves,
    with and without position embeddings. InputError for bad text or word numbers."""
    if not model.tokenizer.is_fast:
        raise InputError(
            _("{name}'s tokenizer has no character offsets, so words cannot be swapped.").format(name=model.name)
        )
    swapped = swap_words(text, first, second)
    words, _ignored = _word_vectors(model, text, True)
    order = list(range(len(words)))
    order[first - 1], order[second - 1] = order[second - 1], order[first - 1]  # word k is word order[k] once swapped
    moved = {}
    for positions in (True, False):
        _ignored, original = _word_vectors(model, text, positions)
        swapped_words, after = _word_vectors(model, swapped, positions)
        if len(swapped_words) != len(words):
            raise InputError(_("Swapping those two words changed how the text splits into words; choose two others."))
        moved[positions] = _distance(original, after[order])
    return OrderSwap(words, first, second, swapped, moved[True], moved[False], model.is_causal)
