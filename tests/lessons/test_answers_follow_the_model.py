"""Lesson answers come from the model on the current text: on the untrained controls (same
architectures, random weights) or on a text crafted to flip them, the answer changes, and it always
equals what a plain loop computes here straight from the engine's arrays."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis import senses
from engine.models import charlstm, elmo, transformer
from lessons import bank, both_ways, heads, lstm_memory
from lessons.backend import engine_backend


@pytest.fixture(scope="module")
def trained():
    return engine_backend()


@pytest.fixture(scope="module")
def untrained():
    return engine_backend(untrained=True)


def answer(module, step_title: str, text: str, backend):
    lesson = module.LESSON
    step = next(s for s in lesson.steps if s.title == step_title)
    return step.question.answer(lesson.prepare(text, backend))


def cosine(x, y) -> float:
    return float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))


# -- reference computations: plain loops over the engine's outputs -------------------------------------
def loop_1nn(vectors: np.ndarray, labels: list[str]) -> float:
    """Leave-one-out 1-NN, ties shared: a point scores the share of its tied nearest with its label."""
    total = 0.0
    for i in range(len(vectors)):
        sims = [(cosine(vectors[i], vectors[j]), j) for j in range(len(vectors)) if j != i]
        best = max(s for s, _ in sims)
        nearest = [j for s, j in sims if s >= best - 1e-9]
        total += sum(labels[j] == labels[i] for j in nearest) / len(nearest)
    return total / len(vectors)


def best_layer(model, text: str) -> str:
    parsed = senses.parse_sentences(text, "bank")
    layers = model.embed([o.tokens for o in parsed.occurrences])
    scores = []
    for k in range(3):
        vectors = np.stack([layer[k, o.index] for layer, o in zip(layers, parsed.occurrences, strict=True)])
        scores.append(loop_1nn(vectors, parsed.labels))
    names = ["layer 0 (char-CNN)", "layer 1", "layer 2"]
    return names[int(np.argmax(scores))]


def previous_token_head(model, text: str) -> str:
    att = model.run(text).attentions
    layers, heads_, size, _ = att.shape
    best, name = -1.0, ""
    for layer in range(layers):
        for head in range(heads_):
            value = sum(att[layer, head, t, t - 1] for t in range(1, size)) / (size - 1)
            if value > best:
                best, name = value, f"{layer + 1}.{head + 1}"
    return name


def quote_unit(model, text: str) -> str:
    c = model.trace(text).c[0, 0, 0]  # layer 1, forward, first row: [T, units]
    inside = np.zeros(len(text), dtype=bool)
    opened = False
    for k, ch in enumerate(text):
        if ch == '"':
            inside[k] = True
            opened = not opened
        else:
            inside[k] = opened
    best, unit = -np.inf, -1
    for u in range(c.shape[1]):  # the share of (inside, outside) pairs where the unit is higher inside
        higher = sum(a > b for a in c[inside, u] for b in c[~inside, u])
        score = higher / (inside.sum() * (~inside).sum())
        if score > best:
            best, unit = score, u
    return f"unit {unit}"


# -- the tests ----------------------------------------------------------------------------------------
def test_which_layer_separates_the_senses_follows_the_model(trained, untrained):
    text = bank.LESSON.default_text
    step = "Which layer separates the senses?"
    got_trained, got_untrained = answer(bank, step, text, trained), answer(bank, step, text, untrained)
    assert got_trained.value == best_layer(elmo.load_default(), text)
    assert got_untrained.value == best_layer(elmo.load_default(untrained=True), text)
    assert got_trained.value != got_untrained.value
    assert got_untrained.caveat and not got_trained.caveat  # the control shows no separation, and says so


def test_the_previous_token_head_follows_the_model(trained, untrained):
    text = heads.LESSON.default_text
    step = "The previous-token head"
    got_trained, got_untrained = answer(heads, step, text, trained), answer(heads, step, text, untrained)
    minilm = transformer.load()
    assert got_trained.value == previous_token_head(minilm, text)
    assert got_untrained.value == previous_token_head(transformer.random_like(minilm, seed=0), text)
    assert got_trained.value != got_untrained.value
    assert got_trained.value in got_trained.options and got_untrained.value in got_untrained.options


def test_the_quote_unit_follows_the_model_and_the_text(trained, untrained):
    text = lstm_memory.LESSON.default_text
    moved = 'He said the bank is closed and left. She asked "which bank?" and waited. "Then they went home."'
    step = "A unit that tracks quotes"
    model, control = charlstm.load_default(), charlstm.load_default(untrained=True)
    found = {
        ("trained", text): answer(lstm_memory, step, text, trained).value,
        ("untrained", text): answer(lstm_memory, step, text, untrained).value,
        ("trained", moved): answer(lstm_memory, step, moved, trained).value,
    }
    assert found[("trained", text)] == quote_unit(model, text)
    assert found[("untrained", text)] == quote_unit(control, text)
    assert found[("trained", moved)] == quote_unit(model, moved)
    assert found[("trained", text)] != found[("untrained", text)]


def test_the_backward_cosine_follows_the_text(trained):
    step = "The backward LSTM"
    model = elmo.load_default()
    for first, second, index in (
        ("I sat on the bank of the river .", "I sat on the bank and counted my money .", 4),
        ("The bank was closed today .", "The bank was full of ducks .", 2),
    ):
        got = answer(both_ways, step, f"{first}\n{second}", trained)
        a, b = model.embed([first.split(), second.split()])
        width = a.shape[-1] // 2
        assert got.value == pytest.approx(cosine(a[1, index, width:], b[1, index, width:]), abs=1e-5)
        forward = answer(both_ways, "The forward LSTM", f"{first}\n{second}", trained)
        assert forward.value == pytest.approx(1.0, abs=1e-5)  # it has read the same words
    different_start = answer(both_ways, step, "A bank .\nThe bank .", trained)
    assert different_start.value is None and "different words" in different_start.caveat


def test_the_lstm_lesson_counts_steps_not_characters(trained):
    """A combining accent and a soft hyphen are part of the step before them (engine.text.steps): the
    lesson's quote mask, its step names and the place of a step follow the model's steps."""
    text = 'She said "cafe\u0301 co\u00adop" twice. Then "bank" again.'
    c = lstm_memory.prepare(text, trained)
    assert len(c.view.tokens) == len(c.quotes) == len(text) - 2
    assert c.step(c.view.tokens.index("e\u0301")) == "e\u0301" and "".join(c.view.tokens) == text
    assert [c.step(k) for k in range(len(c.quotes)) if c.quotes[k]][:5] == ['"', "c", "a", "f", "e\u0301"]
    k = c.view.tokens.index("T")
    assert lstm_memory.place(c.text, c.starts[k]) == lstm_memory.PLACES[0]
    for module_step in lstm_memory.LESSON.steps:
        if module_step.question is not None:
            module_step.question.answer(c)
