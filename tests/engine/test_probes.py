"""Probes (issue 26): the probe against an independent fit, the control task, the baselines, GloVe's
checksum and vocabulary, and the shipped card against what the shipped code computes."""

from __future__ import annotations

import json
import shutil
import warnings
from collections import Counter

import numpy as np
import pytest

from engine.analysis import probes as P
from engine.models import glove
from engine.validation import InputError, ModelLoadError


@pytest.fixture(scope="module")
def sample() -> P.TaggedSample:
    return P.read_sample()


@pytest.fixture(scope="module")
def vectors() -> glove.Glove:
    return glove.load()


def _independent_glove(tokens: list[str]) -> np.ndarray:
    """GloVe features read straight from the wheel's files (not through engine.models.glove)."""
    import pyarrow.parquet as pq

    folder = glove.data_dir()
    matrix = np.load(folder / glove.VECTORS_FILE, allow_pickle=False)
    words = pq.read_table(folder / glove.INDEX_FILE).column(0).to_pylist()
    row = {}
    for k, w in enumerate(words):
        row.setdefault(w, k)
    return np.array([matrix[row[t.lower()]] if t.lower() in row else np.zeros(50, np.float32) for t in tokens])


def test_probe_accuracy_equals_an_independent_fit(sample, vectors):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    train = [s for s in sample.part("train") if s.document == "000"]
    test = [s for s in sample.part("test") if s.document == "048"]
    train_words, test_words = [w for s in train for w in s.words], [w for s in test for w in s.words]
    train_tags, test_tags = [t for s in train for t in s.tags], [t for s in test for t in s.tags]
    x_train, x_test = _independent_glove(train_words), _independent_glove(test_words)
    np.testing.assert_array_equal(x_train, vectors.lookup(train_words)[0])

    scaler = StandardScaler().fit(x_train.astype(np.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = LogisticRegression(C=P.C, max_iter=P.MAX_ITER, random_state=P.SEED)
        reference.fit(scaler.transform(x_train.astype(np.float64)), train_tags)
    guesses = reference.predict(scaler.transform(x_test.astype(np.float64)))
    right = 0
    for guess, gold in zip(guesses, test_tags, strict=True):  # a plain loop
        right += guess == gold
    probe = P.fit_probe(x_train, train_tags)
    assert P.accuracy(probe.predict(x_test), test_tags) == pytest.approx(right / len(test_tags), abs=1e-6)
    assert right / len(test_tags) > 0.5  # the probe learned something: far above the 15 % of the top tag


def test_control_task_gives_each_type_one_tag_from_the_real_distribution(sample):
    task = P.make_task(sample)
    words = sample.words("train") + sample.words("test")
    tags_by_type: dict[str, set[str]] = {}
    for word, tag in zip(words, task.train_control + task.test_control, strict=True):
        tags_by_type.setdefault(word, set()).add(tag)
    assert all(len(t) == 1 for t in tags_by_type.values())
    assert len(set(task.train_control)) > 10  # not one tag for everything

    # the draw follows the real tag distribution: 200,000 types, shares within 4 standard errors
    real = ["NN"] * 50 + ["DT"] * 30 + ["VB"] * 15 + [","] * 5
    drawn = Counter(P.control_tags([f"w{k}" for k in range(200_000)], real).values())
    for tag, share in zip(*P.tag_distribution(real), strict=True):
        error = np.sqrt(share * (1 - share) / 200_000)
        assert abs(drawn[tag] / 200_000 - share) < 4 * error
    assert P.control_tags(["b", "a"], real) == P.control_tags(["a", "b", "a"], real)  # types, not tokens


def test_majority_baseline_and_ambiguous_words_against_plain_loops(sample):
    task = P.make_task(sample)
    counts: dict[str, Counter] = {}
    for word, tag in zip(sample.words("train"), sample.tags("train"), strict=True):
        counts.setdefault(word, Counter())[tag] += 1
    overall = Counter(sample.tags("train")).most_common(1)[0][0]
    right = right_ambiguous = ambiguous = 0
    for word, tag in zip(sample.words("test"), sample.tags("test"), strict=True):
        guess = overall
        if word in counts:
            best = max(counts[word].values())
            guess = sorted(t for t, c in counts[word].items() if c == best)[0]
        right += guess == tag
        if word in counts and len(counts[word]) > 1:
            ambiguous += 1
            right_ambiguous += guess == tag
    assert task.majority_accuracy == pytest.approx(right / len(task.test_tags), abs=1e-12)
    assert int(task.ambiguous.sum()) == ambiguous
    assert task.majority_ambiguous_accuracy == pytest.approx(right_ambiguous / ambiguous, abs=1e-12)


def test_split_is_by_documents(sample):
    train = {s.document for s in sample.part("train")}
    test = {s.document for s in sample.part("test")}
    assert train and test and not train & test
    assert 20_000 <= len(sample.words("train")) <= 40_000


def test_tagged_lines_are_parsed_and_bad_tokens_named():
    assert P.parse_tagged_line("1/2/CD a/DT run/VBG|NN") == (["1/2", "a", "run"], ["CD", "DT", "VBG"])
    with pytest.raises(ValueError, match="'book' is not word/TAG"):
        P.parse_tagged_line("a/DT book")


def test_glove_is_checked_against_its_hash(tmp_path):
    folder = glove.data_dir()
    (tmp_path / glove.VECTORS_FILE).symlink_to(folder / glove.VECTORS_FILE)
    shutil.copy(folder / glove.INDEX_FILE, tmp_path / glove.INDEX_FILE)
    with (tmp_path / glove.INDEX_FILE).open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelLoadError, match="sha256"):
        glove.load(tmp_path)
    (tmp_path / glove.INDEX_FILE).unlink()
    with pytest.raises(ModelLoadError, match="missing"):
        glove.load(tmp_path)


def test_a_word_outside_glove_gets_a_message(vectors):
    with pytest.raises(InputError, match="'qzxvbnk' is not in GloVe's vocabulary"):
        vectors.vector("qzxvbnk")
    assert vectors.neighbours("Bank", k=3)[0][0] == "banks"
    _, known = vectors.lookup(["the", "qzxvbnk"])
    assert known.tolist() == [True, False]


def test_card_is_what_the_shipped_code_computes(sample):
    """Stale-card check: the sample summary and baselines exactly, and the GloVe row recomputed in full
    (probe, control, ambiguous words, sense 1-NN); the shipped GloVe probe reproduces its accuracy."""
    from engine.analysis import homographs, probe_card, token_vectors

    card = json.loads(probe_card.CARD.read_text(encoding="utf-8"))
    task = P.make_task(sample)
    assert card["sample"] == json.loads(json.dumps(probe_card.sample_summary(sample, task)))
    assert card["baselines"] == {
        "majority": task.majority_accuracy,
        "majority_ambiguous": task.majority_ambiguous_accuracy,
    }
    assert card["probe"]["max_iter"] == P.MAX_ITER and card["probe"]["C"] == P.C and card["probe"]["seed"] == P.SEED
    static = glove.load()

    def vectorize(sentences):
        return token_vectors.glove_token_vectors(static, sentences)

    rows, _probes = probe_card.probe_model(vectorize, sample, task, progress=lambda _: None)
    shipped = next(m for m in card["models"] if m["key"] == "glove")["layers"]
    tolerance = 2 / len(task.test_tags)  # two test tokens: another BLAS may round one prediction differently
    for mine, theirs in zip(rows, shipped, strict=True):
        for column in ("pos", "control", "ambiguous", "sense_1nn", "selectivity"):
            assert mine[column] == pytest.approx(theirs[column], abs=tolerance), column
    _, test_x = vectorize([s.words for s in sample.part("test")])
    from_file = homographs.shipped_probes()["glove"][0]
    assert P.accuracy(from_file.predict(test_x[0]), task.test_tags) == pytest.approx(shipped[0]["pos"], abs=tolerance)
    assert {m["key"] for m in card["models"]} >= {"elmo", "minilm", "glove"}
