"""The results of ELMo's language model (engine/analysis/language_model.py), in a module without torch.

A stored default view (ui/viewcache.py) is rebuilt from these dataclasses with numpy only, so the ELMo
language-model page draws it before torch is imported (issue 24, kind 8); `language_model` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLANK = "___"
Guesses = list[tuple[str, float]]  # (word, probability), most likely first


@dataclass
class WordGuesses:
    """Each LM's view of every word of a sentence of T words.

    `forward_top[t]`: the forward LM's top-k words at position t given the words left of it;
    `backward_top[t]`: the backward LM's top-k given the words right of it (probabilities, best first).
    `forward_prob` / `backward_prob` `[T]`: the probability each LM gives the actual word (as `<UNK>`
    when it is outside the vocabulary, `in_vocab[t]` False); `forward_rank` / `backward_rank` `[T]`:
    its rank in that LM's distribution (1 = the LM's first guess).
    `perplexity`: {"forward", "backward", "average"} over the sentence's T words and its end marker
    (forward) / start marker (backward), as `Elmo.perplexity` measures it.
    """

    tokens: list[str]
    forward_top: list[Guesses]
    backward_top: list[Guesses]
    forward_prob: np.ndarray
    backward_prob: np.ndarray
    forward_rank: np.ndarray
    backward_rank: np.ndarray
    in_vocab: list[bool]
    perplexity: dict[str, float]


@dataclass
class BlankGuesses:
    """The guesses for the one blank of a sentence: `tokens[blank] == "___"`.

    `forward` / `backward` / `combined`: top-k (word, probability). `combined` is
    softmax(log p_fwd + log p_bwd) over the vocabulary (a demonstration, never trained).
    `forward_logprob` / `backward_logprob` / `combined_logprob` `[V]`: the full distributions (natural log),
    -inf at the `excluded` words; `excluded_prob`: {"forward", "backward"} the probability each LM gave
    the excluded words (by default `<UNK>`, i.e. any word outside the vocabulary, and the two markers)
    before the rest was renormalized.
    """

    tokens: list[str]
    blank: int
    forward: Guesses
    backward: Guesses
    combined: Guesses
    forward_logprob: np.ndarray
    backward_logprob: np.ndarray
    combined_logprob: np.ndarray
    excluded: list[str]
    excluded_prob: dict[str, float]
