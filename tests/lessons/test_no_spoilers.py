"""Rule 1 of lessons/README.md, predict then see: for every step with a question in every lesson of
`lessons.LESSONS` (the five first ones and any added later), on the lesson's default text and on two
other texts (`Lesson.example_texts`), nothing drawn before the learner answers gives the answer away.

What is drawn before answering: every step title up to this one, the step text, the chart's summary
and figure (titles, axis titles, tick labels, hover text, annotations, legend names, text arrays),
the prompt, and every earlier step's reveal (its explanation, caveat and reveal chart).

- A number answer: no number shown before answering rounds to the answer (within its tolerance);
  for a count, the count itself is not written next to a word ("21 heads") before answering.
- A choice answer: the options necessarily list it, so no pre-answer text or figure string may
  single it out (mention it without naming every other option too).
- Either kind: the deciding numbers, the decimals the explanation states ("0.54", "-2.64"), do not
  appear in a pre-answer sentence (a title, a summary, a hover line, an annotation).

Every check runs in English and in Chinese (issue 29: a translation must not leak an answer either). A
choice is singled out by the words the learner reads for it (`Answer.label`), and a Chinese phrase is found
inside Chinese text, which has no spaces between words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest

import i18n
from i18n import _
from lessons import LESSONS
from lessons.backend import engine_backend
from lessons.core import Answer, Chart, Lesson

NUMBER = re.compile(r"(?<![A-Za-z0-9_.])[-+−]?\d+(?:\.\d+)?(?![A-Za-z0-9_])")  # "第3层": Chinese is not a word edge
NAMED = re.compile(
    r"(?:(?:layer|head|unit|step|character|word|line|L|sentence)s?|第|层|注意力头|单元|字符|词|行|句子?)\s*$",
    re.IGNORECASE,
)
LANGUAGES = ("en", "zh")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
FIGURE_STRING_KEYS = {"text", "hovertext", "name", "ticktext", "x", "y", "labels", "title"}


@pytest.fixture(scope="module")
def backend():
    return engine_backend()


def texts_of(lesson: Lesson) -> list[str]:
    examples = tuple(getattr(lesson, "example_texts", ()))
    assert len(examples) >= 2, f"{lesson.slug}: give Lesson.example_texts two other texts the steps are walked on"
    return [lesson.default_text, *examples[:2]]


def figure_strings(figure: go.Figure | None) -> list[list[str]]:
    """Every string a figure draws, grouped: one group per array (tick labels, hover text, a trace's
    text) and one group of one for each single string (a title, an annotation, a legend name)."""
    if figure is None:
        return []
    groups: list[list[str]] = []

    def walk(node, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("hovertemplate", "texttemplate") and isinstance(v, str):
                    groups.append([re.sub(r"%\{[^}]*\}", "", v)])
                else:
                    walk(v, k)
        elif isinstance(node, list | tuple):
            flat = [x for x in node if isinstance(x, str)]
            if flat and key in FIGURE_STRING_KEYS:
                groups.append(flat)
            for x in node:
                if isinstance(x, dict | list | tuple):
                    walk(x, key)
        elif hasattr(node, "tolist") and key in FIGURE_STRING_KEYS:
            values = node.tolist()
            flat = [str(x) for x in _flatten(values) if isinstance(x, str)]
            if flat:
                groups.append(flat)
        elif isinstance(node, str) and key in FIGURE_STRING_KEYS:
            groups.append([node])

    layout = figure.to_plotly_json().get("layout", {})
    panel_titles = [a.get("text", "") for a in layout.get("annotations", ()) if a.get("text")]
    if panel_titles:  # a figure's annotations are read together: one per panel is a plain list
        groups.append(panel_titles)
    walk({k: v for k, v in figure.to_plotly_json().items() if k != "layout"})
    walk({k: v for k, v in layout.items() if k != "annotations"})
    return groups


def _flatten(values) -> Iterator:
    if isinstance(values, list):
        for v in values:
            yield from _flatten(v)
    else:
        yield values


def chart_groups(chart: Chart | None) -> list[list[str]]:
    if chart is None:
        return []
    groups = [[chart.summary], *figure_strings(chart.figure)]
    if chart.html:
        groups.append([re.sub(r"<[^>]+>", " ", chart.html)])
    return groups


def numbers(text: str) -> list[tuple[str, float, int]]:
    """(token, value, decimals) of every number written in `text`, with where it stands."""
    found = []
    for match in NUMBER.finditer(text.replace("−", "-")):
        token = match.group().lstrip("+")
        decimals = len(token.split(".")[1]) if "." in token else 0
        found.append((token, float(token), decimals, text[: match.start()]))
    return found


def is_sentence(group: list[str]) -> bool:
    """A single string with words in it (a title, a summary, an annotation), not a cell's number."""
    return len(group) == 1 and bool(re.search(r"[A-Za-z]{2}", group[0]) or CJK.search(group[0]))


