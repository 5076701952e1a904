"""What a lesson is made of: steps of short text, a live chart and an optional question whose answer
is computed from the model on the lesson's current text (never written into the lesson).

A lesson is data plus functions of a *context*: everything the lesson's steps need, computed once from
the models for the current text (`Lesson.prepare(text, backend)`). A step's chart, its summary sentence
and its answer are functions of that context, so editing the text changes them all consistently.

Language (issue 29): what a step says is English in the code, translated where it is built. Text that
does not depend on the context is marked `N_()` (titles, `fixed` texts) and translated by `fixed` or by
the page (`_(step.title)`, `_(lesson.title)`); the step functions call `_()` themselves. A choice's
`options` are stable keys (English, or the model's own tokens), never translated: the learner's pick is
compared with `value` by key, and `labels` carries what the learner reads for each key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go

from engine.validation import InputError, check_text, clean_text
from i18n import N_, _, ngettext, pgettext
from ui.literal import md

MAX_STEP_WORDS = 60


@dataclass(frozen=True)
class Chart:
    """What a step draws: a plotly figure or an HTML fragment (coloured text), and one sentence that
    says what it shows, with its key number (read by screen readers, and by anyone who cannot see it)."""

    summary: str
    figure: go.Figure | None = None
    html: str | None = None


@dataclass(frozen=True)
class Answer:
    """The model's answer on this text. `value` is None when the text cannot pose the question at all:
    `caveat` then says plainly why. A caveat with a value means the answer is right for this text but
    the text does not show the effect the lesson is about.

    For a choice, `options` and a str `value` are stable keys (compared with the learner's pick in every
    language); `labels`, when given, are what the learner reads for each option, in the same order and in
    the interface's language (`label`)."""

    value: str | float | None
    explanation: str
    options: tuple[str, ...] = ()
    tolerance: float = 0.0
    caveat: str = ""
    integer: bool = False  # a count: shown without decimals
    tolerance_words: str = ""  # the tolerance said in the answer's own words ("within 4 heads")
    labels: tuple[str, ...] = ()  # what the learner reads for each option (same order); () = the options

    def label(self, option: str | float | None) -> str:
        """What the learner reads for `option` (a key of `options`): its label, else the option itself."""
        if self.labels and option in self.options:
            return self.labels[self.options.index(option)]
        return str(option)

    def is_right(self, guess: str | float | None) -> bool:
        if guess is None or self.value is None:
            return False
        if isinstance(self.value, str):
            return str(guess) == self.value
        return abs(float(guess) - float(self.value)) <= self.tolerance

    def shown(self, value: str | float | None = None) -> str:
        value = self.value if value is None else value
        if isinstance(value, float | int) and self.integer:
            return f"{value:.0f}"
        if isinstance(value, float):
            return f"{value:.2f}"
        return self.label(value)


@dataclass(frozen=True)
class Question:
    """`kind` "choice" (options come with the answer, from the same context) or "number"."""

    prompt: Callable[[Any], str]
    kind: str
    answer: Callable[[Any], Answer]
    low: float = 0.0
    high: float = 1.0


@dataclass(frozen=True)
class Step:
    title: str
    text: Callable[[Any], str]
    chart: Callable[[Any], Chart]
    question: Question | None = None
    reveal_chart: Callable[[Any], Chart] | None = None  # drawn only after the learner has answered


@dataclass(frozen=True)
class Lesson:
    """`prepare(text, backend)` runs the models once for the step functions; it raises InputError for a
    text the lesson cannot use (the page shows the message and keeps the text)."""

    slug: str
    title: str
    summary: str
    default_text: str
    text_label: str
    prepare: Callable[[str, Any], Any]
    steps: Sequence[Step] = field(default_factory=tuple)
    example_texts: tuple[str, ...] = ()  # two or more other texts every step is checked on (test_no_spoilers)
    max_chars: int | None = None  # the longest text `prepare` takes; a longer one is offered its first part
    models: tuple[str, ...] = ()  # the models the lesson runs (engine.learner_text.MODELS), for language notes


