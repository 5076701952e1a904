"""Every word's vector at every layer, for sentences that come split into words (the probes' input).

Each function returns `(layer_names, vectors)` with `vectors` float32 `[layers, N, D]`, N = the total
number of words over all sentences, in order. A word's vector is computed inside the call, from a
stateless forward pass (ELMo: zero initial states, as on every page).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from engine.models.elmo import Elmo, scalar_mix
from engine.models.glove import Glove
from engine.models.transformer import TOKENIZER_LOCK, TransformerModel

ELMO_LAYERS = ["layer 0 (char-CNN)", "layer 1", "layer 2", "mix (average)"]


def elmo_token_vectors(elmo: Elmo, sentences: Sequence[Sequence[str]], batch_size: int = 32):
    """ELMo layers 0, 1, 2 and their ScalarMix average (eq. 1 with s_j = 1/3, γ = 1): `[4, N, 2P]`."""
    per_sentence = elmo.embed_batches([list(s) for s in sentences], batch_size=batch_size)  # each [3, T, 2P]
    layers = np.concatenate(per_sentence, axis=1)  # [3, N, 2P]
    mixed = scalar_mix(layers, [0.0] * layers.shape[0])  # softmax(0, 0, 0) = 1/3 each
    return list(ELMO_LAYERS), np.concatenate([layers, mixed[None]]).astype(np.float32)


@torch.inference_mode()
def transformer_token_vectors(model: TransformerModel, sentences: Sequence[Sequence[str]], batch_size: int = 32):
    """The embeddings and every layer's output, each word the mean of its subword tokens: `[L + 1, N, D]`."""
    per_sentence: list[np.ndarray] = [np.empty(0)] * len(sentences)
    order = sorted(range(len(sentences)), key=lambda k: len(sentences[k]))
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        with TOKENIZER_LOCK:
            encoding = model.tokenizer(
                [list(sentences[k]) for k in rows], is_split_into_words=True, padding=True, return_tensors="pt"
            )
        hidden = torch.stack(model.model(**encoding, output_hidden_states=True).hidden_states)  # [L+1, B, T, D]
        for row, k in enumerate(rows):
            ids = np.array([-1 if w is None else w for w in encoding.word_ids(row)])  # [T]: word of each token
            pieces = torch.from_numpy((ids[None, :] == np.arange(len(sentences[k]))[:, None]).astype(np.float32))
            means = pieces / pieces.sum(dim=1, keepdim=True).clamp(min=1)  # [words, T]; a word with no token: zeros
            per_sentence[k] = torch.einsum("wt,ltd->lwd", means, hidden[:, row].float()).numpy()
    names = ["embeddings"] + [f"layer {k}" for k in range(1, model.num_layers + 1)]
    return names, np.concatenate(per_sentence, axis=1).astype(np.float32)


def glove_token_vectors(glove: Glove, sentences: Sequence[Sequence[str]]):
    """One static layer `[1, N, 50]`: each word's GloVe vector (zeros for a word outside its vocabulary)."""
    vectors, _ = glove.lookup([w for s in sentences for w in s])
    return ["static"], vectors[None]
