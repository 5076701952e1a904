"""What each layer knows: linear part-of-speech probes on frozen token vectors, with controls.

A probe is a multinomial logistic regression (scikit-learn, lbfgs, fixed seed) from one layer's
token vectors `[N, D]` to Penn Treebank tags, trained on some documents and scored on others
(Peters et al. 2018, §5.3, Table 6: a linear classifier on the frozen biLM). Beside its accuracy:

- the control task (Hewitt & Liang 2019, §2): every word type gets one fixed random tag, drawn from
  the real tag distribution; a probe that scores well on it memorises word identity. Selectivity =
  POS accuracy − control accuracy;
- the majority-tag-per-word baseline: each test word gets the tag it had most often in training
  (the most frequent tag overall for unseen words), the "layer 0 can already do a lot" reference;
- accuracy on ambiguous words only: test tokens whose type was seen with more than one tag in
  training, where the context must help.

Data: the POS-tagged OANC sample shipped in `assets/probes/oanc_sample.txt.gz` (see its card).
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine import ASSETS

PROBES = ASSETS / "probes"
SAMPLE = PROBES / "oanc_sample.txt.gz"
SEED = 0
C = 1.0  # inverse L2 strength of the probe (scikit-learn's default)
MAX_ITER = 100  # lbfgs iterations: a fixed budget (an early stop, which Hewitt & Liang find raises selectivity)


@dataclass
class TaggedSentence:
    document: str
    split: str  # "train" or "test"
    words: list[str]
    tags: list[str]


@dataclass
class TaggedSample:
    """The probe's data: sentences, split by documents (never a document on both sides)."""

    sentences: list[TaggedSentence]

    def part(self, split: str) -> list[TaggedSentence]:
        return [s for s in self.sentences if s.split == split]

    def words(self, split: str) -> list[str]:
        return [w for s in self.part(split) for w in s.words]

    def tags(self, split: str) -> list[str]:
        return [t for s in self.part(split) for t in s.tags]


def parse_tagged_line(line: str) -> tuple[list[str], list[str]]:
    """`word/TAG word/TAG ...` -> (words, tags). The tag is after the last slash ("1/2/CD" is "1/2");
    a double tag "VBG|NN" keeps its first. Raises ValueError naming a token without a tag."""
    words, tags = [], []
    for token in line.split():
        word, slash, tag = token.rpartition("/")
        if not slash or not word or not tag:
            raise ValueError(f"'{token}' is not word/TAG")
        words.append(word)
        tags.append(tag.split("|")[0])
    return words, tags


def read_sample(path: Path = SAMPLE) -> TaggedSample:
    """The shipped sample: `# document <id> <split>` headers, then one tagged sentence per line."""
    sentences: list[TaggedSentence] = []
    document, split = "", ""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("# document "):
                _, _, document, split = line.split()
            elif line:
                words, tags = parse_tagged_line(line)
                sentences.append(TaggedSentence(document, split, words, tags))
    return TaggedSample(sentences)


