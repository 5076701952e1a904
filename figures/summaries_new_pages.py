"""One sentence per chart of the LSTM step-by-step, ELMo language model and Compare pages, with its key
number (what a screen reader reads). Pure functions of the same arrays the figure builders draw."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from figures.common import visible


def _word(label: str) -> str:
    return f"'{visible(label)}'"


def top_guesses(step_labels: Sequence[str], actual_rank: np.ndarray) -> str:
    """`actual_rank` `[T]` as drawn (1 = the top guess was right; 0 = the last step, nothing follows it)."""
    ranks = np.asarray(actual_rank)
    scored = ranks >= 1
    hits = int((ranks == 1).sum())
    in_five = int((scored & (ranks <= 5)).sum())
    return (
        f"Top 5 guesses at {len(ranks)} steps: of the {int(scored.sum())} with a next character, the top guess "
        f"was right at {hits} and the real next character was among the five at {in_five}."
    )


def surprisal(step_labels: Sequence[str], values: np.ndarray, unit: str = "bits per character") -> str:
    """`values` `[T]` surprisal in bits; the last step has nothing after it when it is NaN."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    if not finite.any():
        return "Surprisal: no step has a next character to predict."
    k = int(np.nanargmax(np.where(finite, v, np.nan)))
    return (
        f"Surprisal: {np.mean(v[finite]):.2f} {unit} on average; the most surprising step is {k} "
        f"({_word(step_labels[k])}), at {v[k]:.2f} bits."
    )


def cell_step(values: np.ndarray, units: Sequence[int], tokens: Sequence[str], t: int) -> str:
    """`values` `[T, 7, U]` in `figures.cell.CELL_PARTS` order; the sentence reads step `t`."""
    row = np.asarray(values[t], dtype=np.float64)  # [7, U]
    u = int(np.argmax(np.abs(row[5] - row[0])))
    return (
        f"Cell at step {t} ({_word(tokens[t])}), {len(units)} units: forget gate mean {row[1].mean():.2f}, "
        f"input gate mean {row[2].mean():.2f}; unit {units[u]}'s cell state moves most, "
        f"{row[0, u]:+.2f} → {row[5, u]:+.2f}."
    )


def before_after(step_labels: Sequence[str], before: np.ndarray, after: np.ndarray, kl: np.ndarray) -> str:
    b, a, d = (np.asarray(x, dtype=np.float64) for x in (before, after, kl))
    k = int(np.nanargmax(d)) if np.isfinite(d).any() else 0
    return (
        f"Mean surprisal {np.nanmean(b):.2f} → {np.nanmean(a):.2f} bits per character; the prediction moved most "
        f"after step {k} ({_word(step_labels[k])}), KL {d[k]:.3f} bits."
    )


def blank(result, k: int) -> str:
    """`result`: an `engine.analysis.language_model.BlankGuesses`."""
    parts = []
    for key, name in (("forward", "forward LM"), ("backward", "backward LM"), ("combined", "both combined")):
        guesses = getattr(result, key)[:k]
        if guesses:
            word, p = guesses[0]
            parts.append(f"{name} {_word(word)} p = {p:.3f}")
    return "First guess for the blank: " + "; ".join(parts) + "."


def word_probabilities(guesses) -> str:
    """`guesses`: an `engine.analysis.language_model.WordGuesses`."""
    parts = []
    for key, name in (("forward", "forward LM"), ("backward", "backward LM")):
        probs = np.asarray(getattr(guesses, f"{key}_prob"), dtype=np.float64)
        if probs.size:
            k = int(np.argmin(probs))
            parts.append(f"{name} least expects {_word(guesses.tokens[k])} (p = {probs[k]:.4f})")
    return "Probability of each actual word: " + "; ".join(parts) + "."


def pair(diff) -> str:
    """`diff`: an `engine.compare.PairDiff`; per model, how many unchanged words moved in its last layer."""
    unchanged = ~np.asarray(diff.pairing.changed, dtype=bool)
    parts = []
    for m in diff.models:
        moved = np.asarray(m.moved[-1], dtype=bool) & unchanged
        parts.append(f"{m.model} {int(moved.sum())}")
    return f"Unchanged words whose last-layer vector moved, of {int(unchanged.sum())}: " + ", ".join(parts) + "."


def sentence_rows(view) -> str:
    """`view`: an `engine.compare.WordView`; the word most like the chosen one in each model's last row."""
    parts = []
    for g in view.groups:
        row = np.array(g.values[-1], dtype=np.float64)
        if "attention" not in g.what and 0 <= view.word < row.size:
            row[view.word] = np.nan  # the chosen word against itself is 1
        if np.isfinite(row).any():
            k = int(np.nanargmax(row))
            parts.append(f"{g.model} {g.layers[-1]} {_word(view.labels[k])} {row[k]:.2f}")
    return f"Closest to {_word(view.labels[view.word])} in each model's last row: " + "; ".join(parts) + "."


def unit_bars(view) -> str:
    u = view.units
    parts = [f"layer {layer + 1}: unit {int(u.units[layer, 0])}, change {u.change[layer, 0]:.2f}"
             for layer in range(u.units.shape[0]) if u.units.shape[1]]  # fmt: skip
    return (
        f"The char-LSTM unit that changed most while it read {_word(view.labels[view.word])}: " + "; ".join(parts) + "."
    )


def mix_weights(weights: Sequence[float], layer_names: Sequence[str]) -> str:
    """The learned ScalarMix weights s `[L]` (sum 1)."""
    w = np.asarray(weights, dtype=np.float64)
    k = int(np.argmax(w))
    return f"Learned mix: {layer_names[k]} weighs most, s = {w[k]:.2f} (of {len(w)} layers, weights summing to 1)."


def mix_accuracy(fit, layer_names: Sequence[str]) -> str:
    """`fit`: an `engine.analysis.mix_learning.MixFit`."""
    layers = np.asarray(fit.layer_accuracy, dtype=np.float64)
    k = int(np.argmax(layers))
    return (
        f"Cross-validated accuracy: learned mix {fit.cv_accuracy:.2f}, best single layer {layer_names[k]} "
        f"{layers[k]:.2f}, most frequent sense {fit.chance:.2f}."
    )
