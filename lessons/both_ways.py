"""Lesson 4, "Why ELMo reads both ways": two sentences that share a beginning. ELMo's forward LSTM at
a shared word has read only that beginning, so its state is the same in both; the backward LSTM has
read the different endings (Peters et al. 2018, §3.1: each layer is concat(forward, backward))."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.text import tokenize
from engine.validation import InputError, check_text, clean_text
from figures.lessons import step_profile
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, literal, numbered

MAX_CHARS = 600
SAME = 0.999  # cosine at or above this: the two vectors are the same
HALVES = ("the forward half", "the backward half", "both halves", "neither half")


@dataclass
class Context:
    first: list[str]
    second: list[str]
    layers: list[np.ndarray]  # two arrays (3, T, 2P): ELMo's layers 0, 1, 2 per sentence

    @property
    def shared(self) -> int:
        """How many leading words the two sentences share."""
        n = 0
        for a, b in zip(self.first, self.second, strict=False):
            if a != b:
                break
            n += 1
        return n

    @property
    def word(self) -> int | None:
        """The last shared word (the one the lesson asks about), or None when they start differently."""
        return self.shared - 1 if self.shared else None

    def cosines(self, layer: int, half: str) -> np.ndarray:
        """Cosine between the sentences' vectors at each aligned position (the shorter length)."""
        a, b = self.layers[0][layer], self.layers[1][layer]
        n = min(len(a), len(b))
        width = a.shape[-1] // 2
        cut = {"forward": slice(0, width), "backward": slice(width, None), "both": slice(None)}[half]
        x, y = a[:n, cut].astype(np.float64), b[:n, cut].astype(np.float64)
        norms = np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1)
        return (x * y).sum(axis=1) / np.where(norms > 0, norms, 1)

    def labels(self) -> list[str]:
        n = min(len(self.first), len(self.second))
        return numbered([a if a == b else f"{a}/{b}" for a, b in zip(self.first[:n], self.second[:n], strict=True)])


