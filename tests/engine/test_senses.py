"""Sense scores on synthetic sets with known answers, the projections, and the sentence parser."""

import numpy as np
import pytest

from engine.analysis import senses as S
from engine.analysis.projection import align, project
from engine.validation import InputError


def two_senses(n_per_sense: int, separation: float, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Two clusters on the unit sphere around orthogonal centres, `separation` controls the overlap."""
    rng = np.random.default_rng(seed)
    dim = 32
    centres = np.eye(dim)[:2] * separation
    points = [centres[k] + rng.normal(0, 1 / np.sqrt(dim), dim) for k in (0, 1) for _ in range(n_per_sense)]
    return np.stack(points), ["a"] * n_per_sense + ["b"] * n_per_sense


def test_scores_on_separated_mixed_and_identical_points():
    separated, labels = two_senses(10, separation=5.0)
    assert S.loo_1nn_accuracy(separated, labels) == 1.0
    assert S.silhouette(separated, labels) > 0.5
    mixed, labels = two_senses(10, separation=0.0)
    assert S.loo_1nn_accuracy(mixed, labels) < 0.8
    assert abs(S.silhouette(mixed, labels)) < 0.2
    identical = np.ones((6, 4))  # every other point ties: each scores the share of others with its label
    assert S.loo_1nn_accuracy(identical, ["a", "b"] * 3) == pytest.approx(2 / 5)
    assert S.loo_1nn_accuracy(identical, ["a"] * 4 + ["b"] * 2) == pytest.approx((4 * 3 / 5 + 2 * 1 / 5) / 6)
    assert S.silhouette(identical, ["a"] * 6) is None


def test_loo_1nn_by_hand():
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.8, 0.2]])
    labels = ["x", "x", "y", "y", "y"]  # the last point sits with the x's: it is the one error
    assert S.loo_1nn_accuracy(x, labels) == pytest.approx(4 / 5)
    assert [j for j, _ in S.nearest_occurrences(x, 0, k=2)] == [1, 4]


def test_silhouette_matches_sklearn():
    from sklearn.metrics import silhouette_score

    x, labels = two_senses(8, separation=1.5, seed=3)
    assert S.silhouette(x, labels) == pytest.approx(silhouette_score(x, labels, metric="cosine"), abs=1e-9)
    # three senses, one of them a single sentence (its silhouette is 0 by sklearn's convention)
    three = [*labels[:-1], "c"]
    assert S.silhouette(x, three) == pytest.approx(silhouette_score(x, three, metric="cosine"), abs=1e-9)


def test_projection_uses_pca_below_fifteen_points_and_refuses_fewer_than_three():
    x, _ = two_senses(7, separation=2.0)  # 14 points
    small = project(x)
    assert small.method == "PCA" and small.coords.shape == (14, 2) and "PCA of 14 points" in small.description
    big = project(np.vstack([x, x[:1] + 0.01]))  # 15 points
    assert big.method == "UMAP" and big.n_neighbors == 14 and "UMAP" in big.description
    assert project(x[:3]).method == "PCA"
    with pytest.raises(InputError, match="at least 3"):
        project(x[:2])
    np.testing.assert_array_equal(project(np.ones((20, 4))).coords, 0)  # identical points: one spot
    np.testing.assert_array_equal(project(x).coords, project(x).coords)  # deterministic


def test_align_undoes_a_rotation():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(10, 2))
    angle = 1.0
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    np.testing.assert_allclose(align(a, a @ rotation * 3), a - a.mean(0), atol=1e-9)


def test_parse_labelled_lines_and_notes():
    text = "river\tWe sat on the bank.\n\nmoney\tThe Bank lends money.\nmoney\tThe banks merged.\n" * 1
    parsed = S.parse_sentences(text + "river\tA bank, a stream, and a bank again.", "bank")
    assert [o.line for o in parsed.occurrences] == [1, 3, 5]
    assert [o.label for o in parsed.occurrences] == ["river", "money", "river"]
    assert parsed.occurrences[1].tokens[parsed.occurrences[1].index] == "Bank"
    assert parsed.labels == ["river", "money", "river"]
    notes = " ".join(p.message for p in parsed.problems)
    assert "line 4" in notes and "'banks'" in notes  # a plural is another word
    assert "more than once in line 5" in notes
    assert S.parse_sentences("The bank.\nA bank.", "bank").problems[-1].level == "error"
    assert S.parse_sentences("x", "two words").problems[0].level == "error"


def test_elmo_layer_zero_is_identical_for_every_occurrence():
    from engine.models.elmo import Elmo, ElmoOptions
    from tests.engine.test_elmo import TINY

    model = Elmo.random(ElmoOptions.from_dict(TINY))
    parsed = S.parse_sentences("We sat on the bank.\nThe bank lends money.\nA muddy bank, a stream.", "bank")
    vectors = S.elmo_layer_vectors(model.embed, parsed.occurrences, "tiny")
    assert vectors.vectors.shape == (3, 3, 12)
    np.testing.assert_array_equal(vectors.vectors[0], np.repeat(vectors.vectors[0][:1], 3, axis=0))
    assert np.ptp(vectors.vectors[1], axis=0).max() > 0
    mixed = S.with_mix(vectors, (0, 0, 1))
    np.testing.assert_allclose(mixed.vectors[-1], vectors.vectors[2], atol=1e-6)
    assert mixed.layer_names[-1] == "mix 0/0/1"


def test_corpus_search_finds_the_word_in_the_shipped_sample():
    found = S.search_corpus("river", limit=5)
    assert len(found) == 5 and all("river" in f.lower() for f in found)
    assert S.search_corpus("zqxjkvw") == []
