"""Word senses across layers: find a word in sentences, take its vector at every layer, and measure
how well the layers separate its senses (in the original space, never in a 2-D picture).

Peters et al. (2018, Table 5) measure this with 1-nearest-neighbour word-sense disambiguation:
67.4 F1 from the biLM's first layer, 69.0 from its second. Here the same idea runs on a handful of
labelled sentences: leave-one-out 1-NN accuracy (cosine) and the silhouette score per layer.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine import ASSETS
from engine.analysis.projection import Projection, cosine_distances, unit_rows
from engine.analysis.sense_notes import line_notes
from engine.text import normalize, reading_form, tokenize_with_spans
from engine.validation import InputError, Problem, msg, msg_plural
from i18n import _, ngettext

SENSE_SETS = ASSETS / "senses"
CORPUS_SAMPLE = ASSETS / "corpus_sample.txt.gz"
PRESETS = ("bank", "plant", "spring", "bat", "play")
MAX_SENTENCES = 300
MAX_SENTENCE_CHARS = 500
MIN_POINTS = 3  # fewer occurrences cannot be compared


@dataclass
class Occurrence:
    """One use of the target word: the sentence, its tokens, and which token is the word."""

    line: int  # 1-based line in the user's input
    sentence: str
    tokens: list[str]
    index: int  # position of the target word in `tokens`
    label: str | None = None

    @property
    def highlighted(self) -> str:
        """The sentence with the target word in bold, for plotly hovers: the tokens escaped, so what
        the user typed shows literally (`figures.common.plotly_text`'s rule)."""
        escapes = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}
        tokens = ["".join(escapes.get(c, c) for c in t) for t in self.tokens]
        return " ".join(f"<b>{t}</b>" if k == self.index else t for k, t in enumerate(tokens))


@dataclass
class SenseInput:
    word: str
    occurrences: list[Occurrence]
    problems: list[Problem] = field(default_factory=list)

    @property
    def sense_labels(self) -> list[str] | None:
        """Every kept line's sense label, when every one has a label (even if they are all alike)."""
        labels = [o.label for o in self.occurrences]
        if not labels or any(label is None for label in labels):
            return None
        return labels  # type: ignore[return-value]

    @property
    def labels(self) -> list[str] | None:
        """The sense labels when they can be scored: every line has one, at least two senses, and at
        least two sentences share a sense (else 1-NN accuracy and silhouette are undefined)."""
        return self.sense_labels if self.sense_labels is not None and self.score_note is None else None

    @property
    def colour_note(self) -> str:
        """What the colours of the maps show, in words, in the interface language of the run that reads it (the
        page's caption; a cached SenseInput reads in whichever language is looking)."""
        labels = self.sense_labels
        if labels is None:
            labelled = sum(o.label is not None for o in self.occurrences)
            if labelled == 0:
                return _("no sense labels: colours are k-means clusters")
            return _("only {labelled} of {count} sentences have a sense label: colours are k-means clusters").format(
                labelled=labelled, count=len(self.occurrences)
            )
        senses = sorted(set(labels))
        if len(senses) == 1:
            return _("one sense, {sense}, on every sentence: one colour").format(sense=repr(senses[0]))
        return _("senses: {senses}").format(senses=_(", ").join(senses))

    @property
    def score_note(self) -> str | None:
        """Why the sense scores cannot be computed for these labels (None when they can), in this run's language."""
        labels = self.sense_labels
        n = len(self.occurrences)
        if labels is None:
            return _("Sense scores need a sense label on every sentence (label<TAB>sentence).")
        senses = set(labels)
        if len(senses) < 2:
            return _(
                "All {count} sentences carry the same sense label ({label}): the scores measure how well the "
                "layers separate senses, so they need at least two different labels."
            ).format(count=n, label=repr(labels[0]))
        if len(senses) == n:
            return _(
                "Each of the {count} sentences has a sense label of its own: no two share a sense, so no occurrence "
                "has a same-sense neighbour to find and 1-NN accuracy and the silhouette are undefined. Give at "
                "least two sentences the same label."
            ).format(count=n)
        return None

    @property
    def score_caveat(self) -> str | None:
        """A note when the scores are defined but some sense has a single sentence (it lowers 1-NN accuracy)."""
        labels = self.labels
        if labels is None:
            return None
        alone = sorted(sense for sense in set(labels) if labels.count(sense) == 1)
        if not alone:
            return None
        return ngettext(
            "The sense {senses} has one sentence only: such an occurrence can never have a same-sense neighbour, "
            "so 1-NN accuracy counts it as wrong in every layer.",
            "The senses {senses} have one sentence only: such an occurrence can never have a same-sense neighbour, "
            "so 1-NN accuracy counts it as wrong in every layer.",
            len(alone),
        ).format(senses=_(", ").join(repr(a) for a in alone))


def read_preset(name: str) -> tuple[str, str]:
    """(word, text) of a shipped sense set: `label<TAB>sentence` lines, the `#` header dropped."""
    path = SENSE_SETS / f"{name}.tsv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return name, "\n".join(lines)


