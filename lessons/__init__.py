"""Guided lessons over the live models: short steps, a chart each, predict-then-reveal questions.

Each lesson is one module exposing `LESSON` (lessons.core.Lesson). To add one, write a module like
lessons/heads.py and append it to `LESSONS`: the Lessons page, teacher links, the AppTest that walks
every step and the benchmark all pick it up from here.
"""

from __future__ import annotations

from lessons import bank, both_ways, heads, inside_attention, layers_know, lstm_memory, three_models, why_gates
from lessons.core import Lesson

LESSONS: tuple[Lesson, ...] = (
    lstm_memory.LESSON,
    bank.LESSON,
    heads.LESSON,
    both_ways.LESSON,
    three_models.LESSON,
    inside_attention.LESSON,
    layers_know.LESSON,
    why_gates.LESSON,
)
BY_SLUG: dict[str, Lesson] = {lesson.slug: lesson for lesson in LESSONS}
