"""Property-based tests (hypothesis) for the entry points of the step page, the Compare page and the
ELMo language-model page, on arbitrary Unicode text within the limits (as tests/engine/test_properties.py).

Each call either returns a result whose invariants hold, or raises the project's `InputError` with a
message. Invariants: an intervention leaves every step before its start bit-identical and the LSTM
identities (c = f ⊙ c_prev + i ⊙ g, h = o ⊙ tanh(c)) hold wherever it did not change a unit; probability
rows sum to 1; the word axis covers the text in order with no empty label, and every non-special MiniLM
token with a visible character lies in some word or is reported.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.models.intervention import MODES, Intervention
from engine.text import char_role, tokenize
from engine.validation import InputError
from tests.engine.test_properties import TEXT, assert_words

SETTINGS = settings(
    max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def char_lstm():
    from engine.models import charlstm

    return charlstm.load_default()


# -- CharLstm.trace(text, intervention) ------------------------------------------------------------
@SETTINGS
@given(
    text=TEXT,
    layer=st.sampled_from([0, 1, 0, 1, 2, -1]),  # mostly valid: the char-LSTM has layers 0 and 1
    units=st.lists(st.integers(-2, 520), max_size=4, unique=True),
    mode=st.sampled_from([*MODES, *MODES, "explode"]),
    start=st.integers(-1, 20),
    value=st.floats(-3, 3),
)
def test_char_lstm_intervention(char_lstm, text, layer, units, mode, start, value):
    change = Intervention(layer, tuple(units), mode, start, value)
    try:
        plain = char_lstm.trace(text)
        after = char_lstm.trace(text, change)
    except InputError as exc:
        assert str(exc)
        return
    assert after.tokens == plain.tokens and after.probs.shape == plain.probs.shape
    np.testing.assert_allclose(after.probs.sum(-1), 1.0, atol=1e-4)
    for q in "ifgoch":  # every step before the start: bit-identical
        assert np.array_equal(after.get(q)[:, :, :, :start], plain.get(q)[:, :, :, :start]), q
    assert np.array_equal(after.probs[:start], plain.probs[:start])
    keep = np.ones(after.c.shape, dtype=bool)  # the units the intervention did not set by hand
    keep[layer, :, :, start:, list(units)] = False
    assert np.isfinite(after.c).all() and np.isfinite(after.h).all()
    np.testing.assert_allclose((after.kept + after.written)[keep], after.c[keep], atol=1e-5)
    np.testing.assert_allclose((after.o * np.tanh(after.c))[keep], after.h[keep], atol=1e-5)
    for gate in (after.i, after.f, after.o):
        assert (gate >= 0).all() and (gate <= 1).all()


# -- engine.compare.align with MiniLM's offsets ------------------------------------------------------
@pytest.fixture(scope="module")
def minilm():
    from engine.models import transformer as T

    return T.load()


@SETTINGS
@given(text=TEXT)
def test_compare_alignment(minilm, text):
    from engine.compare import align
    from engine.text import steps

    try:
        result = minilm.run(text)
    except InputError as exc:
        assert str(exc)
        return
    alignment = align(text, result.offsets, result.tokens)
    assert_words(alignment.words, alignment.spans, text)
    assert all(label.split(":", 1)[1] for label in alignment.labels)
    read = steps(text)
    for word, (a, b), group in zip(alignment.words, alignment.spans, alignment.chars, strict=True):
        assert group and "".join(read[k].text for k in group).find(word) >= 0, (word, group)
        assert read[group[0]].start <= a and read[group[-1]].end >= b
    owned = {u for group in alignment.subwords for u in group}
    for u, ((start, end), special) in enumerate(zip(result.offsets, result.special_mask, strict=True)):
        visible = any(char_role(c) == "visible" for c in text[start:end])
        if not special and visible:
            assert u in owned or any(result.tokens[u] in note for note in alignment.notes), (u, result.tokens[u])


def test_minimal_pair_of_a_combining_accent_against_a_plain_letter():
    """Equal length in characters, different in steps: the char-LSTM's distances stay step-aligned."""
    from engine.compare import minimal_pair
    from engine.compare.runs import default_models

    diff = minimal_pair("cafe\u0301 by the bank", "cafe  by the bank", default_models())
    assert diff.char_prefix == 3 and diff.char_distance.shape[1] == 16
    assert np.all(diff.char_distance[:, :3] == 0) and np.all(diff.char_distance[:, 3] > 0)


# -- engine.analysis.language_model.fill_blank ------------------------------------------------------
@pytest.fixture(scope="module")
def elmo():
    from engine.models import elmo

    return elmo.load_default()


@SETTINGS
@given(text=TEXT, at=st.integers(0, 20), blanks=st.integers(0, 2), k=st.integers(1, 12))
def test_fill_blank(elmo, text, at, blanks, k):
    from engine.analysis.language_model import BLANK, fill_blank

    words = tokenize(text)
    tokens = [*words[:at], *[BLANK] * blanks, *words[at:]]
    try:
        guess = fill_blank(elmo, tokens, k=k)
    except InputError as exc:
        assert str(exc) and (blanks != 1 or not tokens)
        return
    assert blanks == 1 and guess.tokens[guess.blank] == BLANK
    for logprob, top in ((guess.forward_logprob, guess.forward), (guess.backward_logprob, guess.backward),
                         (guess.combined_logprob, guess.combined)):  # fmt: skip
        np.testing.assert_allclose(np.exp(logprob.astype(np.float64)).sum(), 1.0, atol=1e-4)
        assert len(top) == k and all(word for word, _ in top)
        probs = [p for _, p in top]
        assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
