"""Lesson 4, "Why ELMo reads both ways": two sentences that share a beginning. ELMo's forward LSTM at
a shared word has read only that beginning, so its state is the same in both; the backward LSTM has
read the different endings (Peters et al. 2018, §3.1: each layer is concat(forward, backward))."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.text import tokenize
from figures.lessons import step_profile
from i18n import N_, _
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, labelled, literal, numbered, two_sentences

MAX_CHARS = 600
SAME = 0.999  # cosine at or above this: the two vectors are the same
HALVES = (N_("the forward half"), N_("the backward half"), N_("both halves"), N_("neither half"))  # keys
DIRECTIONS = {"forward": N_("forward"), "backward": N_("backward")}  # an LSTM's reading direction, as shown


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
    lines = two_sentences(text, max_chars=MAX_CHARS)
    first, second = tokenize(lines[0]), tokenize(lines[1])
    layers = backend.elmo_embed((tuple(first), tuple(second)))
    return Context(first, second, list(layers))


def no_shared(c: Context) -> str:
    if c.word is None:
        return _("The two sentences start with different words, so no word has the same left context in both.")
    return ""


def shared_word(c: Context) -> str:
    return literal(c.first[c.word]) if c.word is not None else "?"


def layer0_chart(c: Context) -> Chart:
    cos = c.cosines(0, "both")
    figure = step_profile(c.labels(), {_("layer 0"): cos}, title=_("Cosine between the two sentences, word by word"),
                          y_title=_("cosine"), marked=c.word)  # fmt: skip
    same = int((cos >= SAME).sum())
    return Chart(
        _("Layer 0 (characters only): {same} of {count} aligned positions are identical (cosine 1).").format(
            same=same, count=len(cos)
        ),
        figure,
    )


def half_chart(half: str, layer: int = 1, *, state_value: bool = True) -> callable:
    """The cosine of one half, word by word; `state_value=False` for a chart drawn before a question
    (the summary then says what is drawn, not the value at the shared word)."""

    def chart(c: Context) -> Chart:
        cos, direction = c.cosines(layer, half), _(DIRECTIONS[half])
        title = _("The {direction} LSTM, layer {layer}: cosine word by word").format(direction=direction, layer=layer)
        series = {_("{direction} LSTM, layer {layer}").format(direction=direction, layer=layer): cos}
        figure = step_profile(c.labels(), series, title=title, y_title=_("cosine"), marked=c.word)
        if not state_value:
            return Chart(
                _("The {direction} LSTM's state in the two sentences, layer {layer}: cosine word by word.").format(
                    direction=direction, layer=layer
                ),
                figure,
            )
        if c.word is None:
            return Chart(
                _("The {direction} LSTM's state in the two sentences, layer {layer}: no shared word.").format(
                    direction=direction, layer=layer
                ),
                figure,
            )
        return Chart(
            _(
                "The {direction} LSTM's state in the two sentences, layer {layer}: cosine {value:.2f} at '{word}'."
            ).format(direction=direction, layer=layer, value=cos[c.word], word=c.first[c.word]),
            figure,
        )

    return chart


def half_answer(half: str, tolerance: float) -> callable:
    def answer(c: Context) -> Answer:
        if c.word is None:
            return Answer(None, "", caveat=no_shared(c))
        cos = float(c.cosines(1, half)[c.word])
        caveat = ""
        if half == "backward" and cos >= SAME:
            caveat = _("The endings are the same too, so the backward LSTM cannot tell them apart here.")
        if half == "forward":
            explanation = _(
                "At '{word}' the forward LSTM has read only the shared beginning: cosine {value:.3f} (1 = the same "
                "vector)."
            ).format(word=shared_word(c), value=cos)
        else:  # the forward half's value is the previous step's answer, never the next one's
            other = float(c.cosines(1, "forward")[c.word])
            explanation = _(
                "At '{word}' the backward LSTM has read the different endings: cosine {value:.3f} (1 = the same "
                "vector); the forward half has {other:.3f}, a difference of {difference:.2f}."
            ).format(word=shared_word(c), value=cos, other=other, difference=abs(cos - other))
        within = _("within {tolerance:g} counts as right").format(tolerance=tolerance)
        return Answer(cos, explanation, tolerance=tolerance, caveat=caveat, tolerance_words=within)

    return answer


def halves_answer(c: Context) -> Answer:
    if c.word is None:
        return Answer(None, "", caveat=no_shared(c))
    forward, backward = (float(c.cosines(2, h)[c.word]) for h in ("forward", "backward"))
    differs = (forward < SAME, backward < SAME)
    value = {(True, False): HALVES[0], (False, True): HALVES[1], (True, True): HALVES[2]}.get(differs, HALVES[3])
    return Answer(
        value,
        _(
            "Layer 2 at '{word}': forward cosine {forward:.3f}, backward {backward:.3f}; a cosine of 1 means the same "
            "vector, so the halves differ by {difference:.2f}."
        ).format(word=shared_word(c), forward=forward, backward=backward, difference=abs(forward - backward)),
        **labelled(HALVES),
    )


def both_chart(c: Context) -> Chart:
    cosines = [c.cosines(k, "both") for k in (0, 1, 2)]
    series = {_("layer {layer}, both halves").format(layer=k): cosines[k] for k in (0, 1, 2)}
    figure = step_profile(c.labels(), series, title=_("ELMo's vectors, word by word"), y_title=_("cosine"),
                          marked=c.word)  # fmt: skip
    if c.word is None:
        return Chart(_("Cosine between the sentences' full ELMo vectors: the sentences share no first word."), figure)
    return Chart(
        _(
            "Cosine between the sentences' full ELMo vectors: at '{word}' layer 1 gives {one:.2f}, layer 2 {two:.2f}."
        ).format(word=c.first[c.word], one=cosines[1][c.word], two=cosines[2][c.word]),
        figure,
    )


LESSON = Lesson(
    slug="both-ways",
    title=N_("Why ELMo reads both ways"),
    summary=N_("A forward LSTM cannot see what comes next; ELMo adds a backward one and joins the two."),
    default_text="I sat on the bank of the river and watched the ducks .\nI sat on the bank and counted my money .",
    text_label=N_("Two sentences, one per line, that begin with the same words"),
    prepare=prepare,
    max_chars=MAX_CHARS,
    models=("ELMo",),
    example_texts=(
        "I went down to the bank to fish in the river .\nI went down to the bank to pay in a cheque .",
        "The old man saw the bat fly out of the cave .\nThe old man saw the bat and the ball in the shed .",
    ),
    steps=(
        Step(
            N_("Two sentences, one beginning"),
            fixed(
                N_(
                    "These two sentences begin the same way and then part. ELMo's **layer 0** reads each word's "
                    "characters only, so a word spelled the same gets the same vector (cosine 1) in both."
                )
            ),
            layer0_chart,
        ),
        Step(
            N_("The forward LSTM"),
            fixed(
                N_(
                    "ELMo's forward LSTM reads left to right: at each word it has seen only the words before it. "
                    "The yellow band marks the last word the two sentences share."
                )
            ),
            layer0_chart,
            Question(
                lambda c: _(
                    "How similar (cosine, 0 to 1) is the forward LSTM's layer-1 state at '{word}' in the two sentences?"
                ).format(word=shared_word(c)),
                "number",
                half_answer("forward", 0.05),
            ),
            reveal_chart=half_chart("forward"),
        ),
        Step(
            N_("The backward LSTM"),
            fixed(
                N_(
                    "A second LSTM reads the sentence right to left: at each word it has already seen everything "
                    "after it, where the two sentences differ."
                )
            ),
            half_chart("forward", state_value=False),
            Question(
                lambda c: _("And the backward LSTM's layer-1 state at '{word}': what cosine?").format(
                    word=shared_word(c)
                ),
                "number",
                half_answer("backward", 0.15),
            ),
            reveal_chart=half_chart("backward"),
        ),
        Step(
            N_("Which half knows?"),
            fixed(
                N_(
                    "Each ELMo layer joins the two: the first half of the vector is the forward state, the second "
                    "half the backward state. Think about layer 2, one level up."
                )
            ),
            half_chart("backward", state_value=False),
            Question(
                lambda c: _("Which half of layer 2's vector differs at '{word}' between the two?").format(
                    word=shared_word(c)
                ),
                "choice",
                halves_answer,
            ),
            reveal_chart=half_chart("backward", layer=2),
        ),
        Step(
            N_("Both ways together"),
            fixed(
                N_(
                    "The joined vector tells the two uses apart at the shared word, and every word after it. That is "
                    "why ELMo reads both ways: a word's meaning depends on what follows too. Try a pair of your own "
                    "in the lesson's text box."
                )
            ),
            both_chart,
        ),
    ),
)
