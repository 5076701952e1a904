"""One sentence per chart of the LSTM step-by-step, ELMo language model and Compare pages, with its key
number (what a screen reader reads). Pure functions of the same arrays the figure builders draw, in this run's
interface language (`i18n._`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from figures.common import label, visible
from i18n import N_, _


def _word(label: str) -> str:
    return f"'{visible(label)}'"


def top_guesses(step_labels: Sequence[str], actual_rank: np.ndarray) -> str:
    """`actual_rank` `[T]` as drawn (1 = the top guess was right; 0 = the last step, nothing follows it)."""
    ranks = np.asarray(actual_rank)
    scored = ranks >= 1
    hits = int((ranks == 1).sum())
    in_five = int((scored & (ranks <= 5)).sum())
    return _(
        "Top 5 guesses at {steps} steps: of the {scored} with a next character, the top guess "
        "was right at {hits} and the real next character was among the five at {in_five}."
    ).format(steps=len(ranks), scored=int(scored.sum()), hits=hits, in_five=in_five)


def surprisal(step_labels: Sequence[str], values: np.ndarray, unit: str = N_("bits per character")) -> str:
    """`values` `[T]` surprisal in bits; the last step has nothing after it when it is NaN."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    if not finite.any():
        return _("Surprisal: no step has a next character to predict.")
    k = int(np.nanargmax(np.where(finite, v, np.nan)))
    return _(
        "Surprisal: {mean:.2f} {unit} on average; the most surprising step is {step} ({token}), at {bits:.2f} bits."
    ).format(mean=np.mean(v[finite]), unit=_(unit), step=k, token=_word(step_labels[k]), bits=v[k])


def cell_step(values: np.ndarray, units: Sequence[int], tokens: Sequence[str], t: int) -> str:
    """`values` `[T, 7, U]` in `figures.cell.CELL_PARTS` order; the sentence reads step `t`."""
    row = np.asarray(values[t], dtype=np.float64)  # [7, U]
    u = int(np.argmax(np.abs(row[5] - row[0])))
    return _(
        "Cell at step {step} ({token}), {units} units: forget gate mean {forget:.2f}, "
        "input gate mean {input:.2f}; unit {unit}'s cell state moves most, {before:+.2f} → {after:+.2f}."
    ).format(
        step=t, token=_word(tokens[t]), units=len(units), forget=row[1].mean(), input=row[2].mean(), unit=units[u],
        before=row[0, u], after=row[5, u],
    )  # fmt: skip


def before_after(step_labels: Sequence[str], before: np.ndarray, after: np.ndarray, kl: np.ndarray) -> str:
    b, a, d = (np.asarray(x, dtype=np.float64) for x in (before, after, kl))
    k = int(np.nanargmax(d)) if np.isfinite(d).any() else 0
    return _(
        "Mean surprisal {before:.2f} → {after:.2f} bits per character; the prediction moved most "
        "after step {step} ({token}), KL {kl:.3f} bits."
    ).format(before=np.nanmean(b), after=np.nanmean(a), step=k, token=_word(step_labels[k]), kl=d[k])


def blank(result, k: int) -> str:
    """`result`: an `engine.analysis.language_model.BlankGuesses`."""
    parts = []
    for key, name in (
        ("forward", N_("forward LM")),
        ("backward", N_("backward LM")),
        ("combined", N_("both combined")),
    ):
        guesses = getattr(result, key)[:k]
        if guesses:
            word, p = guesses[0]
            parts.append(_("{direction} {word} p = {p:.3f}").format(direction=_(name), word=_word(word), p=p))
    return _("First guess for the blank: {guesses}.").format(guesses=_("; ").join(parts))


def word_probabilities(guesses) -> str:
    """`guesses`: an `engine.analysis.language_model.WordGuesses`."""
    parts = []
    for key, name in (("forward", N_("forward LM")), ("backward", N_("backward LM"))):
        probs = np.asarray(getattr(guesses, f"{key}_prob"), dtype=np.float64)
        if probs.size:
            k = int(np.argmin(probs))
            parts.append(
                _("{direction} least expects {word} (p = {p:.4f})").format(
                    direction=_(name), word=_word(guesses.tokens[k]), p=probs[k]
                )
            )
    return _("Probability of each actual word: {parts}.").format(parts=_("; ").join(parts))


def pair(diff) -> str:
    """`diff`: an `engine.compare.PairDiff`; per model, how many unchanged words moved in its last layer."""
    unchanged = ~np.asarray(diff.pairing.changed, dtype=bool)
    parts = []
    for m in diff.models:
        moved = np.asarray(m.moved[-1], dtype=bool) & unchanged
        parts.append(f"{m.model} {int(moved.sum())}")
    return _("Unchanged words whose last-layer vector moved, of {count}: {models}.").format(
        count=int(unchanged.sum()), models=_(", ").join(parts)
    )


def sentence_rows(view) -> str:
    """`view`: an `engine.compare.WordView`; the word most like the chosen one in each model's last row."""
    parts = []
    for g in view.groups:
        row = np.array(g.values[-1], dtype=np.float64)
        if "attention" not in g.what and 0 <= view.word < row.size:
            row[view.word] = np.nan  # the chosen word against itself is 1
        if np.isfinite(row).any():
            k = int(np.nanargmax(row))
            parts.append(f"{label(g.model)} {label(g.layers[-1])} {_word(view.labels[k])} {row[k]:.2f}")
    return _("Closest to {word} in each model's last row: {rows}.").format(
        word=_word(view.labels[view.word]), rows=_("; ").join(parts)
    )


def unit_bars(view) -> str:
    u = view.units
    parts = [_("layer {layer}: unit {unit}, change {change:.2f}").format(layer=layer + 1, unit=int(u.units[layer, 0]),
                                                                       change=u.change[layer, 0])
             for layer in range(u.units.shape[0]) if u.units.shape[1]]  # fmt: skip
    return _("The char-LSTM unit that changed most while it read {word}: {layers}.").format(
        word=_word(view.labels[view.word]), layers=_("; ").join(parts)
    )


def mix_weights(weights: Sequence[float], layer_names: Sequence[str]) -> str:
    """The learned ScalarMix weights s `[L]` (sum 1)."""
    w = np.asarray(weights, dtype=np.float64)
    k = int(np.argmax(w))
    return _("Learned mix: {layer} weighs most, s = {weight:.2f} (of {count} layers, weights summing to 1).").format(
        layer=label(layer_names[k]), weight=w[k], count=len(w)
    )


def mix_accuracy(fit, layer_names: Sequence[str]) -> str:
    """`fit`: an `engine.analysis.mix_learning.MixFit`."""
    layers = np.asarray(fit.layer_accuracy, dtype=np.float64)
    k = int(np.argmax(layers))
    return _(
        "Cross-validated accuracy: learned mix {mix:.2f}, best single layer {layer} {best:.2f}, "
        "most frequent sense {chance:.2f}."
    ).format(mix=fit.cv_accuracy, layer=label(layer_names[k]), best=layers[k], chance=fit.chance)