def find_word(tokens: Sequence[str], word: str) -> tuple[list[int], bool]:
    """Positions of `word` among `tokens`: exact matches, else case-insensitive ones (flag True)."""
    word = reading_form(word)  # a soft hyphen or zero-width space inside a word does not hide it
    forms = [reading_form(t) for t in tokens]
    exact = [k for k, t in enumerate(forms) if t == word]
    if exact:
        return exact, False
    folded = word.casefold()
    return [k for k, t in enumerate(forms) if t.casefold() == folded], True


def parse_sentences(text: str, word: str, *, max_sentences: int = MAX_SENTENCES) -> SenseInput:
    """One sentence per line, optionally `label<TAB>sentence`. Every line that cannot be used is named."""
    word = normalize(word.strip())
    problems: list[Problem] = []
    if not word:
        return SenseInput(
            word, [], [Problem("error", msg("No target word: type the word whose senses you want to see."))]
        )
    if len(word.split()) > 1 or len([t for t in tokenize_with_spans(word)]) != 1:
        message = msg("'{word}' is not one word: type a single word such as bank.", word=word)
        return SenseInput(word, [], [Problem("error", message)])
    lines = [(k + 1, line) for k, line in enumerate(normalize(text or "").splitlines()) if line.strip()]
    if len(lines) > max_sentences:
        return SenseInput(
            word,
            [],
            [
                Problem(
                    "error",
                    msg(
                        "There are {count:,} sentences; this page compares at most {limit}. "
                        "Remove {over:,} lines (nothing was cut for you).",
                        count=len(lines),
                        limit=max_sentences,
                        over=len(lines) - max_sentences,
                    ),
                )
            ],
        )
    occurrences: list[Occurrence] = []
    missing, case_changed, repeated, too_long, duplicates = [], [], [], [], []
    seen: dict[str, int] = {}
    for number, line in lines:
        label, sentence = _split_label(line)
        if len(sentence) > MAX_SENTENCE_CHARS:
            too_long.append(number)
            continue
        key = " ".join(sentence.split()).casefold()
        if key in seen:
            duplicates.append((number, seen[key]))
            continue
        seen[key] = number
        tokens = [t.text for t in tokenize_with_spans(sentence)]
        positions, folded = find_word(tokens, word)
        if not positions:
            missing.append(number)
            continue
        if folded:
            case_changed.append(number)
        if len(positions) > 1:
            repeated.append(number)
        occurrences.append(Occurrence(number, sentence, tokens, positions[0], label))
    problems += line_notes(word, missing, case_changed, repeated, too_long, duplicates, MAX_SENTENCE_CHARS)
    labelled = [o for o in occurrences if o.label is not None]
    if labelled and len(labelled) < len(occurrences):
        problems.append(
            Problem(
                "info",
                msg(
                    "Only {labelled} of {count} sentences have a sense label: colours show clusters instead.",
                    labelled=len(labelled),
                    count=len(occurrences),
                ),
            )
        )
    if len(occurrences) < MIN_POINTS:
        problems.append(
            Problem(
                "error",
                msg_plural(
                    "Only {count} sentence use '{word}': at least {least} are needed to compare its vectors.",
                    "Only {count} sentences use '{word}': at least {least} are needed to compare its vectors.",
                    len(occurrences),
                    word=word,
                    least=MIN_POINTS,
                ),
            )
        )
    return SenseInput(word, occurrences, problems)


def _split_label(line: str) -> tuple[str | None, str]:
    if "\t" in line:
        label, sentence = line.split("\t", 1)
        return (label.strip() or None), sentence.strip()
    return None, line.strip()


def search_corpus(word: str, limit: int = 60, path: Path = CORPUS_SAMPLE) -> list[str]:
    """Up to `limit` sentences of the bundled corpus sample that contain `word` (any case)."""
    if not path.is_file():
        raise InputError(_("The corpus sample {path} is missing: run `make corpus` to rebuild it.").format(path=path))
    pattern = re.compile(rf"(?<!\S){re.escape(word)}(?!\S)", re.IGNORECASE)
    found = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if pattern.search(line):
                found.append(line.strip())
                if len(found) >= limit:
                    break
    return found


# ---------------------------------------------------------------------------------------------
# scores, measured in the original space
# ---------------------------------------------------------------------------------------------
def cosine_similarities(x: np.ndarray) -> np.ndarray:
    u = unit_rows(x)
    return u @ u.T


def loo_1nn_accuracy(x: np.ndarray, labels: Sequence[str], tie_tolerance: float = 1e-9) -> float:
    """Leave-one-out 1-nearest-neighbour accuracy with cosine similarity: for each point, does its
    most similar *other* point have the same label? Ties are broken at random, in expectation: a
    point whose nearest neighbours tie scores the share of them with its label. So identical vectors
    (ELMo's layer 0) score what chance gives, whatever the order of the sentences."""
    sims = cosine_similarities(x)
    np.fill_diagonal(sims, -np.inf)
    labels = np.asarray(labels)
    nearest = sims >= sims.max(axis=1, keepdims=True) - tie_tolerance  # [n, n]: the tied nearest neighbours
    same = labels[None, :] == labels[:, None]
    return float(np.mean((nearest & same).sum(axis=1) / nearest.sum(axis=1)))


