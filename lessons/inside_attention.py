"""Lesson "Inside one head": a query meets every key (raw scores), the √d_head scaling and the softmax,
then why a Transformer needs positions. Every number comes from `engine.analysis.inside.open_layer`
and `engine.analysis.positions.order_swap` on the current text (MiniLM, layer 1, head 1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.text import tokenize
from engine.validation import InputError, check_text, clean_text
from figures import inside as FI
from i18n import N_, _
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, labelled, literal

MAX_CHARS = 400
LAYER, HEAD = 1, 1
CHART_HEIGHT = 260  # 325 px in projector mode, to keep text, chart and question near one 1280x720 screen
SWAP_OPTIONS = (  # keys; the learner reads _(key)
    N_("none of them"),
    N_("only the two swapped words"),
    N_("the swapped words and their neighbours"),
    N_("all of them"),
)


@dataclass
class Context:
    opened: object  # engine.analysis.inside.OpenedLayer (no torch import here)
    swap: object  # engine.analysis.positions.OrderSwap
    maps: object  # engine.analysis.positions.PositionMaps
    query: int

    @property
    def word(self) -> str:
        return self.opened.shown_tokens[self.query]

    def ranked(self) -> np.ndarray:
        """Key tokens by raw score for the query, highest first."""
        return np.argsort(-self.opened.scores[self.query], kind="stable")


def _swap_pair(words: list[str]) -> tuple[int, int]:
    """Words (from 1) to swap: the first "bank" (else word 2) and the last word made of letters."""
    folded = [w.casefold() for w in words]
    first = folded.index("bank") + 1 if "bank" in folded else min(2, len(words))
    alphabetic = [k + 1 for k, w in enumerate(words) if w.isalpha() and k + 1 != first]
    return first, alphabetic[-1] if alphabetic else (1 if first != 1 else 2)


def prepare(text: str, backend) -> Context:
    problems = [p for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    text = clean_text(text)[0]
    words = tokenize(text)
    if len(words) < 4:
        raise InputError(
            _("This lesson needs a sentence of at least 4 words, so that a query has keys to choose from.")
        )
    if backend.open_layer is None or backend.order_swap is None or backend.position_maps is None:
        raise InputError(_("This lesson needs the opened-up Transformer layer, which this backend does not offer."))
    opened = backend.open_layer(text, LAYER, HEAD)
    plain = [t.lower() for t in opened.shown_tokens]
    query = plain.index("bank") if "bank" in plain else 1
    return Context(opened, backend.order_swap(text, *_swap_pair(words)), backend.position_maps(64), query)


def input_chart(c: Context) -> Chart:
    x = c.opened.x[c.query]
    return Chart(
        _("The {count} numbers of '{word}' entering layer 1, from {low:.1f} to {high:.1f}.").format(
            count=len(x), word=literal(c.word), low=x.min(), high=x.max()
        ),
        FI.stage_figure(c.opened, c.query, "x", height=CHART_HEIGHT),
    )


def rest_chart(c: Context) -> Chart:
    out = c.opened.head_output[c.query]
    return Chart(
        _("Left: the {count} value vectors; right: their weighted sum for '{word}', {numbers} numbers.").format(
            count=len(c.opened.tokens), word=literal(c.word), numbers=len(out)
        ),
        FI.stage_figure(c.opened, c.query, "weighted sum", height=CHART_HEIGHT),
    )


def query_chart(c: Context) -> Chart:
    q = c.opened.q[c.query]
    return Chart(
        _("The query of '{word}': {count} numbers, from {low:.1f} to {high:.1f}.").format(
            word=literal(c.word), count=len(q), low=q.min(), high=q.max()
        ),
        FI.stage_figure(c.opened, c.query, "q", height=CHART_HEIGHT),
    )


def top_key_answer(c: Context) -> Answer:
    ranked = c.ranked()
    scores = c.opened.scores[c.query]
    best, runner = int(ranked[0]), int(ranked[1])
    picks = sorted({best, runner, int(ranked[len(ranked) // 2]), int(ranked[-1]), c.query})
    options = tuple(FI.token_name(c.opened, k) for k in picks)
    caveat = ""
    if scores[best] - scores[runner] < 0.5:
        caveat = _("On this text the top two raw scores are within 0.5 of each other: a near tie.")
    return Answer(
        FI.token_name(c.opened, best),
        _("'{key}' scores {score:.2f}, ahead of '{runner}' at {runner_score:.2f} (a margin of {margin:.2f}).").format(
            key=literal(FI.token_name(c.opened, best)),
            score=scores[best],
            runner=literal(FI.token_name(c.opened, runner)),
            runner_score=scores[runner],
            margin=scores[best] - scores[runner],
        ),
        options=options,
        caveat=caveat,
    )


def scores_reveal(c: Context) -> Chart:
    return Chart(
        _("Raw scores q·k of the query against every key (each value on hover)."),
        # no bar labels: the next question's weight must not be readable here, not even by coincidence
        FI.stage_figure(c.opened, c.query, "scores", decimals=None, height=CHART_HEIGHT),
    )


def scaled_chart(c: Context) -> Chart:
    scaled = c.opened.scaled[c.query]
    return Chart(
        _(
            "The same scores divided by √{d} = {scale:.2f}: from {low:.1f} to {high:.1f} (one decimal, like the bars)."
        ).format(d=c.opened.d_head, scale=c.opened.scale, low=scaled.min(), high=scaled.max()),
        FI.stage_figure(
            c.opened, c.query, "scaled", decimals=1, height=CHART_HEIGHT
        ),  # one decimal: never the answer's two
    )


def weight_answer(c: Context) -> Answer:
    best = int(c.ranked()[0])
    weight = float(c.opened.weights[c.query, best])
    others = float(np.sort(c.opened.weights[c.query])[-2])
    return Answer(
        weight,
        _(
            "The softmax gives '{key}' {weight:.3f} of the weight (a guess within 0.05 of it counts as right); the "
            "largest other weight is {other:.3f}, and the other {count} keys share the rest."
        ).format(key=literal(FI.token_name(c.opened, best)), weight=weight, other=others, count=len(c.ranked()) - 1),
        tolerance=0.05,
    )


def softmax_reveal(c: Context) -> Chart:
    return Chart(_("Softmax weights of the query over every key (they sum to 1)."),
                 FI.stage_figure(c.opened, c.query, "softmax", height=CHART_HEIGHT))  # fmt: skip


def positions_chart(c: Context) -> Chart:
    return Chart(
        _("Two 64 × 64 maps: how alike every pair of positions is, learned by MiniLM (left) and by formula (right)."),
        FI.position_maps(c.maps, height=CHART_HEIGHT),
    )


def swap_answer(c: Context) -> Answer:
    s = c.swap
    most = float(s.moved_with.max())
    return Answer(
        SWAP_OPTIONS[0],
        _(
            "Without position embeddings no word's final vector moved more than {without:.1e} (float rounding; 1 − "
            "cos, 0 = same direction); with them, the words moved up to {most:.3f}."
        ).format(without=s.moved_without.max(), most=most),
        **labelled(SWAP_OPTIONS),
    )


def swap_text(c: Context) -> str:
    s = c.swap
    return _(
        "Swap words {first} and {second}: '{swapped}'. MiniLM adds a **positional encoding** to every token before the "
        "first layer. Imagine it had none."
    ).format(first=s.first, second=s.second, swapped=literal(s.swapped_text))


def swap_reveal(c: Context) -> Chart:
    return Chart(_("How far each word's final vector moved, with and without position embeddings."),
                 FI.order_swap(c.swap, height=CHART_HEIGHT))  # fmt: skip


LESSON = Lesson(
    slug="inside-attention",
    title=N_("Inside one head"),
    summary=N_("Follow one query through its raw scores, the √d scaling and the softmax; then swap two words."),
    default_text='He said "meet me at the bank" and I asked: the river bank, or the one with the money?',
    text_label=N_("Sentence (MiniLM, layer 1, head 1; the query is the first 'bank')"),
    max_chars=MAX_CHARS,
    models=("MiniLM",),
    example_texts=(
        "She put the money in the bank because it was safe.",
        "We sat on the grassy bank of the river and watched the boats.",
    ),
    prepare=prepare,
    steps=(
        Step(
            N_("One token enters the layer"),
            lambda c: _(
                "A Transformer layer reads all tokens at once. This is '{word}' entering layer 1: its token embedding "
                "plus its **positional encoding**, layer-normalised, 384 numbers."
            ).format(word=literal(c.word)),
            input_chart,
        ),
        Step(
            N_("A query meets the keys"),
            lambda c: _(
                "In layer 1, head 1, the token '{word}' gets a **query** vector; every token gets a **key vector**. "
                "Their dot product is a raw score: the larger, the better the match."
            ).format(word=literal(c.word)),
            query_chart,
            Question(fixed(N_("Which key gets the largest raw score before the softmax?")), "choice", top_key_answer),
            reveal_chart=scores_reveal,
        ),
        Step(
            N_("Scale, then softmax"),
            fixed(
                N_(
                    "The **scaled dot product** divides each score by √32 (32 numbers per head). The **softmax** turns "
                    "the scores into weights that sum to 1."
                )
            ),
            scaled_chart,
            Question(
                fixed(N_("After dividing by √32 and the softmax, how much weight (0 to 1) does the top key get?")),
                "number",
                weight_answer,
            ),
            reveal_chart=softmax_reveal,
        ),
        Step(
            N_("The rest of the layer"),
            fixed(
                N_(
                    "The head averages the **value vectors** with those weights. All 12 heads' outputs are joined and "
                    "projected, added back to the input (a **residual** sum) and rescaled by **layer norm**; a "
                    "feed-forward block follows."
                )
            ),
            rest_chart,
        ),
        Step(
            N_("Swap two words"),
            swap_text,
            positions_chart,
            Question(
                fixed(N_("Which words' final vectors change if the model had no position embeddings?")),
                "choice",
                swap_answer,
            ),
            reveal_chart=swap_reveal,
        ),
    ),
)