def fixed(text: str) -> Callable[[Any], str]:
    """A step text or prompt that does not depend on the context: `text` is marked `N_("...")` where it is
    written and translated here, each time the step is drawn (the language is per run)."""
    return lambda _context: _(text)


def labelled(options: Sequence[str], words: Callable[[str], str] = _) -> dict[str, Any]:
    """`options` and their `labels` for an `Answer` (`**labelled(...)`): each key's words in the
    interface's language (`words`, by default the catalogue's translation of the key itself)."""
    options = tuple(options)
    return {"options": options, "labels": tuple(words(option) for option in options)}


LAYER_NAME = re.compile(r"(?i:layer) (\d+)(?: \((.+)\))?")
N_("char-CNN")  # ELMo's layer 0, named in its layer names ("layer 0 (char-CNN)")
N_("embeddings")  # MiniLM's row before its first layer


def clauses(items: Sequence[str]) -> str:
    """Clauses of a list joined for the interface's language ("0.21 from A, 0.30 from B"; "；" in Chinese)."""
    return pgettext("joins the clauses of a list", ", ").join(items)


def layer_words(name: str) -> str:
    """An engine layer name ("layer 2", "layer 0 (char-CNN)", "embeddings") in the interface's language:
    "第 2 层" in Chinese; the English name itself in English."""
    match = LAYER_NAME.fullmatch(name)
    if match is None:
        return _(name)
    number, what = match.groups()
    if what is None:
        return _("layer {number}").format(number=number)
    return _("layer {number} ({what})").format(number=number, what=_(what))


def capital(text: str) -> str:
    """`text` with its first letter in capitals, to start a sentence (no change to Chinese)."""
    return text[:1].upper() + text[1:]


def literal(text: str) -> str:
    """Text from the learner (a word, a token) made safe inside Markdown: shown exactly as typed
    (`ui.literal.md`, the app's one escaping rule), a newline as ↵."""
    return md(text.replace("\n", "↵"))


SPECIAL_TOKENS = frozenset({"[CLS]", "[SEP]", "<S>", "</S>", "[PAD]"})


def numbered(tokens: Sequence[str]) -> list[str]:
    """Labels that count words from 1, as a learner counts them ("1:The", "2:river"); special tokens
    are named, not numbered ("[CLS]"). Every lesson numbers positions this way in text and charts."""
    labels, k = [], 0
    for token in tokens:
        if token in SPECIAL_TOKENS:
            labels.append(token)
        else:
            k += 1
            labels.append(f"{k}:{token}")
    return labels


def margin_words(winner: float, runner_up: float, unit: str = "") -> str:
    """ "a margin of 0.06 over the runner-up": the margin rule 3 asks every explanation to state. `unit` is
    glued to the number as written (" points": the caller translates it)."""
    return _("a margin of {margin:.2f}{suffix} over the runner-up").format(margin=abs(winner - runner_up), suffix=unit)


def word_count(text: str) -> int:
    return len(re.sub(r"[*`\\]", "", text).split())


def two_sentences(text: str, max_chars: int) -> tuple[str, str]:
    """The two non-empty lines of a pair lesson's text, stripped. Raises InputError naming the first error of
    `check_text` (e.g. over `max_chars`), or how many lines there are when they are not two."""
    problems = [p for p in check_text(text, max_chars=max_chars) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    lines = [line.strip() for line in clean_text(text)[0].splitlines() if line.strip()]
    if len(lines) != 2:
        raise InputError(
            ngettext(
                "This lesson compares exactly two sentences, one per line; the text has {count} line.",
                "This lesson compares exactly two sentences, one per line; the text has {count} lines.",
                len(lines),
            ).format(count=len(lines))
        )
    return lines[0], lines[1]
