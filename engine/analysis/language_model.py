"""What ELMo's two language models expect: the pre-training task behind its vectors (Peters et al. 2018, §3.1).

The forward LM reads a sentence left to right and gives p(t_k | t_1 … t_{k-1}); the backward LM reads
it right to left and gives p(t_k | t_{k+1} … t_N). Both share one softmax (bilm-tf). This module asks
them, for a typed sentence, what they expect at every word (`word_guesses`), what they expect in a
blank (`fill_blank`), and how often their first guess is right on held-out text (`next_word_accuracy`).

The combination in `fill_blank` (log p_fwd + log p_bwd, renormalized over the vocabulary) is a
demonstration of what each direction knows: ELMo never trains or uses it; the two LMs are trained
separately, with a joint log-likelihood that is just the sum of their two losses (eq. in §3.1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from engine.analysis.lm_results import BLANK, BlankGuesses, Guesses, WordGuesses  # torch-free: stored views
from engine.models.elmo.characters import BOS, EOS, UNK, batch_to_ids
from engine.models.elmo.model import Elmo
from engine.validation import InputError
from i18n import _


def _require_softmax(elmo: Elmo) -> None:
    if not elmo.can_predict:
        raise InputError(
            _(
                "{name} has no softmax: AllenNLP's published ELMo files keep only the biLM's layers, not "
                "the output layer that turns them into word probabilities, so this model cannot guess "
                "words. Choose this app's biLM to see the language model."
            ).format(name=elmo.name)
        )


def _log_probs(elmo: Elmo, sentence: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """log p of every vocabulary word at every position of [<S>, sentence, </S>], per direction.

    Returns (forward, backward), each `[T + 2, V]`: row j of forward is the forward LM's distribution
    for position j given positions < j (row 0, <S>, is never predicted and left as -inf); row j of
    backward is the backward LM's for position j given positions > j (the last row is -inf).
    """
    weight, bias = elmo.softmax
    output = elmo.bilm(batch_to_ids([list(sentence)]))
    n = len(sentence) + 2
    empty = torch.full((1, weight.shape[0]), -torch.inf)
    forward = torch.log_softmax(output.top_forward[0, : n - 1] @ weight.T + bias, dim=-1)  # predicts 1 … n-1
    backward = torch.log_softmax(output.top_backward[0, 1:n] @ weight.T + bias, dim=-1)  # predicts 0 … n-2
    return torch.cat([empty, forward]), torch.cat([backward, empty])


def _top(elmo: Elmo, logp: torch.Tensor, k: int) -> Guesses:
    values, indices = logp.topk(min(k, logp.shape[-1]))
    return [(elmo.vocab[int(i)], float(np.exp(float(v)))) for v, i in zip(values, indices, strict=True)]


@torch.inference_mode()
def word_guesses(elmo: Elmo, sentence: Sequence[str], k: int = 5) -> WordGuesses:
    """Both LMs' top-k guesses, the actual word's probability and rank, at every word of `sentence`.

    Raises `InputError` for an empty sentence or a model without a softmax (the official files).
    """
    _require_softmax(elmo)
    if not sentence:
        raise InputError(_("The sentence is empty: type at least one word."))
    forward, backward = _log_probs(elmo, sentence)
    rows = torch.arange(1, len(sentence) + 1)
    ids = torch.tensor([elmo.word_id(w) for w in sentence])
    unk = elmo.word_index.get(UNK, -1)
    f_actual, b_actual = forward[rows, ids], backward[rows, ids]
    return WordGuesses(
        tokens=list(sentence),
        forward_top=[_top(elmo, forward[r], k) for r in rows],
        backward_top=[_top(elmo, backward[r], k) for r in rows],
        forward_prob=f_actual.exp().numpy(),
        backward_prob=b_actual.exp().numpy(),
        forward_rank=(forward[rows] > f_actual[:, None]).sum(-1).numpy() + 1,
        backward_rank=(backward[rows] > b_actual[:, None]).sum(-1).numpy() + 1,
        in_vocab=[int(i) != unk for i in ids],
        perplexity=elmo.perplexity([list(sentence)]),
    )


def find_blank(tokens: Sequence[str]) -> int:
    """The index of the one `___` in `tokens`; `InputError` when there is none or more than one."""
    blanks = [j for j, token in enumerate(tokens) if token == BLANK]
    if len(blanks) != 1:
        found = "none" if not blanks else f"{len(blanks)}"
        raise InputError(
            _(
                "Write the sentence with exactly one blank, three underscores ___ (found {found}), e.g. 'I "
                "sat on the ___ of the river'."
            ).format(found=found)
        )
    return blanks[0]


@torch.inference_mode()
def fill_blank(
    elmo: Elmo, tokens: Sequence[str], k: int = 10, exclude: Sequence[str] = (UNK, BOS, EOS)
) -> BlankGuesses:
    """The forward LM's guess for the blank from the words left of it, the backward LM's from the words
    right of it, and both combined: log p_fwd(w) + log p_bwd(w), renormalized over the vocabulary.

    The `exclude`d entries (by default `<UNK>`, which stands for every word outside the vocabulary at
    once, and the sentence markers) are taken out of both distributions first, and each is renormalized
    over the remaining words. Neither LM sees the blank itself (the forward one stops before it, the
    backward one after it), so the placeholder never matters. Raises `InputError` (no softmax, no or
    several blanks).
    """
    _require_softmax(elmo)
    blank = find_blank(tokens)
    forward, backward = _log_probs(elmo, tokens)
    f, b = forward[blank + 1], backward[blank + 1]
    excluded = [w for w in exclude if w in elmo.word_index]
    ids = torch.tensor([elmo.word_index[w] for w in excluded], dtype=torch.long)
    excluded_prob = {"forward": float(f[ids].exp().sum()), "backward": float(b[ids].exp().sum())}
    f, b = f.index_fill(0, ids, -torch.inf), b.index_fill(0, ids, -torch.inf)
    f, b = torch.log_softmax(f, dim=-1), torch.log_softmax(b, dim=-1)
    combined = torch.log_softmax(f + b, dim=-1)
    return BlankGuesses(
        tokens=list(tokens),
        blank=blank,
        forward=_top(elmo, f, k),
        backward=_top(elmo, b, k),
        combined=_top(elmo, combined, k),
        forward_logprob=f.numpy(),
        backward_logprob=b.numpy(),
        combined_logprob=combined.numpy(),
        excluded=excluded,
        excluded_prob=excluded_prob,
    )


def word_in_blank(elmo: Elmo, result: BlankGuesses, word: str) -> dict[str, tuple[float, int]]:
    """{"forward" | "backward" | "combined": (probability, rank)} of `word` in the blank (rank 1 = first guess).

    Raises `InputError` when the word is outside the vocabulary (or excluded, like `<UNK>`): it has no
    probability of its own there.
    """
    index = elmo.word_index.get(word.lower() if elmo.lowercase_vocab else word)
    if index is None or word in result.excluded:
        raise InputError(
            _(
                "'{word}' is not in {name}'s {count:,}-word vocabulary, so it has no probability of its own"
                " (it would be one of the words <UNK> stands for)."
            ).format(word=word, name=elmo.name, count=len(elmo.vocab))
        )
    out = {}
    for key in ("forward", "backward", "combined"):
        logp = getattr(result, f"{key}_logprob")
        out[key] = (float(np.exp(logp[index])), int((logp > logp[index]).sum()) + 1)
    return out


def next_word_accuracy(elmo: Elmo, sentences: Sequence[Sequence[str]], batch_size: int = 64) -> dict[str, float]:
    """Top-1 accuracy of each LM over every predicted position (the T words and the end marker for the
    forward LM, the T words and the start marker for the backward LM), stateless, out-of-vocabulary
    words counted as `<UNK>` (as in `Elmo.perplexity`). Returns {"forward", "backward", "average", "positions"}.
    """
    scores = held_out_scores(elmo, sentences, batch_size)
    return {**scores["accuracy"], "positions": float(scores["positions"])}


@torch.inference_mode()
def held_out_scores(elmo: Elmo, sentences: Sequence[Sequence[str]], batch_size: int = 64) -> dict:
    """Top-1 accuracy and full-softmax perplexity of both LMs from one pass over `sentences`.

    Returns {"accuracy": {"forward", "backward", "average"}, "perplexity": {"forward", "backward",
    "average"}, "positions": int}. The positions are those of `next_word_accuracy`; the perplexity is
    exp(mean cross-entropy in nats) as `Elmo.perplexity` computes it (bilm-tf's average: exp of the mean
    of both directions' losses). Raises InputError without a softmax or without a non-empty sentence.
    """
    _require_softmax(elmo)
    weight, bias = elmo.softmax
    hits, nats, count = {"forward": 0, "backward": 0}, {"forward": 0.0, "backward": 0.0}, 0
    ordered = sorted((list(s) for s in sentences if s), key=len)
    for start in range(0, len(ordered), batch_size):
        batch = ordered[start : start + batch_size]
        output = elmo.bilm(batch_to_ids(batch))
        width = output.mask.shape[1]
        targets = torch.tensor([[elmo.word_id(w) for w in [BOS, *s, EOS]] + [0] * (width - len(s) - 2) for s in batch])
        valid = output.mask[:, 1:]
        for direction, hidden, target in (
            ("forward", output.top_forward[:, :-1], targets[:, 1:]),  # at t, the word at t + 1
            ("backward", output.top_backward[:, 1:], targets[:, :-1]),  # at t, the word at t - 1
        ):
            logits = hidden[valid] @ weight.T + bias
            hits[direction] += int((logits.argmax(-1) == target[valid]).sum())
            nats[direction] += float(torch.nn.functional.cross_entropy(logits, target[valid], reduction="sum"))
        count += int(valid.sum())
    if count == 0:
        raise InputError(_("No sentences given: the scores need at least one non-empty sentence."))
    accuracy = {key: value / count for key, value in hits.items()}
    accuracy["average"] = (accuracy["forward"] + accuracy["backward"]) / 2
    perplexity = {key: float(np.exp(value / count)) for key, value in nats.items()}
    perplexity["average"] = float(np.exp((nats["forward"] + nats["backward"]) / (2 * count)))
    return {"accuracy": accuracy, "perplexity": perplexity, "positions": count}
