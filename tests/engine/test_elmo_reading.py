"""ELMo's gates and its two LMs' guesses from one pass, against a direct softmax over the shipped weights."""

import h5py
import numpy as np
import pytest

from engine.models import elmo as elmo_package
from engine.models.elmo.model import DEFAULT_DIR

SENTENCE = ["The", "bank", "of", "the", "river", "flooded", "."]


@pytest.fixture(scope="module")
def elmo():
    return elmo_package.load_default()


def direct_top5(hidden: np.ndarray) -> list[list[tuple[str, float]]]:
    """softmax(h W^T + b) with W, b and the vocabulary read straight from the shipped files."""
    with h5py.File(DEFAULT_DIR / "weights.hdf5", "r") as h5:
        weight, bias = np.asarray(h5["softmax/W"], np.float64), np.asarray(h5["softmax/b"], np.float64)
    vocab = [w for w in (DEFAULT_DIR / "vocab.txt").read_text(encoding="utf-8").split("\n") if w]
    logits = hidden.astype(np.float64) @ weight.T + bias
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1)[:, :5]
    return [[(vocab[k], probs[row, k]) for k in ids] for row, ids in enumerate(order)]


def test_read_gives_both_lms_top5_from_the_shipped_softmax(elmo):
    trace, predictions = elmo.read(SENTENCE)
    top = elmo.embed([SENTENCE])[0][-1]  # [T, 2P]: the top layer, forward then backward half
    half = top.shape[1] // 2
    for got, expected in ((predictions.next_words, direct_top5(top[:, :half])),
                          (predictions.previous_words, direct_top5(top[:, half:]))):  # fmt: skip
        assert len(got) == len(SENTENCE)
        for row_got, row_expected in zip(got, expected, strict=True):
            assert [w for w, _ in row_got] == [w for w, _ in row_expected]
            np.testing.assert_allclose([p for _, p in row_got], [p for _, p in row_expected], atol=1e-5)
    # the same pass also gave the gates, with the sentence boundaries
    assert trace.tokens == ["<S>", *SENTENCE, "</S>"]
    gates = elmo.gates(SENTENCE, with_boundaries=True)
    np.testing.assert_allclose(trace.c, gates.c, atol=1e-6)


def test_read_equals_predict(elmo):
    _, read = elmo.read(SENTENCE)
    alone = elmo.predict(SENTENCE)
    assert read.next_words == alone.next_words and read.previous_words == alone.previous_words
    np.testing.assert_allclose(read.forward_logprob, alone.forward_logprob, atol=1e-6)
