"""Issue 13, kinds 3 and 6: few-sentence maps never collapse onto a degenerate layer, and sense
labels that cannot be scored are described as they are, with the reason."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis import senses as S
from engine.analysis.projection import align, identical_rows, project

RIVER = "river\tI sat on the bank of the river .\nriver\tThe river bank was muddy .\nriver\tFish swam near the bank ."


def _pairwise(coords: np.ndarray) -> np.ndarray:
    return np.linalg.norm(coords[:, None] - coords[None, :], axis=-1)


@pytest.fixture(scope="module")
def river_vectors():
    from engine.models import elmo

    parsed = S.parse_sentences(RIVER, "bank")
    model = elmo.load_default()
    return S.with_mix(S.elmo_layer_vectors(model.embed, parsed.occurrences, model.name), (1, 1, 1))


@pytest.mark.parametrize("noise", [0.0, 1e-7, 3e-7])
def test_three_sentences_draw_real_maps_above_layer_zero(river_vectors, noise):
    """The issue's input: layer 0 is one point, layers 1, 2 and the mix are not. Whether layer 0's
    copies are bit-identical depends on the machine (batching, BLAS): float32 rounding noise of
    `noise` times their size stands in for another machine's, where the old maps collapsed."""
    rng = np.random.default_rng(0)
    vectors = river_vectors.vectors.copy()
    vectors[0] = vectors[0] * (1 + noise * rng.standard_normal(vectors[0].shape))
    river_vectors = S.LayerVectors(river_vectors.model, river_vectors.layer_names, vectors)
    maps = S.layer_projections(river_vectors, "auto")
    assert [m.method for _, m in maps] == ["PCA"] * 4
    assert maps[0][1].degenerate and not maps[0][1].coords.any()
    for (name, projection), layer in zip(maps[1:], river_vectors.vectors[1:], strict=True):
        assert not projection.degenerate, name
        assert np.abs(projection.coords).max() > 1e-2, name
        # aligning only rotates, reflects and scales: the map keeps the shape of its own PCA
        own = project(layer).coords
        ratio = _pairwise(projection.coords)[np.triu_indices(3, 1)] / _pairwise(own)[np.triu_indices(3, 1)]
        np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6)


def test_a_degenerate_reference_never_rescales_or_rotates_a_map():
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(5, 2))
    centred = coords - coords.mean(axis=0)
    for noise in (1e-9, 1e-12, 0.0):
        reference = np.full((5, 2), 0.3) + noise * rng.normal(size=(5, 2))
        np.testing.assert_array_equal(align(reference, coords), centred)
    # a real reference still aligns (a rotated copy comes back onto it)
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    np.testing.assert_allclose(align(centred, centred @ rotation), centred, atol=1e-12)


def test_synthetic_layers_after_a_noisy_constant_layer_keep_their_spread():
    rng = np.random.default_rng(1)
    base = rng.normal(size=64)
    layer0 = np.stack([base + 1e-7 * rng.normal(size=64) for _ in range(4)])
    layers = np.stack([layer0, rng.normal(size=(4, 64)), rng.normal(size=(4, 64))])
    maps = S.layer_projections(S.LayerVectors("m", ["0", "1", "2"], layers), "PCA")
    assert maps[0][1].degenerate
    assert all(np.abs(p.coords).max() > 0.1 for _, p in maps[1:])


@pytest.mark.parametrize("scale", [1e-9, 1.0, 1e6])
def test_identical_vectors_are_judged_relative_to_their_size(scale):
    rng = np.random.default_rng(2)
    row = rng.normal(size=32) * scale
    assert identical_rows(np.stack([row, row * (1 + 1e-8), row + 1e-9 * scale]))
    assert not identical_rows(np.stack([row, rng.normal(size=32) * scale, row]))  # tiny but different


def test_one_sense_on_every_line_is_labelled_and_the_scores_say_why_not():
    parsed = S.parse_sentences(RIVER, "bank")
    assert parsed.sense_labels == ["river"] * 3 and parsed.labels is None
    assert "k-means" not in parsed.colour_note and "no sense labels" not in parsed.colour_note
    assert "'river'" in parsed.colour_note
    assert "same sense label" in parsed.score_note and "at least two" in parsed.score_note


def test_a_sense_per_sentence_says_why_the_scores_are_undefined():
    text = "a\tThe bank was muddy .\nb\tI paid the bank .\nc\tBank on it ."
    parsed = S.parse_sentences(text, "bank")
    assert parsed.sense_labels == ["a", "b", "c"] and parsed.labels is None
    assert "of its own" in parsed.score_note and parsed.colour_note == "senses: a, b, c"
    partly = S.parse_sentences("a\tThe bank was muddy .\nI paid the bank .\nBank on it .", "bank")
    assert partly.sense_labels is None and "only 1 of 3" in partly.colour_note
    alone = S.parse_sentences(text.replace("c\t", "a\t") + "\nb\tThe bank lent .", "bank")
    assert alone.labels is not None and alone.score_note is None and alone.score_caveat is None
    single = S.parse_sentences(text.replace("c\t", "a\t"), "bank")
    assert single.labels is not None and "'b'" in single.score_caveat


def test_hovers_show_the_sentence_literally():
    parsed = S.parse_sentences("x\tI paid $5$ at the <b>bank</b> & left .\ny\tbank\nx\tthe bank", "bank")
    hover = parsed.occurrences[0].highlighted
    assert "<b>bank</b>" in hover and "&lt; b &gt;" in hover and "&#36; 5 &#36;" in hover and "&amp;" in hover
    assert "<" not in hover.replace("<b>bank</b>", "") and "$" not in hover


def test_a_soft_hyphen_or_zero_width_space_does_not_hide_the_word():
    parsed = S.parse_sentences("The ba\u00adnk was muddy .\nThe bank\u200b lent .\nA bank .", "bank")
    assert [o.tokens[o.index] for o in parsed.occurrences] == ["ba\u00adnk", "bank\u200b", "bank"]