def mentions(text: str, phrase: str) -> bool:
    text = re.sub(r"\\(.)", r"\1", text)  # Markdown escapes ("8\\:river") read as shown ("8:river")
    before = "" if CJK.match(phrase[:1]) else r"(?<![\w])"  # a Chinese phrase stands between Chinese words
    after = "" if CJK.match(phrase[-1:]) else r"(?![\w])"
    return re.search(rf"{before}{re.escape(phrase)}{after}", text, re.IGNORECASE) is not None


def deciding_numbers(answer: Answer, sentences: list[list[str]], enough: int) -> list[str]:
    """The explanation's decimals (two places or more) written in `sentences`, when at least `enough`
    different ones are: one on the step itself gives the answer away; from earlier reveals it takes
    two (both sides of the comparison), since a reveal may rightly state one side as a known fact."""
    deciding = [(t, v, d) for t, v, d, _ in numbers(answer.explanation) if d >= 2]
    hits: dict[str, str] = {}
    for (text,) in sentences:
        for token, number, decimals, _before in numbers(text):
            for d_token, d_value, d_decimals in deciding:
                places = min(decimals, d_decimals)
                if places >= 2 and round(number, places) == round(d_value, places):
                    hits.setdefault(d_token, f"states the deciding number {d_token} as {token}: {text[:160]!r}")
    return list(hits.values()) if len(hits) >= enough else []


def leaks(answer: Answer, question, groups: list[list[str]], earlier: list[list[str]] = ()) -> list[str]:
    """What gives `answer` away: in `groups` (this step's strings drawn before answering) or in
    `earlier` (earlier steps' reveals). Empty when nothing does."""
    found: list[str] = []
    step_groups, groups = groups, [*groups, *earlier]
    if isinstance(answer.value, str):  # what the learner reads for each option: its label
        shown, others = answer.label(answer.value), [answer.label(o) for o in answer.options if o != answer.value]
        for group in groups:
            joined = "\n".join(group)
            if mentions(joined, shown) and not all(mentions(joined, o) for o in others):
                found.append(f"singles out {shown!r}: {joined[:160]!r}")
    elif answer.value is not None:
        value, counts = float(answer.value), question.high > 1
        for group in groups:
            for text in group:
                for token, number, decimals, before in numbers(text):
                    if counts:
                        hit = decimals == 0 and number == round(value) and not NAMED.search(before)
                    else:
                        hit = decimals >= 1 and abs(number - value) <= max(answer.tolerance, 0.5 * 10**-decimals)
                    if hit:
                        found.append(f"shows {token} (answer {answer.shown()}): {text[:160]!r}")
    found += deciding_numbers(answer, [g for g in step_groups if is_sentence(g)], enough=1)
    found += deciding_numbers(answer, [g for g in earlier if is_sentence(g)], enough=2)
    return found


def walked() -> list[tuple[Lesson, int]]:
    return [(lesson, k) for lesson in LESSONS for k, step in enumerate(lesson.steps) if step.question is not None]


