"""Switch attention heads off: zero their outputs inside the forward pass and measure what moves.

A head switched off contributes zeros to Concat(head_1 … head_H) before the output projection W_O
(`engine.analysis.inside.forward`), so every later layer reads the changed vectors. Michel et al.
(2019, "Are Sixteen Heads Really Better than One?") found many heads can be removed with little
change; here the change is measured twice:

- per word of the learner's text: the cosine distance 1 − cos between the word's final vector (last
  layer, mean of its subword tokens) with and without the heads, as the Compare page measures it;
- the senses page's bank score: leave-one-out 1-NN accuracy (cosine) of "bank"'s last-layer vector
  over the preset sentences `assets/senses/bank.tsv` (`engine.analysis.senses.loo_1nn_accuracy`).
"""

from __future__ import annotations

import numpy as np
import torch

from engine.analysis import senses
from engine.analysis.inside import HeadsOff, check_place, encode_ids, forward
from engine.analysis.inside_results import MAX_HEADS_OFF, HeadsOffResult  # torch-free
from engine.models.transformer import TOKENIZER_LOCK, TransformerModel
from engine.models.words import display_token, token_words
from engine.validation import InputError
from i18n import _


def check_heads(model: TransformerModel, heads_off: HeadsOff) -> None:
    """`InputError` for a layer or head out of range, or more heads than `MAX_HEADS_OFF`."""
    count = sum(len(h) for h in heads_off.values())
    if count > MAX_HEADS_OFF:
        raise InputError(
            _("{count} heads chosen; switch off at most {MAX_HEADS_OFF} at once.").format(
                count=count, MAX_HEADS_OFF=MAX_HEADS_OFF
            )
        )
    for layer, heads in heads_off.items():
        for head in heads:
            check_place(model, layer, head)


def cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise 1 − cos(a, b) for `[n, d]` arrays, clipped at 0 (identical rows give exactly 0)."""
    dot = (a * b).sum(-1)
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return np.where(np.all(a == b, axis=-1), 0.0, np.maximum(1.0 - dot / np.maximum(norms, 1e-12), 0.0))


def final_vectors(
    model: TransformerModel, ids: torch.Tensor, heads_off: HeadsOff | None = None, keys: torch.Tensor | None = None
) -> np.ndarray:
    """`[B, T, d]` the last layer's hidden states for token ids `[B, T]` (`keys`: False on padding), with
    `heads_off` switched off."""
    hidden, _ignored = forward(model, ids, heads_off=heads_off, keys=keys)
    return hidden[-1].float().numpy()


def _word_means(vectors: np.ndarray, word_ids: list[int | None], count: int) -> np.ndarray:
    """`[T, d]` token vectors -> `[W, d]` word vectors (mean over each word's subword tokens)."""
    ids = np.array([-1 if w is None else w for w in word_ids])
    return np.stack([vectors[ids == w].mean(axis=0) for w in range(count)])


def bank_score(model: TransformerModel, heads_off: HeadsOff | None = None) -> tuple[float, int]:
    """(1-NN accuracy of "bank" at the last layer, number of sentences) over `assets/senses/bank.tsv`."""
    word, text = senses.read_preset("bank")
    parsed = senses.parse_sentences(text, word)
    with TOKENIZER_LOCK:  # one padded batch; padding is masked out of every key
        encoding = model.tokenizer(
            [o.tokens for o in parsed.occurrences], is_split_into_words=True, padding=True, return_tensors="pt"
        )
    final = final_vectors(model, encoding["input_ids"], heads_off, encoding["attention_mask"].bool())
    vectors = []
    for row, occurrence in enumerate(parsed.occurrences):
        pieces = [j for j, w in enumerate(encoding.word_ids(row)) if w == occurrence.index]
        vectors.append(final[row, pieces].mean(axis=0))
    labels = parsed.labels
    assert labels is not None  # the shipped preset is labelled with two senses
    return senses.loo_1nn_accuracy(np.stack(vectors), labels), len(vectors)


def switch_off(model: TransformerModel, text: str, heads_off: HeadsOff) -> HeadsOffResult:
    """Run `text` with and without `heads_off` ({layer: {heads}}, from 1); see `HeadsOffResult`.
    Raises `InputError` for bad text, layers or heads (and the architecture, see `inside.family`)."""
    heads_off = {layer: frozenset(heads) for layer, heads in heads_off.items() if heads}
    check_heads(model, heads_off)
    ids, special = encode_ids(model, text)
    before = final_vectors(model, ids[None])[0]
    after = final_vectors(model, ids[None], heads_off)[0]
    encoding = model.encode(text)
    offsets = [tuple(s) for s in encoding["offset_mapping"][0].tolist()] if "offset_mapping" in encoding else []
    words = token_words(text, offsets, special, model.name)
    word_distance = (
        cosine_distance(_word_means(before, words.word_ids, len(words.texts)), _word_means(after, words.word_ids,
                        len(words.texts))) if words.texts else np.zeros(0)
    )  # fmt: skip
    bank_before, count = bank_score(model)
    bank_after, _ignored = bank_score(model, heads_off)
    tokens = model.tokenizer.convert_ids_to_tokens(ids.tolist())
    return HeadsOffResult(
        heads_off=heads_off,
        words=words.texts,
        word_distance=word_distance,
        tokens=[display_token(t, model.byte_decoder) for t in tokens],
        token_distance=cosine_distance(before, after),
        bank_before=bank_before,
        bank_after=bank_after,
        bank_sentences=count,
    )
