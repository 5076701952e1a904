"""The "Why gates?" lesson: answers are the models' own numbers (recomputed here with plain loops over the
engine's arrays), nothing before an answer gives it away, and a short text gets a plain caveat."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis import memory
from lessons import why_gates as W
from lessons.backend import engine_backend


@pytest.fixture(scope="module")
def backend():
    return engine_backend()


@pytest.fixture(scope="module")
def context(backend):
    return W.LESSON.prepare(W.LESSON.default_text, backend)


def step(title: str):
    return next(s for s in W.LESSON.steps if s.title == title)


def test_the_target_is_the_closing_quote_of_the_default_text(context):
    assert context.tokens[context.target + 1] == '"' and context.tokens.count('"') == 2
    assert context.results["LSTM"].target == context.target


def test_memory_answer_is_the_mean_probability_at_fifty_characters(context):
    answer = step("Fifty characters later").question.answer(context)
    d = memory.DISTANCES.index(50)
    p = {name: float(np.mean(context.tests[name].p_quote[d])) for name in ("plain RNN", "LSTM")}
    low, high = sorted(p.values())
    expected = W.SAME if high / low < 1.2 else max(p, key=p.get)
    assert answer.value == (expected if expected == W.SAME else f"the {expected}")
    assert f"plain RNN {p['plain RNN']:.3f}, LSTM {p['LSTM']:.3f}" in answer.explanation


def test_reach_answer_counts_back_from_the_prediction_with_a_plain_loop(context):
    answer = step("How far back does each model look?").question.answer(context)
    inputs = context.results["plain RNN"].inputs
    peak, distance = inputs.max(), None
    for k in range(len(inputs) - 1, -1, -1):  # from the target back to the first character
        if inputs[k] / peak < 0.01:
            distance = len(inputs) - 1 - k
            break
    if distance is None:
        assert answer.value is None and answer.caveat
    else:
        assert answer.value == distance and isinstance(answer.value, int)
        assert answer.shown(10.0) == "10" and answer.shown() == str(distance)  # a count, shown without decimals
        assert answer.is_right(distance + answer.tolerance) and not answer.is_right(distance + answer.tolerance + 1)


def test_nothing_before_an_answer_gives_it_away(context):
    shown: list[str] = []
    for s in W.LESSON.steps:
        chart = s.chart(context)
        shown += [s.text(context), chart.summary, chart.html or ""]
        if chart.figure is not None:
            shown.append(chart.figure.to_json())
        if s.question is not None:
            shown.append(s.question.prompt(context))
            answer = s.question.answer(context)
            if isinstance(answer.value, str):
                assert not any(answer.value in text for text in shown), s.title
            elif answer.value is not None:
                assert not any(f"{answer.value} characters back" in text for text in shown), s.title
            reveal = s.reveal_chart(context)
            shown += [answer.explanation, reveal.summary]


def test_a_short_text_gets_a_caveat_not_noise(backend):
    context = W.LESSON.prepare('He said "no" once.', backend)
    answer = step("How far back does each model look?").question.answer(context)
    if answer.value is None:
        assert "too short" in answer.caveat
    with pytest.raises(Exception, match="empty"):
        W.LESSON.prepare("   ", backend)


def test_the_path_sentence_states_the_measured_gradient_not_the_charts_floor(context):
    """Step 4 names the plain RNN's gradient at character 1 as a share of its peak: the measured ratio (a plain
    division here), which on the default text is far below the chart's drawing floor of 1e-6."""
    chart = W.path_chart(context)
    hidden = np.asarray(context.results["plain RNN"].hidden[0], dtype=np.float64)
    measured = hidden[0] / hidden.max()
    assert f"character 1 is {measured:.2g} of its peak" in chart.summary
    assert "1e-06 of its peak" not in chart.summary  # the floor is never stated as a measured value
