"""Minimal pairs: how far each word's representation moves when one word of the sentence changes.

Where context flows is an architecture fact, and these numbers make it exact:

- the char-LSTM reads left to right (Hochreiter & Schmidhuber 1997): its state before the first
  changed character is the same to the last bit, so it moves by exactly 0;
- ELMo's forward LSTM reads left to right and its backward LSTM right to left (Peters et al. 2018):
  the forward half moves by exactly 0 before the changed word, the backward half after it, and
  layer 0 (the char-CNN, context-free) moves only at the changed word itself;
- the Transformer's self-attention (Vaswani et al. 2017) lets every token see every other: from
  layer 1 on every word moves.

The exact zeros hold because each sentence is run the same way (alone, no padding): identical
inputs give identical floats, and identical vectors are given a distance of exactly 0.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from engine.compare.alignment import WordPairing, pair_words
from engine.compare.runs import ELMO_ROWS, Models, SentenceRun, cosine_similarity, run_sentence
from engine.text import steps as text_steps
from i18n import N_, _

UNITS = {  # English; translated where shown (figures.compare)
    "char-LSTM": N_("L2 norm of the change of (h, c) at the word's last character"),
    "ELMo": N_("cosine distance (1 − cos) of the word's vector"),
    "MiniLM": N_("cosine distance (1 − cos) of the word's vector (mean of its subwords)"),
}


@dataclass
class ModelDiff:
    """One model's distances between the two sentences.

    layers:    L row names ("L1", "L1 forward", ...)
    distance:  float64 `[L, N]`, one column per aligned word pair (`PairDiff.pairing.rows`); NaN where a
               word has no partner (or the model has no token for it)
    moved:     bool `[L, N]`: False exactly where the two vectors are bit-for-bit identical
    unit:      what the numbers are (`UNITS`)
    """

    model: str
    layers: list[str]
    distance: np.ndarray
    moved: np.ndarray
    unit: str


@dataclass
class PairDiff:
    """The result of `minimal_pair(a, b)`.

    a, b:            the two runs (texts as the models read them, alignments, states)
    pairing:         the N aligned word pairs (i in A, j in B), which of them changed, and a summary
    models:          three `ModelDiff`s in the order char-LSTM, ELMo, MiniLM (`[L, N]` each)
    char_prefix:     number of leading char-LSTM steps (`engine.text.steps`) the two texts share
    char_distance:   float64 `[lstm layers, min(steps a, steps b)]`: the char-LSTM's ‖Δ(h, c)‖ after each
                     step (counted from the start of both texts); exactly 0
                     for the first `char_prefix` positions
    """

    a: SentenceRun
    b: SentenceRun
    pairing: WordPairing
    models: list[ModelDiff]
    char_prefix: int
    char_distance: np.ndarray

    def model(self, name: str) -> ModelDiff:
        return next(m for m in self.models if m.model == name)

    @property
    def labels(self) -> list[str]:
        """One `n:word` label per aligned pair; a changed pair reads "n:river→money"."""
        out = []
        for n, (i, j) in enumerate(self.pairing.rows):
            left = self.a.alignment.words[i] if i is not None else "∅"
            right = self.b.alignment.words[j] if j is not None else "∅"
            out.append(f"{n}:{left}" if left == right else f"{n}:{left}→{right}")
        return out

    def table(self) -> list[dict]:
        """Long-form rows (model, layer, position, word A, word B, changed, distance, moved, unit)."""
        rows = []
        for diff in self.models:
            for layer, name in enumerate(diff.layers):
                for n, (i, j) in enumerate(self.pairing.rows):
                    value = diff.distance[layer, n]
                    rows.append(
                        {
                            "model": diff.model,
                            "layer": name,
                            "position": n,
                            "word_a": self.a.alignment.words[i] if i is not None else "",
                            "word_b": self.b.alignment.words[j] if j is not None else "",
                            "changed": self.pairing.changed[n],
                            "distance": "" if np.isnan(value) else repr(float(value)),
                            "moved": bool(diff.moved[layer, n]),
                            "unit": diff.unit,
                        }
                    )
        return rows

    def to_csv(self) -> str:
        buffer = io.StringIO()
        rows = self.table()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["model"])
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()


def minimal_pair(a: str, b: str, models: Models | None = None) -> PairDiff:
    """Run both sentences through the char-LSTM, ELMo and MiniLM and measure, per model, layer and
    aligned word, how far the word's representation moved from sentence `a` to sentence `b`.

    Returns a `PairDiff`: distances `[layers, N]` per model over the N aligned word pairs (char-LSTM
    2 layers, ELMo 5 rows, MiniLM 7 rows; units in `UNITS`). Sentences that differ in more than one
    word or in length are aligned with difflib; `pairing.summary` says what was compared.
    Raises `InputError` for an empty sentence or one over a model's limit.
    """
    return pair_diff(run_sentence(a, models), run_sentence(b, models))


def pair_diff(a: SentenceRun, b: SentenceRun) -> PairDiff:
    """`minimal_pair` from two runs already computed (the app caches runs per sentence)."""
    pairing = pair_words(a.alignment.words, b.alignment.words)
    rows = pairing.rows
    lstm = _lstm_diff(a, b, rows)
    elmo = _cosine_diff("ELMo", ELMO_ROWS, a.elmo_halves, b.elmo_halves, rows)
    transformer = _cosine_diff(a.transformer_name, a.transformer_rows, a.words_hidden, b.words_hidden, rows)
    steps_a, steps_b = [s.text for s in text_steps(a.text)], [s.text for s in text_steps(b.text)]
    steps = min(len(steps_a), len(steps_b))
    prefix = next((t for t in range(steps) if steps_a[t] != steps_b[t]), steps)
    char_distance = _state_change(a.lstm_h[:, :steps], a.lstm_c[:, :steps], b.lstm_h[:, :steps], b.lstm_c[:, :steps])
    return PairDiff(a, b, pairing, [lstm, elmo, transformer], prefix, char_distance)


def _state_change(h_a: np.ndarray, c_a: np.ndarray, h_b: np.ndarray, c_b: np.ndarray) -> np.ndarray:
    """‖(h_a − h_b, c_a − c_b)‖₂ over the units, float64: `[..., units]` -> `[...]`."""
    dh = h_a.astype(np.float64) - h_b.astype(np.float64)
    dc = c_a.astype(np.float64) - c_b.astype(np.float64)
    return np.sqrt((dh**2).sum(-1) + (dc**2).sum(-1))


def _lstm_diff(a: SentenceRun, b: SentenceRun, rows: list[tuple[int | None, int | None]]) -> ModelDiff:
    layers = a.lstm_h.shape[0]
    distance = np.full((layers, len(rows)), np.nan)
    moved = np.ones((layers, len(rows)), dtype=bool)
    last_a, last_b = a.alignment.last_char, b.alignment.last_char
    for n, (i, j) in enumerate(rows):
        if i is None or j is None:
            continue
        ta, tb = last_a[i], last_b[j]
        distance[:, n] = _state_change(a.lstm_h[:, ta], a.lstm_c[:, ta], b.lstm_h[:, tb], b.lstm_c[:, tb])
        moved[:, n] = distance[:, n] != 0
    names = [f"L{k + 1}" for k in range(layers)]
    return ModelDiff("char-LSTM", names, distance, moved, UNITS["char-LSTM"])


def _cosine_diff(
    model: str, names: list[str], va: np.ndarray, vb: np.ndarray, rows: list[tuple[int | None, int | None]]
) -> ModelDiff:
    """`va` `[L, Wa, D]`, `vb` `[L, Wb, D]` -> cosine distance `[L, N]` over the aligned pairs."""
    distance = np.full((len(names), len(rows)), np.nan)
    moved = np.ones((len(names), len(rows)), dtype=bool)
    for n, (i, j) in enumerate(rows):
        if i is None or j is None:
            continue
        x, y = va[:, i], vb[:, j]
        same = np.all(x == y, axis=-1)
        distance[:, n] = np.where(same, 0.0, np.maximum(1.0 - cosine_similarity(x, y), 0.0))
        moved[:, n] = ~same
    return ModelDiff(model, names, distance, moved, UNITS.get(model, UNITS["MiniLM"]))


def flow_facts(diff: PairDiff) -> list[str]:
    """Plain sentences stating, from this pair's numbers, where each model's context flows (in this run's
    interface language, `i18n._`)."""
    facts: list[str] = []
    first = diff.pairing.first_change
    if first is None:
        return [_("The sentences are the same word for word: nothing moves.")]
    lstm = diff.model("char-LSTM")
    before = diff.char_distance[:, : diff.char_prefix]
    facts.append(
        _(
            "char-LSTM: the first {count} characters are shared; its state after each of them moved by "
            "{moved}. From the first changed character on it moves (up to {most:.2f} at a word's end)."
        ).format(count=diff.char_prefix, moved=_exact(before), most=np.nanmax(lstm.distance))
    )
    elmo = diff.model("ELMo")
    forward = elmo.distance[[1, 3], :first]
    backward = elmo.distance[[2, 4], :first]
    last = len(diff.pairing.changed) - 1 - diff.pairing.changed[::-1].index(True)
    after = elmo.distance[[2, 4], last + 1 :]
    l0 = np.delete(elmo.distance[0], np.flatnonzero(diff.pairing.changed))
    numbers = {"forward": _exact(forward), "backward": np.nanmax(backward, initial=0.0), "layer0": _exact(l0)}
    if after.size:
        sentence = _(
            "ELMo: before the first changed word the forward halves moved by {forward}, the backward halves "
            "by up to {backward:.3f}; after the last changed word the backward halves moved by {after}; "
            "layer 0 (char-CNN) moved at unchanged words by {layer0}."
        ).format(after=_exact(after), **numbers)
    else:
        sentence = _(
            "ELMo: before the first changed word the forward halves moved by {forward}, the backward halves "
            "by up to {backward:.3f}; layer 0 (char-CNN) moved at unchanged words by {layer0}."
        ).format(**numbers)
    facts.append(sentence)
    mini = diff.model(diff.models[2].model)
    unchanged = ~np.asarray(diff.pairing.changed)
    above = mini.distance[1:, unchanged]
    facts.append(
        _(
            "{model}: from layer 1 on, unchanged words moved by {low:.4f} to {high:.4f}: attention carries the "
            "change everywhere."
        ).format(
            model=diff.a.transformer_name, low=np.nanmin(above, initial=np.inf), high=np.nanmax(above, initial=0.0)
        )
        if above.size
        else _("{model}: every word changed.").format(model=diff.a.transformer_name)
    )
    return facts


def _exact(values: np.ndarray) -> str:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return _("nothing (no such word)")
    return _("exactly 0") if not values.any() else _("up to {value:.3g}").format(value=values.max())
