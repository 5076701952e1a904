"""The biLM's guesses (engine.analysis.language_model) against a direct softmax over the shipped weights."""

import h5py
import numpy as np
import pytest

from engine.analysis import language_model as lm
from engine.models.elmo import DEFAULT_DIR, Elmo, load_default
from engine.text import tokenize
from engine.validation import InputError
from tests.engine.test_elmo import write_model


@pytest.fixture(scope="module")
def elmo():
    return load_default()


@pytest.fixture(scope="module")
def softmax():
    """W [V, P], b [V] read straight from assets/elmo/weights.hdf5, in float64."""
    with h5py.File(DEFAULT_DIR / "weights.hdf5", "r") as h5:
        return h5["softmax/W"][...].astype(np.float64), h5["softmax/b"][...].astype(np.float64)


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    return z - np.log(np.exp(z).sum())


def direct(elmo, softmax, tokens, j):
    """log p_fwd and log p_bwd of every word at position j, from the top layer's halves at j-1 and j+1."""
    top = elmo.embed([tokens])[0][-1].astype(np.float64)  # [T, 2P]: the top layer of every word
    p = top.shape[1] // 2
    weight, bias = softmax
    return log_softmax(weight @ top[j - 1, :p] + bias), log_softmax(weight @ top[j + 1, p:] + bias)


@pytest.mark.parametrize("text", ["I sat on the ___ of the river", "I paid the cheque into the ___ today"])
def test_fill_blank_matches_a_direct_softmax(elmo, softmax, text):
    tokens = tokenize(text)
    j = tokens.index("___")
    forward, backward = direct(elmo, softmax, tokens, j)
    excluded = [elmo.word_index[w] for w in ("<UNK>", "<S>", "</S>")]
    result = lm.fill_blank(elmo, tokens, k=10)
    np.testing.assert_allclose(result.excluded_prob["forward"], np.exp(forward[excluded]).sum(), atol=1e-5)
    forward[excluded] = backward[excluded] = -np.inf
    forward, backward = log_softmax(forward), log_softmax(backward)
    combined = log_softmax(forward + backward)
    for ours, reference in (
        (result.forward, forward),
        (result.backward, backward),
        (result.combined, combined),
    ):
        top = np.argsort(-reference)[:10]
        assert [w for w, _ in ours] == [elmo.vocab[i] for i in top]
        np.testing.assert_allclose([q for _, q in ours], np.exp(reference[top]), rtol=1e-4)
    np.testing.assert_allclose(np.exp(result.combined_logprob).sum(), 1.0, rtol=1e-5)
    assert result.excluded == ["<UNK>", "<S>", "</S>"]


def test_a_chosen_words_probability_and_rank_in_the_blank(elmo):
    result = lm.fill_blank(elmo, tokenize("I sat on the ___ of the river"), k=3)
    first, p = result.combined[0]
    assert lm.word_in_blank(elmo, result, first)["combined"] == (pytest.approx(p, rel=1e-5), 1)
    bank = lm.word_in_blank(elmo, result, "Bank")  # the vocabulary is lower-cased
    for key in ("forward", "backward", "combined"):
        logp = getattr(result, f"{key}_logprob")
        word = elmo.word_index["bank"]
        assert bank[key] == (pytest.approx(float(np.exp(logp[word])), rel=1e-5), 1 + int((logp > logp[word]).sum()))
    with pytest.raises(InputError, match="not in"):
        lm.word_in_blank(elmo, result, "zxqwv")


def test_each_direction_sees_only_its_own_side(elmo):
    left = lm.fill_blank(elmo, tokenize("I sat on the ___ of the river"))
    other_right = lm.fill_blank(elmo, tokenize("I sat on the ___ in a car"))
    other_left = lm.fill_blank(elmo, tokenize("We ran to a ___ of the river"))
    np.testing.assert_allclose(left.forward_logprob, other_right.forward_logprob, atol=1e-4)
    np.testing.assert_allclose(left.backward_logprob, other_left.backward_logprob, atol=1e-4)
    assert np.abs(left.backward_logprob[3:] - other_right.backward_logprob[3:]).max() > 0.1  # 0-2: excluded


def test_word_guesses_give_each_words_probability_and_rank(elmo, softmax):
    tokens = tokenize("The river bank was steep.")
    result = lm.word_guesses(elmo, tokens, k=5)
    for j in (1, 2, 3):
        forward, backward = direct(elmo, softmax, tokens, j)
        word = elmo.word_id(tokens[j])
        np.testing.assert_allclose(result.forward_prob[j], np.exp(forward[word]), rtol=1e-4)
        np.testing.assert_allclose(result.backward_prob[j], np.exp(backward[word]), rtol=1e-4)
        assert result.forward_rank[j] == 1 + (forward > forward[word]).sum()
        assert result.backward_rank[j] == 1 + (backward > backward[word]).sum()
        assert result.forward_top[j][0][0] == elmo.vocab[int(np.argmax(forward))]
    assert result.perplexity == elmo.perplexity([tokens])
    assert result.in_vocab == [True] * 6


def test_next_word_accuracy_counts_first_guesses(elmo):
    sentences = [["the", "river", "bank"], ["I", "paid"]]
    result = lm.next_word_accuracy(elmo, sentences)
    hits = 0
    for s in sentences:  # a plain loop over word_guesses (+ the end / start markers via predict)
        g = lm.word_guesses(elmo, s)
        p = elmo.predict(s, k=1)
        hits += int((g.forward_rank == 1).sum()) + int(p.next_words[-1][0][0] == "</S>")
        hits += int((g.backward_rank == 1).sum()) + int(p.previous_words[0][0][0] == "<S>")
    assert result["positions"] == 7
    np.testing.assert_allclose(result["average"], hits / 14)


def test_bad_blanks_and_the_official_files_without_a_softmax(elmo, tmp_path):
    with pytest.raises(InputError, match=r"exactly one blank.*found no"):
        lm.fill_blank(elmo, ["a", "b"])
    with pytest.raises(InputError, match="found 2"):
        lm.fill_blank(elmo, ["___", "b", "___"])
    options, weights, _ = write_model(tmp_path)  # the official layout: no softmax, no vocabulary
    official = Elmo.from_files(options, weights)
    for call in (lambda: lm.fill_blank(official, ["a", "___"]), lambda: lm.word_guesses(official, ["a"])):
        with pytest.raises(InputError, match="has no softmax"):
            call()


def test_held_out_scores_agree_with_perplexity_and_accuracy_apart(elmo):
    sentences = [["the", "river", "bank"], ["I", "paid", "the", "cheque"], ["zzqx"]]
    scores = lm.held_out_scores(elmo, sentences, batch_size=2)
    reference = elmo.perplexity(sentences)
    for key in ("forward", "backward", "average"):
        np.testing.assert_allclose(scores["perplexity"][key], reference[key], rtol=1e-5)
    accuracy = lm.next_word_accuracy(elmo, sentences)
    assert scores["positions"] == accuracy["positions"] == 3 + 4 + 1 + 3
    assert scores["accuracy"]["average"] == accuracy["average"]
