"""Lesson 5, "Three models, one sentence": each answer equals what a plain loop computes here straight from
the three models' own outputs (char-LSTM states, ELMo's layers, MiniLM's hidden states), on the default pair
and on pairs crafted to move the answer or to lose the effect."""

from __future__ import annotations

import numpy as np
import pytest

from engine.models import charlstm, elmo, transformer
from engine.text import tokenize
from lessons import three_models as lesson
from lessons.backend import engine_backend

DEFAULT = "She sat on the bank of the river.\nShe sat on the bank of the money."
EARLY = "She sat on the bank of the river.\nShe ran on the bank of the river."  # the change is word 1
FIRST = "She sat on the bank.\nHe sat on the bank."  # the change is the first word


@pytest.fixture(scope="module")
def backend():
    return engine_backend()


def answer(title: str, text: str, backend):
    step = next(s for s in lesson.LESSON.steps if s.title == title)
    return step.question.answer(lesson.LESSON.prepare(text, backend))


def lines(text: str) -> tuple[str, str]:
    a, b = text.splitlines()
    return a, b


# -- plain-loop references -----------------------------------------------------------------------------
def lstm_moves_before_change(text: str) -> bool:
    a, b = lines(text)
    model = charlstm.load_default()
    ta, tb = model.trace(a), model.trace(b)
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    for t in range(prefix):
        for layer in range(ta.h.shape[0]):
            if np.any(ta.h[layer, 0, 0, t] != tb.h[layer, 0, 0, t]) or np.any(
                ta.c[layer, 0, 0, t] != tb.c[layer, 0, 0, t]
            ):
                return True
    return False


def elmo_halves(text: str) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    a, b = lines(text)
    wa, wb = tokenize(a), tokenize(b)
    la, lb = elmo.load_default().embed([wa, wb])  # [3, T, 2P] each
    return wa, wb, la, lb


def first_forward_move(text: str) -> str:
    """The first word (n:A→B or n:word, counted from 1) whose forward half differs, layers 1 and 2
    (same-length pairs)."""
    wa, wb, la, lb = elmo_halves(text)
    half = la.shape[-1] // 2
    for n in range(len(wa)):
        if any(np.abs(la[k, n, :half] - lb[k, n, :half]).max() > 1e-4 for k in (1, 2)):
            return f"{n + 1}:{wa[n]}" if wa[n] == wb[n] else f"{n + 1}:{wa[n]}→{wb[n]}"
    return "none"


def backward_moves_before_change(text: str) -> bool:
    wa, wb, la, lb = elmo_halves(text)
    half = la.shape[-1] // 2
    first = next(n for n in range(len(wa)) if wa[n] != wb[n])
    return any(np.abs(la[k, n, half:] - lb[k, n, half:]).max() > 1e-4 for k in (1, 2) for n in range(first))


def minilm_first_layer(text: str) -> str:
    """First row of MiniLM's hidden states where a token outside the changed word (and not [CLS]/[SEP])
    differs between the two sentences; the pair must tokenize to the same length."""
    a, b = lines(text)
    model = transformer.load()
    ra, rb = model.run(a), model.run(b)
    assert ra.hidden_states.shape == rb.hidden_states.shape
    same = [t for t in range(1, len(ra.tokens) - 1) if ra.tokens[t] == rb.tokens[t]]
    for layer in range(ra.hidden_states.shape[0]):
        if any(np.any(ra.hidden_states[layer, t] != rb.hidden_states[layer, t]) for t in same):
            return "MiniLM embeddings" if layer == 0 else f"MiniLM layer {layer}"
    return "none"


# -- the lesson's answers against them -----------------------------------------------------------------
@pytest.mark.parametrize("text", [DEFAULT, EARLY])
def test_the_char_lstm_answer_is_the_loop_over_its_states(text, backend):
    got = answer("The char-LSTM reads left to right", text, backend)
    assert got.value == ("yes" if lstm_moves_before_change(text) else "no")
    assert got.value == "no"  # a left-to-right reader cannot see a change it has not read


@pytest.mark.parametrize("text", [DEFAULT, EARLY])
def test_elmo_forward_answer_is_the_first_word_whose_forward_half_differs(text, backend):
    got = answer("ELMo's forward half", text, backend)
    assert got.value == first_forward_move(text)
    assert got.value == {DEFAULT: "8:river→money", EARLY: "2:sat→ran"}[text]  # the answer follows the pair


def test_elmo_backward_answer_is_the_loop_over_its_halves(backend):
    got = answer("ELMo's backward half", DEFAULT, backend)
    assert got.value == ("yes" if backward_moves_before_change(DEFAULT) else "no")


def test_minilm_answer_is_the_first_layer_where_an_unchanged_token_moves(backend):
    got = answer("MiniLM: every word at once", DEFAULT, backend)
    assert got.value == minilm_first_layer(DEFAULT)


def test_a_pair_without_the_effect_gets_a_plain_message(backend):
    got = answer("ELMo's backward half", FIRST, backend)
    assert got.value is None and "first word" in got.caveat
    same = answer("ELMo's forward half", "She sat.\nShe sat.", backend)
    assert same.value is None and "same words" in same.caveat
    chars = answer("The char-LSTM reads left to right", FIRST, backend)
    assert chars.value is None and "first character" in chars.caveat
