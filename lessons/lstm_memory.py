"""Lesson 1, "How an LSTM remembers": the forget gate at a sentence end, a unit that tracks quotes
(found live with the pattern search), and that unit's memory ledger. Model: the char-LSTM, layer 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis import gates as G
from engine.analysis.gates import LayerView
from engine.text import steps
from engine.validation import InputError, check_text, clean_text
from figures import lstm as F
from figures.common import token_labels, visible
from figures.lessons import step_profile
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, literal

MAX_CHARS = 600
LAYER = 1
SHOWN_UNITS = 24
PLACES = (
    "the first letter of a new sentence",
    "a space between words",
    "a quote mark",
    "a letter inside a sentence",
    "a punctuation mark",
)
WRITE, FORGET = "writing new content (i·g)", "forgetting old content (f < 1)"


@dataclass
class Context:
    text: str
    view: LayerView
    labels: list[str]
    quotes: np.ndarray  # [T] bool: the steps inside "double quotes"
    scores: list[G.PatternScore]  # every unit, best quote tracker first
    starts: list[int]  # [T] where each step (engine.text.steps: a character with its marks) starts in the text

    def step(self, k: int) -> str:
        """Step k as typed (a character with its combining marks and format characters)."""
        return self.view.tokens[k]

    @property
    def unit(self) -> int | None:
        """The unit that tracks quotes best, or None when nothing is quoted."""
        return self.scores[0].unit if self.scores else None


def prepare(text: str, backend) -> Context:
    problems = [p for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    text = clean_text(text)[0]
    view = backend.lstm_layer(text, LAYER)
    spans = [(s.start, s.end) for s in steps(text)]  # the char-LSTM's steps, as in view.tokens
    quotes = G.mask_from_regex(text, spans, G.INSIDE_QUOTES)
    scores = G.pattern_scores(view.c, quotes, top=view.c.shape[1])
    return Context(text, view, token_labels(view.tokens), quotes, scores, [start for start, _ in spans])


def place(text: str, k: int) -> str:
    """Which of PLACES the character at index k of `text` is."""
    ch = text[k]
    before = text[:k].rstrip()
    if ch == '"':
        return PLACES[2]
    if ch.isspace():
        return PLACES[1]
    if ch.isalnum():
        return PLACES[0] if before[-1:] in (".", "!", "?") or before[-2:] in ('."', '!"', '?"') else PLACES[3]
    return PLACES[4]


def mean_forget(c: Context) -> np.ndarray:
    return c.view.f.mean(axis=1)


def deepest_dip(c: Context) -> int:
    """The step where layer 1's mean forget gate is lowest, the first step left out (it has no memory)."""
    return int(np.argmin(mean_forget(c)[1:]) + 1) if len(c.view.tokens) > 1 else 0


def forget_heatmap(c: Context) -> Chart:
    chosen = G.unit_order(c.view.f, "variance")[:SHOWN_UNITS]
    f = mean_forget(c)
    k = deepest_dip(c)
    figure = F.gates_heatmap(
        c.view.f[:, chosen], c.labels, chosen, "f", title=f"Forget gate f, layer {LAYER}: {len(chosen)} busiest units"
    )
    summary = (
        f"Forget gates of {len(chosen)} units over {len(c.view.tokens)} characters: on average {f.mean():.2f} "
        f"(1 keeps everything), lowest on average at character {k} ('{visible(c.step(k))}', {f[k]:.2f})."
    )
    return Chart(summary, figure=figure)


def forget_profile(c: Context) -> Chart:
    f, k = mean_forget(c), deepest_dip(c)
    figure = step_profile(c.labels, {"mean forget gate": f}, title="Mean forget gate of layer 1", y_title="f", marked=k)
    return Chart(f"The mean forget gate dips lowest at character {k} ('{visible(c.step(k))}'): {f[k]:.2f}.", figure)


def dip_answer(c: Context) -> Answer:
    if len(c.view.tokens) < 2:
        return Answer(None, "", caveat="The text is one character long: there is no memory to forget yet.")
    k = deepest_dip(c)
    where = place(c.text, c.starts[k])
    caveat = ""
    if where != PLACES[0]:
        caveat = (
            "In this text the deepest dip is not at a new sentence, so the text does not show the effect: "
            "it shows best with two or three sentences."
        )
    return Answer(
        where,
        f"At character {k} ('{literal(visible(c.step(k)))}') the average forget gate is {mean_forget(c)[k]:.2f}: "
        "the units drop much of what they remembered.",
        options=PLACES,
        caveat=caveat,
    )


