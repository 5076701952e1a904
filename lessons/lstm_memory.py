"""Lesson 1, "How an LSTM remembers": where the forget gate closes (averaged over each kind of
character), a unit that tracks quotes (ranked live over all units by how often it is higher inside the
quotes than outside), and that unit's memory ledger at the opening quote. Model: the char-LSTM, layer 1.

The default text is the README's quote example, measured as the strongest of the texts tried: unit
208 is higher inside than outside for 97 % of (inside, outside) character pairs, and at the opening
quote it writes +0.71 while forgetting -0.01."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis import gates as G
from engine.analysis.gates import LayerView
from engine.text import steps
from engine.validation import InputError, check_text, clean_text
from figures import lstm as F
from figures.common import visible
from figures.lessons import category_bars, mark_spans, step_profile
from i18n import N_, _
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, labelled, margin_words

MAX_CHARS = 600
LAYER = 1
SHOWN_UNITS = 8
PLACES = (  # the answer's keys; the learner reads _(place)
    N_("the first letter of a new sentence"),
    N_("a space between words"),
    N_("a quote mark"),
    N_("a letter inside a sentence"),
    N_("a punctuation mark"),
)
WRITE, FORGET = N_("writing new content (i·g)"), N_("forgetting old content (f < 1)")


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
    def ranking(self) -> np.ndarray:
        """`[units]` the share of (inside, outside) character pairs where each unit's cell state is
        higher inside the quotes (1 = always higher inside; the area under the ROC curve), or empty."""
        if not self.quotes.any() or self.quotes.all():
            return np.zeros(0)
        inside, outside = self.view.c[self.quotes], self.view.c[~self.quotes]
        return (inside[:, None, :] > outside[None, :, :]).mean(axis=(0, 1))

    @property
    def order(self) -> list[int]:
        """Units, best quote tracker first (ties by unit number)."""
        return [int(u) for u in np.argsort(-self.ranking, kind="stable")]

    @property
    def unit(self) -> int | None:
        """The unit that tracks quotes best, or None when nothing (or everything) is quoted."""
        return self.order[0] if self.ranking.size else None


def prepare(text: str, backend) -> Context:
    problems = [p for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    text = clean_text(text)[0]
    view = backend.lstm_layer(text, LAYER)
    spans = [(s.start, s.end) for s in steps(text)]  # the char-LSTM's steps, as in view.tokens
    quotes = G.mask_from_regex(text, spans, G.INSIDE_QUOTES)
    scores = G.pattern_scores(view.c, quotes, top=view.c.shape[1])
    labels = [f"{k + 1}:{visible(t)}" for k, t in enumerate(view.tokens)]  # characters counted from 1
    return Context(text, view, labels, quotes, scores, [start for start, _ in spans])


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


def place_means(c: Context) -> dict[str, float]:
    """The mean forget gate of layer 1 over each kind of place (PLACES) in the text, the first step
    left out (it has no memory yet); kinds absent from the text are left out."""
    f = mean_forget(c)
    groups: dict[str, list[float]] = {}
    for k in range(1, len(f)):
        groups.setdefault(place(c.text, c.starts[k]), []).append(float(f[k]))
    return {p: float(np.mean(groups[p])) for p in PLACES if p in groups}


def forget_heatmap(c: Context) -> Chart:
    chosen = G.unit_order(c.view.f, "variance")[:SHOWN_UNITS]
    figure = F.gates_heatmap(
        c.view.f[:, chosen], c.labels, chosen, "f",
        title=_("Forget gate f of the {count} units that change most (layer {layer} of 2)").format(
            count=len(chosen), layer=LAYER
        ),
    )  # fmt: skip
    summary = _(
        "Forget gates of {units} units over {characters} characters: one row per unit, one column per character; "
        "1 keeps the memory, 0 wipes it."
    ).format(units=len(chosen), characters=len(c.view.tokens))
    return Chart(summary, figure=figure)


def place_chart(c: Context) -> Chart:
    means = place_means(c)
    title = _("Mean forget gate by kind of character")
    figure = category_bars([_(p) for p in means], list(means.values()), title=title, y_title=_("mean f"))
    low = min(means, key=means.get)
    return Chart(
        _("The mean forget gate is lowest at {place}: {value:.2f}.").format(place=_(low), value=means[low]), figure
    )


def dip_answer(c: Context) -> Answer:
    means = place_means(c)
    if len(means) < 2:
        return Answer(None, "", caveat=_("The text has only one kind of character: there is nothing to compare."))
    ranked = sorted(means, key=means.get)
    low, runner = ranked[0], ranked[1]
    caveat = ""
    if low != PLACES[0]:
        caveat = _(
            "In this text the forget gate is not lowest at a new sentence, so the text does not show the effect: "
            "it shows best with two or three sentences."
        )
    elif means[runner] - means[low] < 0.01:
        caveat = _("The difference is tiny in this text: it is not a clear effect here.")
    return Answer(
        low,
        _(
            "Averaged over each kind of character, the forget gate is lowest at {place} ({value:.2f}), {margin} "
            "({runner}, {runner_value:.2f}). A new sentence makes much of the old memory useless, so the units let "
            "it go as the sentence starts."
        ).format(
            place=_(low), value=means[low], margin=margin_words(means[low], means[runner]), runner=_(runner),
            runner_value=means[runner],
        ),
        **labelled(p for p in PLACES if p in means),
        caveat=caveat,
    )  # fmt: skip


def candidates(c: Context) -> list[int]:
    """The best quote unit and three others from the middle of the ranking (never the last, which is the
    unit *lower* inside the quotes: a tracker too, of the opposite sign), in unit order (no give-away)."""
    ranked = c.order
    n = len(ranked)
    return sorted({ranked[0], ranked[n // 4], ranked[n // 2], ranked[(3 * n) // 4]})


def no_quotes(c: Context) -> str:
    if c.unit is None:
        return _('The text has no words between "double quotes" (or only quotes), so no unit can track them.')
    return ""


def candidate_heatmap(c: Context) -> Chart:
    if c.unit is None:
        return Chart(no_quotes(c), html=F.coloured_text(c.view.tokens, c.quotes, words=False, highlight=True))
    units = candidates(c)
    figure = F.gates_heatmap(c.view.c[:, units], c.labels, units, "c", title=_("Cell state c of four units"))
    mark_spans(figure, c.quotes, label=_("inside quotes"))
    inside = int(c.quotes.sum())
    return Chart(
        _("Cell states of units {units}; the dotted boxes mark the {inside} characters inside quotes.").format(
            units=", ".join(map(str, units)), inside=inside
        ),
        figure,
    )


def quote_answer(c: Context) -> Answer:
    if c.unit is None:
        return Answer(None, "", caveat=no_quotes(c))
    share, options = c.ranking, candidates(c)
    best = c.unit
    runner = max((u for u in options if u != best), key=lambda u: share[u])
    next_best = c.order[1]
    inside, outside = c.view.c[c.quotes, best].mean(), c.view.c[~c.quotes, best].mean()
    caveat = ""
    if share[best] < 0.8:
        caveat = _(
            "No unit tracks the quotes clearly in this text (the best is higher inside only {share:.0%})."
        ).format(share=share[best])
    return Answer(
        f"unit {best}",
        _(
            "Unit {unit} is higher inside the quotes than outside for {share:.0%} of (inside, outside) character "
            "pairs; of the four, the runner-up (unit {runner}) only {runner_share:.0%}. Of all 512 units the next "
            "best, unit {next_best}, reaches {next_share:.0%}. Its memory averages {inside:+.2f} inside and "
            "{outside:+.2f} outside: it switches on at the opening quote, though it does not switch fully off after "
            "the closing one."
        ).format(
            unit=best, share=share[best], runner=runner, runner_share=share[runner], next_best=next_best,
            next_share=share[next_best], inside=inside, outside=outside,
        ),
        options=tuple(f"unit {u}" for u in options),
        labels=tuple(_("unit {number}").format(number=u) for u in options),
        caveat=caveat,
    )  # fmt: skip


def quote_text(c: Context) -> Chart:
    if c.unit is None:
        return Chart(no_quotes(c), html=F.coloured_text(c.view.tokens, c.quotes, words=False, highlight=True))
    u = c.unit
    return Chart(
        _(
            "The text coloured by unit {unit}'s cell state: {inside:+.2f} on average inside quotes, {outside:+.2f} "
            "outside."
        ).format(unit=u, inside=c.view.c[c.quotes, u].mean(), outside=c.view.c[~c.quotes, u].mean()),
        html=F.coloured_text(c.view.tokens, c.view.c[:, u], words=False),
    )


def opening_quote(c: Context) -> int | None:
    """The step of the first opening quote mark (the first step inside quotes), or None."""
    inside = np.flatnonzero(c.quotes)
    return int(inside[0]) if inside.size else None


def ledger_parts(c: Context, k: int) -> tuple[float, float]:
    """(written i·g, forgotten f·c(t-1) − c(t-1)) of the quote unit at step k."""
    u = c.unit
    before = float(c.view.c[k - 1, u]) if k > 0 else 0.0
    return float(c.view.written[k, u]), float(c.view.kept[k, u]) - before


def ledger_chart(c: Context) -> Chart:
    u = c.unit if c.unit is not None else 0
    figure = F.ledger(c.view, u, c.labels)
    figure.update_layout(  # the legend row above the bars, not on them; the title above it, not on it
        legend={"y": 1.02, "yanchor": "bottom"},
        margin={"t": 70},
        title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}},
    )
    if c.unit is not None:
        mark_spans(figure, c.quotes, label=_("inside quotes"))
    return Chart(
        _("Unit {unit}'s memory at every character: what was kept (blue), what was written (orange).").format(unit=u),
        figure,
    )


def ledger_prompt(c: Context) -> str:
    return _("At the opening quote mark, what moves unit {unit}'s memory most?").format(
        unit=c.unit if c.unit is not None else 0
    )


def ledger_answer(c: Context) -> Answer:
    k = opening_quote(c)
    if c.unit is None or k is None:
        return Answer(None, "", caveat=no_quotes(c))
    written, forgotten = ledger_parts(c, k)
    value = WRITE if abs(written) >= abs(forgotten) else FORGET
    wins = (
        _("At the opening quote (character {k}) unit {unit} wrote {written:+.2f} and forgot {forgotten:+.2f}: writing "
          "wins by {margin:.2f}. The quote mark itself is what the unit writes down.")
        if value == WRITE
        else _("At the opening quote (character {k}) unit {unit} wrote {written:+.2f} and forgot {forgotten:+.2f}: "
               "forgetting wins by {margin:.2f}. The quote mark itself is what the unit writes down.")
    )  # fmt: skip
    margin = abs(abs(written) - abs(forgotten))
    return Answer(
        value,
        wins.format(k=k + 1, unit=c.unit, written=written, forgotten=forgotten, margin=margin),
        **labelled((WRITE, FORGET)),
    )


def ledger_reveal(c: Context) -> Chart:
    u = c.unit if c.unit is not None else 0
    k = opening_quote(c)
    before = np.concatenate([[0.0], c.view.c[:-1, u]])
    series = {_("written (i·g)"): c.view.written[:, u], _("forgotten (f·c − c)"): c.view.kept[:, u] - before}
    title = _("Unit {unit}: written and forgotten at each character").format(unit=u)
    figure = step_profile(c.labels, series, title=title, y_title=_("change of c"), marked=k)
    return Chart(
        _("The opening quote is marked in yellow; unit {unit}'s two parts of the change at every character.").format(
            unit=u
        ),
        figure,
    )


def unit_story(c: Context) -> Chart:
    u = c.unit if c.unit is not None else 0
    inside = c.view.f[c.quotes, u].mean() if c.quotes.any() else float("nan")
    outside = c.view.f[~c.quotes, u].mean() if (~c.quotes).any() else float("nan")
    return Chart(
        _(
            "Unit {unit}'s gates and memory over the text; its forget gate averages {inside:.2f} inside quotes and "
            "{outside:.2f} outside."
        ).format(unit=u, inside=inside, outside=outside),
        F.unit_lines(c.view, u, c.labels).update_layout(legend={"y": 1.02, "yanchor": "bottom"}),
    )


LESSON = Lesson(
    slug="lstm",
    title=N_("How an LSTM remembers"),
    summary=N_("Where the forget gate closes, a unit that tracks quotes, and its memory ledger."),
    default_text='He said, "I will go home now." Then she left.',
    text_label=N_("Text (the char-LSTM reads it one character at a time)"),
    prepare=prepare,
    max_chars=MAX_CHARS,
    models=("char-LSTM",),
    example_texts=(
        'He said "the bank is closed" and left. She asked "which bank?" and waited. Then they went home.',
        'Tom shouted, "Run to the house!" We ran. Mother asked, "What is wrong?" Nobody answered.',
    ),
    steps=(
        Step(
            N_("One character at a time"),
            fixed(
                N_(
                    "The char-LSTM reads your text one character at a time and keeps a memory, the **cell state**. At "
                    "each character every unit's **forget gate** says how much memory to keep: 1 keeps all, 0 wipes it."
                )
            ),
            forget_heatmap,
        ),
        Step(
            N_("Where does forgetting happen?"),
            fixed(
                N_(
                    "Some characters make old memory useless. Look down the columns: at which characters do many "
                    "units forget at once (values nearer 0)?"
                )
            ),
            forget_heatmap,
            Question(
                fixed(N_("On average, at which kind of character is layer 1's forget gate lowest?")),
                "choice",
                dip_answer,
            ),
            reveal_chart=place_chart,
        ),
        Step(
            N_("A unit that tracks quotes"),
            fixed(
                N_(
                    "Some units keep track of *where* the reader is, for example inside a quotation. The dotted boxes "
                    "mark the quoted characters. Here are four of the 512 units."
                )
            ),
            candidate_heatmap,
            Question(fixed(N_("Which unit is higher inside the quotes than outside them?")), "choice", quote_answer),
            reveal_chart=quote_text,
        ),
        Step(
            N_("The memory ledger"),
            fixed(
                N_(
                    "Each character updates the memory: new c = f·c + i·g, in words the forget gate times the old "
                    "memory (**kept**) plus the input gate times the candidate (**written**)."
                )
            ),
            ledger_chart,
            Question(ledger_prompt, "choice", ledger_answer),
            reveal_chart=ledger_reveal,
        ),
        Step(
            N_("The whole story of one unit"),
            fixed(
                N_(
                    "Here are the quote unit's three gates and its memory together. Try a text of your own in the "
                    "lesson's text box (or ask your teacher to): every answer is recomputed from the model."
                )
            ),
            unit_story,
        ),
    ),
)