# ---------------------------------------------------------------------------------------------
# control task, baselines
# ---------------------------------------------------------------------------------------------
def tag_distribution(tags: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """(tag names sorted, their shares among `tags`): the empirical tag distribution."""
    counts = Counter(tags)
    names = sorted(counts)
    total = sum(counts.values())
    return names, np.array([counts[t] / total for t in names])


def control_tags(types: Sequence[str], tags: Sequence[str], seed: int = SEED) -> dict[str, str]:
    """Hewitt & Liang's control task: word type -> a tag drawn once from the tag distribution of `tags`.

    Types are taken in sorted order, so the draw depends only on the set of types and the seed."""
    names, shares = tag_distribution(tags)
    unique = sorted(set(types))
    drawn = np.random.default_rng(seed).choice(len(names), size=len(unique), p=shares)
    return {word: names[k] for word, k in zip(unique, drawn, strict=True)}


def majority_tags(words: Sequence[str], tags: Sequence[str]) -> tuple[dict[str, str], str]:
    """(word -> its most frequent tag in training, ties to the alphabetically first; the most frequent
    tag overall, for unseen words)."""
    per_word: dict[str, Counter] = defaultdict(Counter)
    for word, tag in zip(words, tags, strict=True):
        per_word[word][tag] += 1
    best = {w: min(c, key=lambda t: (-c[t], t)) for w, c in per_word.items()}
    overall = Counter(tags)
    return best, min(overall, key=lambda t: (-overall[t], t))


def ambiguous_types(words: Sequence[str], tags: Sequence[str]) -> set[str]:
    """Word types seen with more than one tag."""
    seen: dict[str, set[str]] = defaultdict(set)
    for word, tag in zip(words, tags, strict=True):
        seen[word].add(tag)
    return {w for w, t in seen.items() if len(t) > 1}


def accuracy(predicted: Sequence[str], gold: Sequence[str]) -> float:
    return float(np.mean(np.asarray(predicted) == np.asarray(gold))) if len(gold) else float("nan")


# ---------------------------------------------------------------------------------------------
# the probe
# ---------------------------------------------------------------------------------------------
@dataclass
class LinearProbe:
    """Standardise, then softmax(W x + b): `mean`, `scale` `[D]`, `coef` `[K, D]`, `intercept` `[K]`."""

    classes: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def scores(self, x: np.ndarray) -> np.ndarray:
        """`[N, K]` logits for token vectors `[N, D]`."""
        return ((x - self.mean) / self.scale) @ self.coef.T + self.intercept

    def predict(self, x: np.ndarray) -> list[str]:
        return [self.classes[k] for k in np.argmax(self.scores(x), axis=1)]

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = self.scores(x)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def fit_probe(x: np.ndarray, labels: Sequence[str], seed: int = SEED) -> LinearProbe:
    """A multinomial logistic regression on standardised features (lbfgs, L2 with C=1, at most `MAX_ITER` steps,
    `random_state=seed`). `x` is `[N, D]` float; returns its weights as plain arrays."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    x = np.asarray(x, dtype=np.float64)
    scaler = StandardScaler().fit(x)
    # one thread: on 2 shared cores OpenMP/BLAS threads spin against each other (10x slower measured)
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the iteration budget is part of the probe
        model = LogisticRegression(C=C, max_iter=MAX_ITER, random_state=seed).fit(scaler.transform(x), list(labels))
    classes = [str(c) for c in model.classes_]
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: logits (0, w x + b)
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    return LinearProbe(classes, scaler.mean_, scaler.scale_, coef, intercept)


@dataclass
class ProbeScores:
    """One layer's scores on the test documents (shares of test tokens, 0..1)."""

    accuracy: float
    control_accuracy: float
    ambiguous_accuracy: float

    @property
    def selectivity(self) -> float:
        return self.accuracy - self.control_accuracy


@dataclass
class ProbeTask:
    """Everything a layer's probe needs but its features: labels and masks, computed once per sample."""

    train_tags: list[str]
    test_tags: list[str]
    train_control: list[str]
    test_control: list[str]
    ambiguous: np.ndarray  # bool [N_test]: test tokens whose type had more than one tag in training
    majority_accuracy: float
    majority_ambiguous_accuracy: float


def make_task(sample: TaggedSample, seed: int = SEED) -> ProbeTask:
    train_words, test_words = sample.words("train"), sample.words("test")
    train_tags, test_tags = sample.tags("train"), sample.tags("test")
    control = control_tags(train_words + test_words, train_tags + test_tags, seed)
    majority, fallback = majority_tags(train_words, train_tags)
    guesses = [majority.get(w, fallback) for w in test_words]
    several = ambiguous_types(train_words, train_tags)
    ambiguous = np.array([w in several for w in test_words])
    return ProbeTask(
        train_tags,
        test_tags,
        [control[w] for w in train_words],
        [control[w] for w in test_words],
        ambiguous,
        accuracy(guesses, test_tags),
        accuracy(np.asarray(guesses)[ambiguous], np.asarray(test_tags)[ambiguous]),
    )


def probe_layer(train_x: np.ndarray, test_x: np.ndarray, task: ProbeTask) -> tuple[ProbeScores, LinearProbe]:
    """Fit the POS probe and the control probe on one layer's train vectors `[N_train, D]`; score both
    on its test vectors `[N_test, D]`. Returns the scores and the POS probe."""
    probe = fit_probe(train_x, task.train_tags)
    predicted = np.asarray(probe.predict(test_x))
    control = fit_probe(train_x, task.train_control)
    gold = np.asarray(task.test_tags)
    scores = ProbeScores(
        accuracy(predicted, gold),
        accuracy(control.predict(test_x), task.test_control),
        accuracy(predicted[task.ambiguous], gold[task.ambiguous]),
    )
    return scores, probe
