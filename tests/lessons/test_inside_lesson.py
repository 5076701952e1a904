"""The "Inside one head" lesson: every answer is read from the live model, every step draws its own chart,
and no answer is shown before the learner answers."""

import json

import numpy as np
import pytest

from engine.analysis import inside, positions
from engine.models import transformer
from lessons import BY_SLUG
from lessons.backend import Backend
from lessons.inside_attention import LESSON, prepare
from ui import glossary


@pytest.fixture(scope="module")
def backend():
    model = transformer.load()
    return Backend(
        lstm_layer=None, sense_vectors=None, attention=model.run, elmo_embed=None,
        open_layer=lambda t, layer, head: inside.open_layer(model, t, layer, head),
        order_swap=lambda t, a, b: positions.order_swap(model, t, a, b),
        position_maps=lambda n: positions.position_maps(model, n),
    )  # fmt: skip


def test_answers_come_from_the_model(backend):
    assert BY_SLUG["inside-attention"] is LESSON
    c = prepare(LESSON.default_text, backend)
    opened = backend.open_layer(LESSON.default_text, 1, 1)
    query = opened.shown_tokens.index("bank")
    assert c.query == query
    top = int(np.argmax(opened.scores[query]))
    first, second, third = (step.question.answer(c) for step in LESSON.steps if step.question is not None)
    assert first.value == f"{opened.shown_tokens[top]} ({top})" and first.value in first.options
    assert first.caveat == ""  # the default text has a clear winner (margin stated in the explanation)
    assert second.value == pytest.approx(float(opened.weights[query, top]))
    assert third.value == "none of them" and c.swap.moved_without.max() < 1e-5


@pytest.mark.parametrize("text", [LESSON.default_text, "The bank by the river was steep and green."])
def test_no_spoilers_and_glossary(backend, text):
    c = prepare(text, backend)
    asked = [step for step in LESSON.steps if step.question is not None]
    for step in asked:
        answer = step.question.answer(c)
        chart = step.chart(c)
        before = " ".join([step.title, step.text(c), chart.summary, step.question.prompt(c)])
        figure = json.dumps(chart.figure.to_plotly_json(), default=str) if chart.figure is not None else ""
        shown = answer.shown()
        if step is asked[0]:  # a token name: never in a title or summary before the answer
            assert shown not in before and shown not in json.dumps(chart.figure.layout.to_plotly_json())
        else:
            assert shown not in before and shown not in figure
        assert step.reveal_chart(c).figure is not None
    words = " ".join(step.text(c) for step in LESSON.steps)
    for term in ("query", "key vector", "value vector", "softmax", "scaled dot product", "residual", "layer norm",
                 "positional encoding"):  # fmt: skip
        assert term in glossary.words_used(words), term


def test_short_text_is_refused(backend):
    with pytest.raises(ValueError, match="at least 4 words"):
        prepare("river bank", backend)
