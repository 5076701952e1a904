"""Rule 4 of lessons/README.md, plain words first: on every step of every lesson, each glossary term
the learner meets (step title, text, chart summary and chart titles, prompt, options, explanation,
reveal) has its one-line explanation on that step (the heading's "?" tooltip, `words_help`), and the
jargon the lessons use is in the glossary at all."""

from __future__ import annotations

import re

import pytest

from lessons import LESSONS
from lessons.backend import engine_backend
from tests.app.conftest import run_page
from ui import glossary
from ui.lesson_view import build_step_view, shown_texts, words_help

# Terms a learner cannot be expected to know: wherever one appears on a step, the glossary must have it.
JARGON = ("1-NN", "cosine", "PCA", "rollout", "residual connection", "entropy", "forget gate", "cell state",
          "attention sink", "head", "token", "unit", "embedding", "char-CNN", "untrained control", "<UNK>")  # fmt: skip


@pytest.fixture(scope="module")
def backend():
    return engine_backend()


def used(term: str, texts: list[str]) -> bool:
    """An independent reading of "the step uses the term": whole words, any case, plural -s/-es."""
    pattern = rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])"
    return any(re.search(pattern, text, re.IGNORECASE) for text in texts)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_glossary_term_on_a_step_is_explained_there(lesson, backend):
    missing = []
    for step, spec in enumerate(lesson.steps, start=1):
        view = build_step_view(lesson.slug, step, lesson.default_text, backend)
        texts = shown_texts(spec.title, view)
        assert view.body in texts and view.chart.summary in texts
        tooltip = words_help(spec.title, view) or ""
        for term, definition in glossary.terms().items():
            if used(term, texts) and definition not in tooltip:
                missing.append(f"step {step} '{spec.title}': {term}")
        missing += [f"step {step}: '{word}' is not in ui/glossary.csv" for word in JARGON
                    if used(word, texts) and word.lower() not in {t.lower() for t in glossary.terms()}]  # fmt: skip
    assert not missing, "\n".join(missing)


def test_the_jargon_list_is_in_the_glossary():
    assert {word.lower() for word in JARGON} <= {term.lower() for term in glossary.terms()}


def test_the_page_puts_the_explanations_on_the_step_heading():
    at = run_page("pages/0_Lessons.py", params={"lesson": "heads", "step": "3"})
    assert not at.exception
    tooltip = at.subheader[0].proto.help
    assert glossary.explain("attention sink") in tooltip
    assert glossary.explain("head") in tooltip
