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
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, literal

MAX_CHARS = 500
PROBE_N = 50  # the memory question's distance
SAME = "both about the same (within 20 %)"
WINNERS = ("the plain RNN", "the LSTM", SAME)


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
        raise InputError("The text needs at least two characters: one to read and one to predict.")
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
        f"The text, characters 1 to {c.target + 1} read (pale) and character {c.predicted} to guess (yellow). "
        f"Surprisal of that character: plain RNN {bits['plain RNN']:.1f} bits, LSTM {bits['LSTM']:.1f} bits.",
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
        f"One of the {len(test.texts[d])} held-out texts: an opening quote, then {PROBE_N} characters; the yellow "
        "box at the end is where the closing quote belongs.",
        html=coloured_text([*text, "▮"], marks, words=False, highlight=True),
    )


def memory_answer(c: Context) -> Answer:
    rnn, lstm = (c.tests[name] for name in ("plain RNN", "LSTM"))
    d = lstm.distances.index(PROBE_N)
    p_rnn, p_lstm = float(rnn.p_quote[d].mean()), float(lstm.p_quote[d].mean())
    ratio = max(p_rnn, p_lstm) / max(min(p_rnn, p_lstm), 1e-12)
    value = SAME if ratio < 1.2 else ("the LSTM" if p_lstm > p_rnn else "the plain RNN")
    lift = float(lstm.lift[d].mean())
    return Answer(
        value,
        f"Mean P(closing quote) over {lstm.p_quote.shape[1]} texts, {PROBE_N} characters after the opening quote: "
        f"plain RNN {p_rnn:.3f}, LSTM {p_lstm:.3f} ({ratio:.1f} times as likely under the "
        f"{'LSTM' if p_lstm >= p_rnn else 'plain RNN'}). Without the opening quote the LSTM says "
        f"{float(lstm.p_control[d].mean()):.3f}: the quote makes it {lift:.2f} times as likely.",
        options=WINNERS,
        caveat=""
        if lift >= 1.2
        else "The LSTM's own memory of the quote is weak here: its probability barely changes without the quote.",
    )


def memory_curve(c: Context) -> Chart:
    tests = c.tests
    p = {name: tests[name].p_quote for name in ("plain RNN", "LSTM")}
    lstm = tests["LSTM"]
    return Chart(
        "Mean P(closing quote) by N: "
        + "; ".join(
            f"N = {n}: RNN {p['plain RNN'][d].mean():.3f}, LSTM {p['LSTM'][d].mean():.3f}"
            for d, n in enumerate(lstm.distances)
        )
        + ".",
        F.memory_curve(lstm.distances, p, lstm.p_control),
    )


# -- step 3: influence by distance -----------------------------------------------------------------------------
def target_text(c: Context) -> Chart:
    marks = np.zeros(len(c.tokens))
    marks[c.target + 1] = 1
    return Chart(
        f"Your text: {c.target + 1} characters read, character {c.predicted} (yellow) to predict.",
        html=coloured_text(c.tokens, marks, words=False, highlight=True),
    )


def reach_answer(c: Context) -> Answer:
    rnn, lstm = reach(c.results["plain RNN"].inputs), reach(c.results["LSTM"].inputs)
    if rnn is None:
        return Answer(
            None,
            "",
            caveat=f"The text before character {c.predicted} is too short: the plain RNN's influence never falls "
            "below 1 % of its peak. Try a longer text with a quotation near its end.",
        )
    tolerance = max(3.0, round(0.25 * rnn))
    lstm_words = f"{lstm} characters back" if lstm is not None else f"not once in the {c.target + 1} characters"
    return Answer(
        rnn,
        f"The plain RNN's influence falls below 1 % of its peak {rnn} characters back (answers within "
        f"{tolerance:.0f} characters count); the LSTM's does so {lstm_words}.",
        tolerance=tolerance,
        caveat="" if lstm is None or lstm > rnn else "In this text the LSTM's influence fades as fast: no gap shows.",
    )


def distance_chart(c: Context) -> Chart:
    influence = {name: c.results[name].inputs for name in ("plain RNN", "LSTM")}
    rnn, lstm = reach(influence["plain RNN"]), reach(influence["LSTM"])
    return Chart(
        f"Influence against distance: below 1 % of the peak at {rnn if rnn is not None else 'no'} characters back "
        f"for the plain RNN, {lstm if lstm is not None else 'no'} for the LSTM.",
        F.influence_by_distance(influence),
    )


# -- step 4: the forget-gate path (no question) ----------------------------------------------------------------
def path_chart(c: Context) -> Chart:
    rnn, lstm = c.results["plain RNN"], c.results["LSTM"]
    product = lstm.forget_product[0]  # layer 1, [t+1, units]
    unit = int(np.argmax(product[0]))
    return Chart(
        f"Layer 1: unit {unit}'s forget gates multiply to {product[0, unit]:.2g} from character 1 to the "
        f"prediction; the plain RNN's gradient at character 1 is {F.relative(rnn.hidden[0])[0]:.2g} of its peak.",
        # 280 px (350 on a projector): the step's text, the chart and its summary fit one 1280x720 screen
        F.gradient_paths(product[:, unit], f"unit {unit} (layer 1)", rnn.hidden[0], lstm.cell[0]).update_layout(
            height=280
        ),
    )


LESSON = Lesson(
    slug="why-gates",
    title="Why gates? A plain RNN beside the LSTM",
    summary="Two character models trained on the same text: which one remembers an open quote, and why.",
    default_text='She said, "If the river rises again tonight, we must leave before the bridge goes." Nobody answered.',
    text_label="Text (both character models read it)",
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
            "Two readers, one text",
            lambda c: (
                "A plain RNN and an LSTM read the same text, one character at a time, and guess the next one. "
                f"Both were trained on the same corpus with a state of 2 × 512 numbers. Next: character {c.predicted}, "
                f"'{literal(c.next_char)}'."
            ),
            reading_chart,
        ),
        Step(
            "Fifty characters later",
            fixed(
                "A quotation opens, and 50 characters of ordinary prose follow. A model that remembers the opening "
                "quote should now expect it to close. We asked both models on held-out texts it never trained on."
            ),
            probe_text,
            Question(
                fixed("At the yellow box, which model gives the closing quote the higher probability?"),
                "choice",
                memory_answer,
            ),
            reveal_chart=memory_curve,
        ),
        Step(
            "How far back does each model look?",
            fixed(
                "Connectivity measures how much each earlier character moves the prediction: the size of its "
                "gradient. Count back from the yellow character."
            ),
            target_text,
            Question(
                fixed("How many characters back does the plain RNN's influence fall below 1 % of its peak?"),
                "number",
                reach_answer,
                low=0,
                high=MAX_CHARS,
            ),
            reveal_chart=distance_chart,
        ),
        Step(
            "What keeps the gradient alive",
            fixed(
                "The plain RNN multiplies its gradient by a matrix at every step back, so it shrinks: a vanishing "
                "gradient. The LSTM's cell state has a path scaled only by its forget gates: near 1, little is lost."
            ),
            path_chart,
        ),
    ),
)