def prepare(text: str, backend) -> Context:
    problems = [p for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    lines = [line for line in clean_text(text)[0].splitlines() if line.strip()]
    if len(lines) != 2:
        raise InputError(f"This lesson compares exactly two sentences, one per line; the text has {len(lines)} lines.")
    first, second = tokenize(lines[0]), tokenize(lines[1])
    layers = backend.elmo_embed((tuple(first), tuple(second)))
    return Context(first, second, list(layers))


def no_shared(c: Context) -> str:
    if c.word is None:
        return "The two sentences start with different words, so no word has the same left context in both."
    return ""


def shared_word(c: Context) -> str:
    return literal(c.first[c.word]) if c.word is not None else "?"


def layer0_chart(c: Context) -> Chart:
    cos = c.cosines(0, "both")
    figure = step_profile(c.labels(), {"layer 0": cos}, title="Cosine between the two sentences, word by word",
                          y_title="cosine", marked=c.word)  # fmt: skip
    same = int((cos >= SAME).sum())
    return Chart(f"Layer 0 (characters only): {same} of {len(cos)} aligned positions are identical (cosine 1).", figure)


def half_chart(half: str, layer: int = 1, *, state_value: bool = True) -> callable:
    """The cosine of one half, word by word; `state_value=False` for a chart drawn before a question
    (the summary then says what is drawn, not the value at the shared word)."""

    def chart(c: Context) -> Chart:
        cos = c.cosines(layer, half)
        title = f"The {half} LSTM, layer {layer}: cosine word by word"
        figure = step_profile(c.labels(), {f"{half} LSTM, layer {layer}": cos}, title=title, y_title="cosine",
                              marked=c.word)  # fmt: skip
        if not state_value:
            return Chart(f"The {half} LSTM's state in the two sentences, layer {layer}: cosine word by word.", figure)
        at = f"{cos[c.word]:.2f} at '{c.first[c.word]}'" if c.word is not None else "no shared word"
        return Chart(f"The {half} LSTM's state in the two sentences, layer {layer}: cosine {at}.", figure)

    return chart


def half_answer(half: str, tolerance: float) -> callable:
    def answer(c: Context) -> Answer:
        if c.word is None:
            return Answer(None, "", caveat=no_shared(c))
        cos = float(c.cosines(1, half)[c.word])
        seen = "only the shared beginning" if half == "forward" else "the different endings"
        caveat = ""
        if half == "backward" and cos >= SAME:
            caveat = "The endings are the same too, so the backward LSTM cannot tell them apart here."
        compared = ""
        if half == "backward":  # the forward half's value is the previous step's answer, never the next one's
            other = float(c.cosines(1, "forward")[c.word])
            compared = f"; the forward half has {other:.3f}, a difference of {abs(cos - other):.2f}"
        return Answer(cos, f"At '{shared_word(c)}' the {half} LSTM has read {seen}: cosine {cos:.3f} (1 = the same "
                      f"vector){compared}.",
                      tolerance=tolerance, caveat=caveat,
                      tolerance_words=f"within {tolerance:g} counts as right")  # fmt: skip

    return answer


def halves_answer(c: Context) -> Answer:
    if c.word is None:
        return Answer(None, "", caveat=no_shared(c))
    forward, backward = (float(c.cosines(2, h)[c.word]) for h in ("forward", "backward"))
    differs = (forward < SAME, backward < SAME)
    value = {(True, False): HALVES[0], (False, True): HALVES[1], (True, True): HALVES[2]}.get(differs, HALVES[3])
    return Answer(
        value,
        f"Layer 2 at '{shared_word(c)}': forward cosine {forward:.3f}, backward {backward:.3f}; a cosine of 1 "
        f"means the same vector, so the halves differ by {abs(forward - backward):.2f}.",
        options=HALVES,
    )


def both_chart(c: Context) -> Chart:
    series = {f"layer {k}, both halves": c.cosines(k, "both") for k in (0, 1, 2)}
    figure = step_profile(c.labels(), series, title="ELMo's vectors, word by word", y_title="cosine",
                          marked=c.word)  # fmt: skip
    at = (
        f"at '{c.first[c.word]}' layer 1 gives {series['layer 1, both halves'][c.word]:.2f}, layer 2 "
        f"{series['layer 2, both halves'][c.word]:.2f}"
        if c.word is not None
        else "the sentences share no first word"
    )
    return Chart(f"Cosine between the sentences' full ELMo vectors: {at}.", figure)


LESSON = Lesson(
    slug="both-ways",
    title="Why ELMo reads both ways",
    summary="A forward LSTM cannot see what comes next; ELMo adds a backward one and joins the two.",
    default_text="I sat on the bank of the river and watched the ducks .\nI sat on the bank and counted my money .",
    text_label="Two sentences, one per line, that begin with the same words",
    prepare=prepare,
    max_chars=MAX_CHARS,
    models=("ELMo",),
    example_texts=(
        "I went down to the bank to fish in the river .\nI went down to the bank to pay in a cheque .",
        "The old man saw the bat fly out of the cave .\nThe old man saw the bat and the ball in the shed .",
    ),
    steps=(
        Step(
            "Two sentences, one beginning",
            fixed(
                "These two sentences begin the same way and then part. ELMo's **layer 0** reads each word's "
                "characters only, so a word spelled the same gets the same vector (cosine 1) in both."
            ),
            layer0_chart,
        ),
        Step(
            "The forward LSTM",
            fixed(
                "ELMo's forward LSTM reads left to right: at each word it has seen only the words before it. "
                "The yellow band marks the last word the two sentences share."
            ),
            layer0_chart,
            Question(
                lambda c: (
                    f"How similar (cosine, 0 to 1) is the forward LSTM's layer-1 state at "
                    f"'{shared_word(c)}' in the two sentences?"
                ),
                "number",
                half_answer("forward", 0.05),
            ),
            reveal_chart=half_chart("forward"),
        ),
        Step(
            "The backward LSTM",
            fixed(
                "A second LSTM reads the sentence right to left: at each word it has already seen everything "
                "after it, where the two sentences differ."
            ),
            half_chart("forward", state_value=False),
            Question(
                lambda c: f"And the backward LSTM's layer-1 state at '{shared_word(c)}': what cosine?",
                "number",
                half_answer("backward", 0.15),
            ),
            reveal_chart=half_chart("backward"),
        ),
        Step(
            "Which half knows?",
            fixed(
                "Each ELMo layer joins the two: the first half of the vector is the forward state, the second "
                "half the backward state. Think about layer 2, one level up."
            ),
            half_chart("backward", state_value=False),
            Question(
                lambda c: f"Which half of layer 2's vector differs at '{shared_word(c)}' between the two?",
                "choice",
                halves_answer,
            ),
            reveal_chart=half_chart("backward", layer=2),
        ),
        Step(
            "Both ways together",
            fixed(
                "The joined vector tells the two uses apart at the shared word, and every word after it. That is "
                "why ELMo reads both ways: a word's meaning depends on what follows too. Try a pair of your own "
                "in the lesson's text box."
            ),
            both_chart,
        ),
    ),
)