def silhouette(x: np.ndarray, labels: Sequence[str]) -> float | None:
    """Mean silhouette with cosine distance; None when undefined (one label, or a label per point)."""
    labels = np.asarray(labels)
    if not 2 <= len(set(labels)) <= len(labels) - 1:
        return None
    distances = cosine_distances(x)
    _ignored, codes = np.unique(labels, return_inverse=True)
    members = np.eye(codes.max() + 1)[codes]  # [n, K] one-hot
    sizes = members.sum(axis=0)  # [K]
    sums = distances @ members  # [n, K]: each point's summed distance to each cluster
    rows, own_size = np.arange(len(codes)), sizes[codes]
    a = sums[rows, codes] / np.maximum(own_size - 1, 1)  # mean distance to the rest of its own cluster
    others = sums / sizes
    others[rows, codes] = np.inf
    b = others.min(axis=1)  # mean distance to the nearest other cluster
    larger = np.maximum(a, b)
    scores = np.where(larger > 0, (b - a) / np.where(larger > 0, larger, 1), 0.0)
    scores[own_size == 1] = 0.0  # sklearn's convention for singleton clusters
    return float(np.mean(scores))


def nearest_occurrences(x: np.ndarray, index: int, k: int = 5) -> list[tuple[int, float]]:
    """The k occurrences most similar (cosine) to occurrence `index`, most similar first."""
    sims = cosine_similarities(x)[index]
    sims[index] = -np.inf
    order = np.argsort(-sims, kind="stable")[:k]
    return [(int(j), float(sims[j])) for j in order]


def cluster_labels(x: np.ndarray, k: int = 2, seed: int = 0) -> list[str]:
    """k-means (on unit vectors) cluster names for unlabelled sentences."""
    from sklearn.cluster import KMeans

    k = max(1, min(k, len(x)))
    found = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(unit_rows(x))
    return [f"cluster {c + 1}" for c in found]


@dataclass
class LayerVectors:
    """The target word's vector at each layer of one model: `vectors` is `[layers, n, dim]`."""

    model: str
    layer_names: list[str]
    vectors: np.ndarray


def elmo_layer_vectors(
    embed: Callable[[list[list[str]]], list[np.ndarray]], occurrences: Sequence[Occurrence], model: str
) -> LayerVectors:
    """Layers 0, 1, 2 of an ELMo `embed` at each occurrence's word."""
    layers = embed([o.tokens for o in occurrences])
    vectors = np.stack([layer[:, o.index] for layer, o in zip(layers, occurrences, strict=True)], axis=1)
    names = ["layer 0 (char-CNN)"] + [f"layer {k}" for k in range(1, vectors.shape[0])]
    return LayerVectors(model, names, vectors)


def layer_scores(vectors: LayerVectors, labels: Sequence[str]) -> list[dict]:
    """Per layer: leave-one-out 1-NN accuracy and silhouette, in the original space."""
    return [
        {
            "model": vectors.model,
            "layer": name,
            "1-NN accuracy": loo_1nn_accuracy(layer, labels),
            "silhouette": silhouette(layer, labels),
        }
        for name, layer in zip(vectors.layer_names, vectors.vectors, strict=True)
    ]


def mix_parameters(weights: Sequence[float]) -> list[float]:
    """User-facing layer weights (any non-negative numbers) -> ScalarMix parameters before the softmax."""
    total = float(sum(weights))
    if total <= 0:
        raise InputError(_("At least one layer weight must be above 0."))
    return [float(np.log(w / total)) if w > 0 else -9e10 for w in weights]


def with_mix(vectors: LayerVectors, weights: Sequence[float]) -> LayerVectors:
    """Append ELMo's ScalarMix of the layers (eq. 1, γ = 1: γ only scales, so cosine ignores it)."""
    from engine.models.elmo import scalar_mix

    mixed = scalar_mix(vectors.vectors, mix_parameters(weights))  # [L, n, D] -> [n, D]
    shares = np.asarray(weights, dtype=float) / float(sum(weights))
    name = "mix " + "/".join(f"{s:.2f}".rstrip("0").rstrip(".") for s in shares)
    return LayerVectors(vectors.model, [*vectors.layer_names, name], np.concatenate([vectors.vectors, mixed[None]]))


def layer_projections(vectors: LayerVectors, method: str = "auto") -> list[tuple[str, Projection]]:
    """(layer name, its 2-D map) per layer; each map's coordinates aligned to the previous map's."""
    from engine.analysis.projection import align, project

    maps: list[tuple[str, Projection]] = []
    previous = None
    for name, layer in zip(vectors.layer_names, vectors.vectors, strict=True):
        projection = project(layer, method)
        if previous is not None and not projection.degenerate:
            projection.coords = align(previous, projection.coords)
        if not projection.degenerate:  # a degenerate map is never the reference of the next one
            previous = projection.coords
        maps.append((name, projection))
    return maps
