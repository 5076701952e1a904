"""Lesson "Why gates?": a plain RNN beside the char-LSTM, trained on the same text. Which one still
expects a quote to close, how far back each one's influence reaches, and the forget-gate path that
keeps the LSTM's gradient alive. Every number comes from the live models (engine.analysis.memory)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis.predictions import closing_quote
from engine.text import steps
from engine.validation import InputError, check_text, clean_text
from figures import memory as F
from figures.lstm import coloured_text
from i18n import N_, _, pgettext
from lessons.core import Answer, Chart, Lesson, Question, Step, clauses, fixed, labelled, literal

MAX_CHARS = 500
PROBE_N = 50  # the memory question's distance
SAME = N_("both about the same (within 20 %)")
WINNERS = (N_("the plain RNN"), N_("the LSTM"), SAME)  # keys; the learner reads _(key)
PEAK = "1 %"  # the share of its peak under which influence counts as gone (a placeholder: "1 % of" reads as a %-format)


@dataclass
class Context:
    text: str
    tokens: list[str]
    target: int  # the step read just before the predicted character (0-based)
    results: dict  # {"plain RNN" | "LSTM": Connectivity}
    tests: dict  # {"plain RNN" | "LSTM": MemoryTest}

    @property
    def next_char(self) -> str:
        return self.results["LSTM"].next_char

    @property
    def predicted(self) -> int:
        """The predicted character, counted from 1 as the learner counts."""
        return self.target + 2


def prepare(text: str, backend) -> Context:
    problems = [p for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    text = clean_text(text)[0]
    tokens = [s.text for s in steps(text)]
    if len(tokens) < 2:
        raise InputError(_("The text needs at least two characters: one to read and one to predict."))
    quote = closing_quote(text)
    target = (quote - 1) if quote is not None and quote > 0 else len(tokens) - 2
    return Context(text, tokens, target, backend.connectivity(text, target), backend.memory_tests())


def reach(values: np.ndarray) -> int | None:
    """Characters back at which influence first falls below 1 % of its peak; None if it never does."""
    below = np.nonzero(F.relative(values)[::-1] < 0.01)[0]
    return int(below[0]) if below.size else None


# -- step 1: the two readers (no question) ---------------------------------------------------------------------
def reading_chart(c: Context) -> Chart:
    bits = {name: float(-c.results[name].log_prob / np.log(2)) for name in ("plain RNN", "LSTM")}
    marks = np.where(np.arange(len(c.tokens)) <= c.target, 0.25, 0.0)
    marks[c.target + 1] = 1.0
    return Chart(
        _(
            "The text, characters 1 to {read} read (pale) and character {predicted} to guess (yellow). Surprisal of "
            "that character: plain RNN {rnn:.1f} bits, LSTM {lstm:.1f} bits."
        ).format(read=c.target + 1, predicted=c.predicted, rnn=bits["plain RNN"], lstm=bits["LSTM"]),
        html=coloured_text(c.tokens, marks, words=False, highlight=True),
    )


# -- step 2: the memory test -----------------------------------------------------------------------------------
def probe_text(c: Context) -> Chart:
    test = c.tests["LSTM"]
    d = test.distances.index(PROBE_N)
    text = '"' + test.texts[d][0]
    marks = np.zeros(len(text) + 1)
    marks[0] = 1
    return Chart(
        _(
            "One of the {count} held-out texts: an opening quote, then {n} characters; the yellow box at the end is "
            "where the closing quote belongs."
        ).format(count=len(test.texts[d]), n=PROBE_N),
        html=coloured_text([*text, "▮"], marks, words=False, highlight=True),
    )


def memory_answer(c: Context) -> Answer:
    rnn, lstm = (c.tests[name] for name in ("plain RNN", "LSTM"))
    d = lstm.distances.index(PROBE_N)
    p_rnn, p_lstm = float(rnn.p_quote[d].mean()), float(lstm.p_quote[d].mean())
    ratio = max(p_rnn, p_lstm) / max(min(p_rnn, p_lstm), 1e-12)
    value = SAME if ratio < 1.2 else ("the LSTM" if p_lstm > p_rnn else "the plain RNN")
    lift = float(lstm.lift[d].mean())
    likelier = (
        _(
            "Mean P(closing quote) over {count} texts, {n} characters after the opening quote: plain RNN {rnn:.3f}, "
            "LSTM {lstm:.3f} ({ratio:.1f} times as likely under the LSTM). Without the opening quote the LSTM says "
            "{control:.3f}: the quote makes it {lift:.2f} times as likely."
        )
        if p_lstm >= p_rnn
        else _(
            "Mean P(closing quote) over {count} texts, {n} characters after the opening quote: plain RNN {rnn:.3f}, "
            "LSTM {lstm:.3f} ({ratio:.1f} times as likely under the plain RNN). Without the opening quote the LSTM "
            "says {control:.3f}: the quote makes it {lift:.2f} times as likely."
        )
    )
    return Answer(
        value,
        likelier.format(
            count=lstm.p_quote.shape[1], n=PROBE_N, rnn=p_rnn, lstm=p_lstm, ratio=ratio,
            control=float(lstm.p_control[d].mean()), lift=lift,
        ),
        **labelled(WINNERS),
        caveat=""
        if lift >= 1.2
        else _("The LSTM's own memory of the quote is weak here: its probability barely changes without the quote."),
    )  # fmt: skip


def memory_curve(c: Context) -> Chart:
    tests = c.tests
    p = {name: tests[name].p_quote for name in ("plain RNN", "LSTM")}
    lstm = tests["LSTM"]
    parts = [
        _("N = {n}: RNN {rnn:.3f}, LSTM {lstm:.3f}").format(n=n, rnn=p["plain RNN"][d].mean(), lstm=p["LSTM"][d].mean())
        for d, n in enumerate(lstm.distances)
    ]
    return Chart(
        _("Mean P(closing quote) by N: {parts}.").format(parts=clauses(parts)),
        F.memory_curve(lstm.distances, p, lstm.p_control),
    )


# -- step 3: influence by distance -----------------------------------------------------------------------------
def target_text(c: Context) -> Chart:
    marks = np.zeros(len(c.tokens))
    marks[c.target + 1] = 1
    return Chart(
        _("Your text: {read} characters read, character {predicted} (yellow) to predict.").format(
            read=c.target + 1, predicted=c.predicted
        ),
        html=coloured_text(c.tokens, marks, words=False, highlight=True),
    )


def reach_answer(c: Context) -> Answer:
    rnn, lstm = reach(c.results["plain RNN"].inputs), reach(c.results["LSTM"].inputs)
    if rnn is None:
        return Answer(
            None,
            "",
            caveat=_(
                "The text before character {predicted} is too short: the plain RNN's influence never falls below "
                "{share} of its peak. Try a longer text with a quotation near its end."
            ).format(predicted=c.predicted, share=PEAK),
        )
    tolerance = max(3.0, round(0.25 * rnn))
    lstm_words = (
        _("{count} characters back").format(count=lstm)
        if lstm is not None
        else _("not once in the {count} characters").format(count=c.target + 1)
    )
    return Answer(
        rnn,
        _(
            "The plain RNN's influence falls below {share} of its peak {rnn} characters back (answers within "
            "{tolerance:.0f} characters count); the LSTM's does so {lstm}."
        ).format(share=PEAK, rnn=rnn, tolerance=tolerance, lstm=lstm_words),
        tolerance=tolerance,
        integer=True,  # a count of characters: "You said 10", not "10.00"
        caveat=""
        if lstm is None or lstm > rnn
        else _("In this text the LSTM's influence fades as fast: no gap shows."),
    )


def distance_chart(c: Context) -> Chart:
    influence = {name: c.results[name].inputs for name in ("plain RNN", "LSTM")}
    rnn, lstm = reach(influence["plain RNN"]), reach(influence["LSTM"])
    never = pgettext("below 1 % of the peak at no characters back", "no")
    return Chart(
        _(
            "Influence against distance: below {share} of the peak at {rnn} characters back for the plain RNN, {lstm} "
            "for the LSTM."
        ).format(share=PEAK, rnn=rnn if rnn is not None else never, lstm=lstm if lstm is not None else never),
        F.influence_by_distance(influence),
    )


# -- step 4: the forget-gate path (no question) ----------------------------------------------------------------
def path_chart(c: Context) -> Chart:
    rnn, lstm = c.results["plain RNN"], c.results["LSTM"]
    product = lstm.forget_product[0]  # layer 1, [t+1, units]
    unit = int(np.argmax(product[0]))
    return Chart(
        _(
            "Layer 1: unit {unit}'s forget gates multiply to {product:.2g} from character 1 to the prediction; the "
            "plain RNN's gradient at character 1 is {gradient:.2g} of its peak."
        ).format(unit=unit, product=product[0, unit], gradient=F.share_of_peak(rnn.hidden[0])[0]),
        # 280 px (350 on a projector): the step's text, the chart and its summary fit one 1280x720 screen
        F.gradient_paths(
            product[:, unit], _("unit {unit} (layer 1)").format(unit=unit), rnn.hidden[0], lstm.cell[0]
        ).update_layout(height=280),
    )


LESSON = Lesson(
    slug="why-gates",
    title=N_("Why gates? A plain RNN beside the LSTM"),
    summary=N_("Two character models trained on the same text: which one remembers an open quote, and why."),
    default_text='She said, "If the river rises again tonight, we must leave before the bridge goes." Nobody answered.',
    text_label=N_("Text (both character models read it)"),
    max_chars=MAX_CHARS,
    models=("char-LSTM",),
    example_texts=(
        'The guide pointed at the hills. "We walk until the path ends, then we climb the last part slowly." '
        "Everyone nodded.",
        'When the letter came, it read: "The house is yours, and so is the garden behind it." She smiled.',
    ),
    prepare=prepare,
    steps=(
        Step(
            N_("Two readers, one text"),
            lambda c: _(
                "A plain RNN and an LSTM read the same text, one character at a time, and guess the next one. Both "
                "were trained on the same corpus with a state of 2 × 512 numbers. Next: character {predicted}, "
                "'{char}'."
            ).format(predicted=c.predicted, char=literal(c.next_char)),
            reading_chart,
        ),
        Step(
            N_("Fifty characters later"),
            fixed(
                N_(
                    "A quotation opens, and 50 characters of ordinary prose follow. A model that remembers the opening "
                    "quote should now expect it to close. We asked both models on held-out texts it never trained on."
                )
            ),
            probe_text,
            Question(
                fixed(N_("At the yellow box, which model gives the closing quote the higher probability?")),
                "choice",
                memory_answer,
            ),
            reveal_chart=memory_curve,
        ),
        Step(
            N_("How far back does each model look?"),
            fixed(
                N_(
                    "Connectivity measures how much each earlier character moves the prediction: the size of its "
                    "gradient. Count back from the yellow character."
                )
            ),
            target_text,
            Question(
                lambda _c: _(
                    "How many characters back does the plain RNN's influence fall below {share} of its peak?"
                ).format(share=PEAK),
                "number",
                reach_answer,
                low=0,
                high=MAX_CHARS,
            ),
            reveal_chart=distance_chart,
        ),
        Step(
            N_("What keeps the gradient alive"),
            fixed(
                N_(
                    "The plain RNN multiplies its gradient by a matrix at every step back, so it shrinks: a vanishing "
                    "gradient. The LSTM's cell state has a path scaled only by its forget gates: near 1, little is "
                    "lost."
                )
            ),
            path_chart,
        ),
    ),
)
