"""Issue 23, projector mode: the "A head that links words" step draws only the question's row, one bar
per word (an 18 x 18 word heatmap's labels overlapped at 1280x720), the bars being that row of the head's
word-level weights, and no number written on a bar (the heights are what the learner reads)."""

from __future__ import annotations

import numpy as np

from figures.common import projector
from lessons import heads
from lessons.backend import engine_backend


def test_the_link_step_draws_the_query_row_as_bars_without_numbers():
    lesson = heads.LESSON
    c = lesson.prepare(lesson.default_text, engine_backend())
    layer, head, query, key, weight = heads.linking_head(c)
    step = next(s for s in lesson.steps if s.title == "A head that links words")
    figure = projector(step.reveal_chart(c).figure)
    (bars,) = figure.data
    view = c.view("head", layer, head, hide_special=True, renormalize=True, word_level=True)
    assert bars.type == "bar" and bars.text is None
    assert len(bars.x) == len(view.labels) and bars.x[0].startswith("1:")  # words counted from 1
    row = np.asarray(bars.y)
    np.testing.assert_allclose(row, view.matrix[query])
    np.testing.assert_allclose(row.sum(), 1.0, atol=1e-5)  # the row rescaled to add up to 1
    others = row.copy()
    others[query] = -1
    assert int(np.argmax(others)) == key and np.isclose(others[key], weight)  # the answer is the tallest other bar
