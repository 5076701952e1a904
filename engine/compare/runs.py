"""One text through all three models, every number the Compare views need, in one call.

`run_sentence(text, models)` reads the text with the char-LSTM (one step per character), ELMo
(one step per word, stateless) and the Transformer (subwords) and returns their states with the
word alignment (`alignment.py`). Each sentence is run on its own (batch of one, no padding), so the
same prefix always gives the same floats: that is what lets the pair view say "exactly 0".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from engine.compare.alignment import WordAlignment, align
from engine.text import normalize
from engine.validation import InputError
from i18n import _

ELMO_ROWS = ["L0 char-CNN", "L1 forward", "L1 backward", "L2 forward", "L2 backward"]


@dataclass
class Models:
    """The three models a comparison runs: `engine.models.charlstm.CharLstm`, `engine.models.elmo.Elmo`
    and `engine.models.transformer.TransformerModel` (any objects with the same methods)."""

    char_lstm: object
    elmo: object
    transformer: object


@functools.cache
def default_models() -> Models:
    """The shipped char-LSTM, the project's ELMo and all-MiniLM-L6-v2, loaded once per process
    (weights only: no activation is kept between calls)."""
    from engine.models import charlstm, elmo, transformer

    return Models(charlstm.load_default(), elmo.load_default(), transformer.load())


@dataclass
class SentenceRun:
    """Everything the three models compute on one text (float32 unless said).

    text:          the text as the models read it (`engine.text.normalize`: NFC, straight quotes)
    alignment:     the word axis (W words) and each model's units on it
    lstm_h/lstm_c: `[layers, T, units]` the char-LSTM's output h and cell state c after each of the
                   T characters (Hochreiter & Schmidhuber 1997)
    elmo:          `[layers + 1, W, 2P]` ELMo's layers (Peters et al. 2018): layer 0 is the char-CNN
                   vector written twice, layers 1.. are concat(forward LSTM, backward LSTM)
    hidden:        `[layers + 1, S, D]` the Transformer's embeddings and layer outputs per subword
    attentions:    `[layers, heads, S, S]` its attention weights (Vaswani et al. 2017), rows sum to 1
    subwords:      the S subword tokens ([CLS] ... [SEP])
    words_hidden:  `[layers + 1, W, D]` float64: `hidden` averaged over each word's subwords (NaN where
                   a word has none)
    """

    text: str
    alignment: WordAlignment
    lstm_h: np.ndarray
    lstm_c: np.ndarray
    elmo: np.ndarray
    hidden: np.ndarray
    attentions: np.ndarray
    subwords: list[str]
    words_hidden: np.ndarray
    transformer_name: str = "MiniLM"

    @property
    def elmo_halves(self) -> np.ndarray:
        """`[5, W, P]`: ELMo's rows as the views show them (`ELMO_ROWS`): layer 0 once (its two halves
        are the same vector), then each LSTM layer's forward and backward half."""
        p = self.elmo.shape[-1] // 2
        rows = [self.elmo[0, :, :p]]
        for layer in self.elmo[1:]:
            rows += [layer[:, :p], layer[:, p:]]
        return np.stack(rows)

    @property
    def transformer_rows(self) -> list[str]:
        return ["L0 embeddings"] + [f"L{k}" for k in range(1, self.hidden.shape[0])]


def run_sentence(text: str, models: Models | None = None) -> SentenceRun:
    """Run `text` through the char-LSTM, ELMo and the Transformer. Raises `InputError` for an empty
    text or one a model cannot read (over its length limit)."""
    models = models or default_models()
    text = normalize(text)
    if not text.strip():
        raise InputError(_("The sentence is empty: type at least one word."))
    result = models.transformer.run(text)
    offsets = result.offsets or [None] * len(result.tokens)
    offsets = [None if special else o for o, special in zip(offsets, result.special_mask, strict=True)]
    alignment = align(text, offsets, result.tokens)
    trace = models.char_lstm.trace(text)
    elmo = elmo_layers(models.elmo, alignment.words)
    return SentenceRun(
        text=text,
        alignment=alignment,
        lstm_h=trace.h[:, 0, 0],
        lstm_c=trace.c[:, 0, 0],
        elmo=elmo,
        hidden=result.hidden_states,
        attentions=result.attentions,
        subwords=result.display_tokens,
        words_hidden=merge_subwords(result.hidden_states, alignment.subwords),
        transformer_name="MiniLM" if result.model_name == "all-MiniLM-L6-v2" else result.model_name,
    )


def elmo_layers(elmo, words: list[str]) -> np.ndarray:
    """`[layers + 1, W, 2P]` float32: `Elmo.embed([words])[0]`, with layer 0 computed one word at a time.

    `embed` runs the char-CNN once over the sentence's distinct words, so a word's layer-0 floats
    depend (in the last bits) on how many other words share the batch. Here each word goes through
    the CNN alone, so the same word gives the same vector in every sentence, and the LSTMs that
    read it see the same input: the exact zeros of `pair.py` rest on this. Equal to `embed` within
    float32 rounding (about 1e-6).
    """
    import torch

    from engine.models.elmo import batch_to_ids

    with torch.inference_mode():
        ids = batch_to_ids([words])  # [1, W + 2, max_chars], <S> and </S> included
        tokens = torch.cat([elmo.bilm.char_cnn(ids[0, t : t + 1]) for t in range(ids.shape[1])])
        output = elmo.bilm.contextualize(tokens.unsqueeze(0), (ids > 0).any(dim=-1))
        return torch.stack(output.layers, dim=1)[0, :, 1 : len(words) + 1].float().numpy().copy()


def merge_subwords(hidden: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """`[layers, S, D]` subword vectors -> `[layers, W, D]` word vectors (mean of each word's pieces,
    in float64; NaN for a word with no piece)."""
    out = np.full((hidden.shape[0], len(groups), hidden.shape[2]), np.nan)
    for k, group in enumerate(groups):
        if group:
            out[:, k] = hidden[:, group].astype(np.float64).mean(axis=1)
    return out


def cosine_similarity(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity of `[..., D]` arrays in float64 (1 exactly where rows are equal,
    NaN where a row is NaN or zero)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = (x * y).sum(-1) / (np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1))
    cos = np.clip(cos, -1.0, 1.0)
    return np.where(np.all(x == y, axis=-1), 1.0, cos)