def candidates(c: Context) -> list[int]:
    """The best quote unit and three others from across the ranking, in unit order (no give-away)."""
    ranked = [s.unit for s in c.scores]
    n = len(ranked)
    return sorted({ranked[0], ranked[n // 3], ranked[(2 * n) // 3], ranked[-1]})


def no_quotes(c: Context) -> str:
    if c.unit is None:
        return 'The text has no words between "double quotes" (or only quotes), so no unit can track them.'
    return ""


def candidate_heatmap(c: Context) -> Chart:
    if c.unit is None:
        return Chart(no_quotes(c), html=F.coloured_text(c.view.tokens, c.quotes, words=False, highlight=True))
    units = candidates(c)
    figure = F.gates_heatmap(c.view.c[:, units], c.labels, units, "c", title="Cell state c of four units")
    inside = int(c.quotes.sum())
    return Chart(f"Cell states of units {', '.join(map(str, units))}; {inside} characters are inside quotes.", figure)


def quote_answer(c: Context) -> Answer:
    if c.unit is None:
        return Answer(None, "", caveat=no_quotes(c))
    best = c.scores[0]
    caveat = ""
    if best.score < 0.5:
        caveat = (
            f"No unit tracks the quotes clearly in this text (best score {best.score:.2f}): the quote is too short."
        )
    return Answer(
        f"unit {best.unit}",
        f"Unit {best.unit}'s cell state averages {best.inside:+.2f} inside quotes and {best.outside:+.2f} outside: "
        f"the pattern search scores it {best.score:.2f} standard deviations, the highest of all units.",
        options=tuple(f"unit {u}" for u in candidates(c)),
        caveat=caveat,
    )


def quote_text(c: Context) -> Chart:
    if c.unit is None:
        return Chart(no_quotes(c), html=F.coloured_text(c.view.tokens, c.quotes, words=False, highlight=True))
    best = c.scores[0]
    return Chart(
        f"The text coloured by unit {best.unit}'s cell state: {best.inside:+.2f} on average inside quotes, "
        f"{best.outside:+.2f} outside.",
        html=F.coloured_text(c.view.tokens, c.view.c[:, best.unit], words=False),
    )


def biggest_change(c: Context) -> tuple[int, float, float]:
    """(step, written i·g, forgotten f·c(t-1) − c(t-1)) where the quote unit's memory moves most."""
    u = c.unit if c.unit is not None else 0
    cell = c.view.c[:, u]
    before = np.concatenate([[0.0], cell[:-1]])
    k = int(np.argmax(np.abs(cell - before)))
    return k, float(c.view.written[k, u]), float(c.view.kept[k, u] - before[k])


def ledger_chart(c: Context) -> Chart:
    u = c.unit if c.unit is not None else 0
    k, written, forgotten = biggest_change(c)
    return Chart(
        f"Unit {u}'s memory moves most at character {k} ('{visible(c.step(k))}'): written {written:+.2f}, "
        f"forgotten {forgotten:+.2f}.",
        F.ledger(c.view, u, c.labels),
    )


def ledger_answer(c: Context) -> Answer:
    if c.unit is None:
        return Answer(None, "", caveat=no_quotes(c))
    k, written, forgotten = biggest_change(c)
    value = WRITE if abs(written) >= abs(forgotten) else FORGET
    return Answer(
        value,
        f"At character {k} ('{literal(visible(c.step(k)))}') the memory changed by {written + forgotten:+.2f}: "
        f"{written:+.2f} written, {forgotten:+.2f} from forgetting.",
        options=(WRITE, FORGET),
    )


def unit_story(c: Context) -> Chart:
    u = c.unit if c.unit is not None else 0
    quoted = c.view.f[c.quotes, u].mean() if c.quotes.any() else float("nan")
    return Chart(
        f"Unit {u}'s gates and memory over the text; its forget gate averages {quoted:.2f} inside quotes.",
        F.unit_lines(c.view, u, c.labels),
    )


LESSON = Lesson(
    slug="lstm",
    title="How an LSTM remembers",
    summary="The forget gate at a sentence end, a unit that tracks quotes, and its memory ledger.",
    default_text='He said "the bank is closed" and left. She asked "which bank?" and waited. Then they went home.',
    text_label="Text (the char-LSTM reads it one character at a time)",
    prepare=prepare,
    steps=(
        Step(
            "One character at a time",
            fixed(
                "The char-LSTM reads your text one character at a time and keeps a memory, the cell state. At every "
                "step each unit's **forget gate** f decides how much of its memory to keep: 1 keeps all, 0 wipes it. "
                "Values near 1 (see the colour bar) are units keeping their memory."
            ),
            forget_heatmap,
        ),
        Step(
            "Forgetting at a sentence end",
            fixed(
                "When a sentence ends, much of what the model remembered stops mattering. Look at the heatmap: "
                "where do many units close their forget gate at once?"
            ),
            forget_heatmap,
            Question(
                fixed("Where does layer 1's average forget gate dip lowest (after the first character)?"),
                "choice",
                dip_answer,
            ),
            reveal_chart=forget_profile,
        ),
        Step(
            "A unit that tracks quotes",
            fixed(
                "Some units keep track of *where* the reader is, for example inside a quotation. The pattern search "
                "ranked all 512 units by how much higher their cell state is inside the quotes than outside. "
                "Here are four of them."
            ),
            candidate_heatmap,
            Question(fixed("Which unit is high inside the quotes and low outside?"), "choice", quote_answer),
            reveal_chart=quote_text,
        ),
        Step(
            "The memory ledger",
            fixed(
                "Every step, the memory is updated: c = f·c(previous) + i·g. The ledger shows what was **kept** "
                "(f·c) and what was **written** (i·g) for the quote unit. Find the step where its memory moves most."
            ),
            ledger_chart,
            Question(fixed("At that step, what moved the memory most?"), "choice", ledger_answer),
        ),
        Step(
            "The whole story of one unit",
            fixed(
                "Here are the unit's three gates and its memory together. Edit the text: add a quotation or a new "
                "sentence, press Ctrl+Enter, and go back a step. Every answer is recomputed from the model."
            ),
            unit_story,
        ),
    ),
)
