"""Numbers read off a language model's next-step distributions: top-k guesses, the actual next
token's probability and rank, surprisal in bits, and how far an intervention moved a distribution.

surprisal_t = −log2 p(x_{t+1} | x_{≤t}) (bits; Shannon 1948); its mean over a text is the bits per
character. KL(p ‖ q) = Σ_v p_v log2(p_v / q_v), in bits (Kullback & Leibler 1951).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.text import steps

TINY = 1e-30  # keeps log2 finite where a float32 probability underflowed to 0


@dataclass
class NextStepTable:
    """Per step t of a text of T steps (row t: after reading step t).

    top_ids, top_probs: `[T, k]`, most likely next tokens first.
    actual_prob, surprisal (bits), actual_rank (1 = the top guess): `[T]`, for the token that really
    comes next; the last step has none (NaN, rank 0).
    """

    top_ids: np.ndarray
    top_probs: np.ndarray
    actual_prob: np.ndarray
    actual_rank: np.ndarray
    surprisal: np.ndarray

    @property
    def mean_surprisal(self) -> float:
        """Bits per token over the steps that have a next token (NaN for a one-step text)."""
        valid = self.surprisal[~np.isnan(self.surprisal)]
        return float(valid.mean()) if valid.size else float("nan")


def next_step_table(probs: np.ndarray, ids: np.ndarray, k: int = 5) -> NextStepTable:
    """`probs` `[T, V]` (row t: the distribution after step t), `ids` `[T]` the text's token ids."""
    probs = np.asarray(probs, dtype=np.float64)
    steps = probs.shape[0]
    top_ids = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    top_probs = np.take_along_axis(probs, top_ids, axis=1)
    actual_prob = np.full(steps, np.nan)
    actual_rank = np.zeros(steps, dtype=np.int64)
    if steps > 1:
        following = np.asarray(ids[1:])
        p = probs[np.arange(steps - 1), following]
        actual_prob[:-1] = p
        actual_rank[:-1] = 1 + (probs[:-1] > p[:, None]).sum(axis=1)
    surprisal = -np.log2(np.maximum(actual_prob, TINY))
    return NextStepTable(top_ids, top_probs, actual_prob, actual_rank, surprisal)


def kl_bits(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """KL(p ‖ q) in bits for every row of `p`, `q` `[T, V]` (p: before, q: after an intervention)."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * (np.log2(np.maximum(p, TINY)) - np.log2(np.maximum(q, TINY))), 0.0)
    return np.maximum(terms.sum(axis=1), 0.0)


def steps_of(text: str, char: str) -> list[int]:
    """Steps (`engine.text.steps`, the char-LSTM's) whose character is `char` (e.g. every double quote),
    with or without combining marks after it."""
    return [k for k, step in enumerate(steps(text)) if step.text[:1] == char]


def closing_quote(text: str, start: int = 0) -> int | None:
    """The step (`engine.text.steps`) of the first closing double quote after step `start`: the second '"'
    of the first pair that opens at or after `start`. None if the text has no such pair."""
    quotes = [k for k in steps_of(text, '"') if k >= start]
    return quotes[1] if len(quotes) >= 2 else None