@pytest.fixture
def language(request):
    i18n.use(request.param)
    yield request.param
    i18n.use("en")


@pytest.mark.parametrize("language", LANGUAGES, indirect=True)
@pytest.mark.parametrize(("lesson", "index"), walked(), ids=lambda x: x.slug if isinstance(x, Lesson) else str(x))
def test_nothing_before_the_answer_gives_it_away(lesson: Lesson, index: int, backend, language: str):
    problems = []
    for text in texts_of(lesson):
        context = lesson.prepare(text, backend)
        step = lesson.steps[index]
        answer = step.question.answer(context)
        if answer.value is None:
            continue
        groups: list[list[str]] = [[_(s.title)] for s in lesson.steps[: index + 1]]
        groups += [[step.text(context)], [step.question.prompt(context)], *chart_groups(step.chart(context))]
        revealed: list[list[str]] = []
        for earlier in lesson.steps[:index]:
            if earlier.question is not None:
                before = earlier.question.answer(context)
                revealed += [[before.explanation], [before.caveat]]
            if earlier.reveal_chart is not None:
                revealed += chart_groups(earlier.reveal_chart(context))
        problems += [f"text {text[:30]!r}…: {p}" for p in leaks(answer, step.question, groups, revealed)]
    assert not problems, f"{lesson.slug} step {index + 1} '{lesson.steps[index].title}' ({language}):\n" + "\n".join(
        problems
    )


def test_the_check_catches_a_leak():
    """The checks themselves: a summary naming the answer, a deciding number, a count next to a word."""
    from lessons.core import Question, fixed

    choice = Answer(
        "head 1.3", "Head 1.3 gives the previous token 0.98 of its weight.", options=("head 1.3", "head 2.9")
    )
    question = Question(fixed(""), "choice", lambda c: choice)
    assert leaks(choice, question, [["All 72 heads, highest in head 1.3."]])
    assert leaks(choice, question, [["All 72 heads, from 0.01 to 0.98."]])
    assert not leaks(choice, question, [["head 1.3", "head 2.9"], ["All 72 heads coloured by weight."]])
    assert leaks(choice, question, [["The words that differ: head 1\\.3."]])  # escaped for Markdown, still named
    count = Answer(21.0, "21 of 72 heads.", tolerance=4.0)
    counted = Question(fixed(""), "number", lambda c: count, high=72)
    assert leaks(count, counted, [["21 heads put most weight on [CLS]."]])
    assert not leaks(count, counted, [["Layer 21 of the grid."], ["72 heads."]])
    share = Answer(0.5, "0.50, chance.", tolerance=0.05)
    shared = Question(fixed(""), "number", lambda c: share)
    assert leaks(share, shared, [["Layer 0: accuracy 0.52."]])
    assert not leaks(share, shared, [["Layer 1 and layer 2."]])


def test_the_check_catches_a_leak_in_chinese():
    """The same checks on Chinese text: a label inside a sentence with no spaces, a count before its word."""
    from lessons.core import Question, fixed

    choice = Answer("layer 2", "第 2 层：0.91。", options=("layer 1", "layer 2"), labels=("第 1 层", "第 2 层"))
    question = Question(fixed(""), "choice", lambda c: choice)
    assert leaks(choice, question, [["第 2 层把两种词义分得最开。"]])
    assert leaks(choice, question, [["layer 2"], ["三层中，第2 层最高：0.91。"]])
    assert not leaks(choice, question, [["第 1 层和第 2 层的地图。"]])
    count = Answer(21.0, "72 个注意力头中有 21 个。", tolerance=4.0)
    counted = Question(fixed(""), "number", lambda c: count, high=72)
    assert leaks(count, counted, [["有21个注意力头把大部分权重放在 [CLS] 上。"]])
    assert not leaks(count, counted, [["第 21 层。"], ["72 个注意力头。"]])
    share = Answer(0.5, "0.50，随机水平。", tolerance=0.05)
    assert leaks(share, Question(fixed(""), "number", lambda c: share), [["第0层：准确率0.52。"]])
