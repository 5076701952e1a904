"""Lesson 5, "Three models, one sentence": a minimal pair (two sentences that differ in one word) through
the char-LSTM, ELMo and MiniLM (`engine.compare.minimal_pair`). Where each model lets the change reach
follows from how it reads: left to right (the char-LSTM, ELMo's forward LSTM; Hochreiter & Schmidhuber
1997), right to left too (ELMo's backward LSTM; Peters et al. 2018, §3.1), or every word at once
(self-attention; Vaswani et al. 2017). Every answer is read off the pair's own arrays."""

from __future__ import annotations

import html

import numpy as np

from engine.validation import InputError, check_text, clean_text
from figures.common import visible
from figures.compare import pair_heatmaps
from figures.lessons import step_profile
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, literal

MAX_OPTIONS = 6

MAX_CHARS = 300  # per sentence
FORWARD, BACKWARD = [1, 3], [2, 4]  # ELMo's rows (engine.compare.ELMO_ROWS): L1/L2 forward, L1/L2 backward
YES_NO = ("yes", "no")
SAME_WORDS = "The two sentences have the same words, so there is no change to follow. Change one word in one line."


def prepare(text: str, backend):
    """The `PairDiff` of the lesson's two lines (sentence A, sentence B)."""
    problems = [p for p in check_text(text, max_chars=2 * MAX_CHARS + 1) if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    lines = [line.strip() for line in clean_text(text)[0].splitlines() if line.strip()]
    if len(lines) != 2:
        raise InputError(f"This lesson compares exactly two sentences, one per line; the text has {len(lines)} lines.")
    if backend.minimal_pair is None:
        raise InputError("This lesson needs the three models of the Compare page, which are not loaded here.")
    return backend.minimal_pair(lines[0], lines[1])


# -- what the lesson asks: plain reads of the PairDiff's arrays ----------------------------------------
def words(diff) -> list[str]:
    """The aligned words numbered from 1, as a learner counts them ("5:bank", "8:river→money")."""
    return [f"{n + 1}:{label.split(':', 1)[1]}" for n, label in enumerate(diff.labels)]


def near(count: int, centre: int, keep: int = MAX_OPTIONS) -> list[int]:
    """Up to `keep` positions of `count` around `centre`, in order (the options of a word question)."""
    start = min(max(centre - keep // 2, 0), max(count - keep, 0))
    return list(range(start, min(start + keep, count)))


def first_change(diff) -> int | None:
    return diff.pairing.first_change


def changed_words(diff) -> str:
    return ", ".join(literal(label) for label, c in zip(words(diff), diff.pairing.changed, strict=True) if c)


def lstm_before(diff) -> np.ndarray:
    """The char-LSTM's ‖Δ(h, c)‖ after each shared leading character, both layers `[2, prefix]`."""
    return diff.char_distance[:, : diff.char_prefix]


def forward_first_move(diff) -> int | None:
    moved = diff.model("ELMo").moved[FORWARD].any(axis=0) & ~np.isnan(diff.model("ELMo").distance[FORWARD]).all(0)
    hits = np.flatnonzero(moved)
    return int(hits[0]) if hits.size else None


def minilm_names(diff) -> list[str]:
    """MiniLM's rows named for a learner: "MiniLM embeddings", "MiniLM layer 1", ... (never "L1", which
    ELMo's rows use too)."""
    return ["MiniLM embeddings" if k == 0 else f"MiniLM layer {k}" for k in range(len(diff.models[2].layers))]


def minilm_first_layer(diff) -> int | None:
    """The first MiniLM row (0 = embeddings) where some unchanged word's vector moved."""
    mini = diff.models[2]
    unchanged = ~np.asarray(diff.pairing.changed)
    if not unchanged.any():
        return None
    rows = np.flatnonzero(mini.moved[:, unchanged].any(axis=1))
    return int(rows[0]) if rows.size else None


# -- answers -------------------------------------------------------------------------------------------
def lstm_answer(diff) -> Answer:
    if diff.char_prefix == 0:
        return Answer(None, "", caveat="The two sentences differ from their first character: nothing comes before it.")
    before = lstm_before(diff)
    moved = bool(before.any())
    return Answer(
        YES_NO[0] if moved else YES_NO[1],
        f"The first {diff.char_prefix} characters are the same in both; after each of them the char-LSTM's state "
        f"moved by {_exactly(before)} (the size of the change of its memory and output, both layers): it has not "
        f"read the change yet. After the change it moves by up to {diff.char_distance.max(initial=0.0):.2f}.",
        options=YES_NO,
        caveat="" if not moved else "Its state moved before the change: the texts are not read the same way here.",
    )


def forward_answer(diff) -> Answer:
    first = first_change(diff)
    if first is None:
        return Answer(None, "", caveat=SAME_WORDS)
    found = forward_first_move(diff)
    labels = words(diff)
    if found is None:
        return Answer(None, "", caveat="ELMo's forward halves do not move at any word of this pair.")
    caveat = "" if found == first else "Here the forward halves move before the changed word: not the usual effect."
    return Answer(
        labels[found],
        f"ELMo's forward LSTM has read only the words to the left: it first moves at {literal(labels[found])} "
        f"(cosine distance {np.nanmax(diff.model('ELMo').distance[FORWARD, found]):.3f}, against exactly 0 at "
        f"every word before); the changed words: {changed_words(diff)}.",
        options=tuple(labels[k] for k in sorted(set(near(len(labels), first)) | {found})[-MAX_OPTIONS:]),
        caveat=caveat,
    )


def backward_answer(diff) -> Answer:
    first = first_change(diff)
    if first is None:
        return Answer(None, "", caveat=SAME_WORDS)
    if first == 0:
        return Answer(None, "", caveat="The first word is the one that changes: no word comes before it.")
    before = diff.model("ELMo").distance[BACKWARD, :first]
    moved = bool(np.nan_to_num(before).any())
    return Answer(
        YES_NO[0] if moved else YES_NO[1],
        f"ELMo's backward LSTM reads from the right, so it has read the change at every earlier word: "
        f"it moved there by up to {np.nanmax(before, initial=0.0):.3f} (cosine distance), where the forward half "
        "moved by exactly 0.",
        options=YES_NO,
        caveat="" if moved else "Here the backward halves did not move before the change.",
    )


def minilm_answer(diff) -> Answer:
    if first_change(diff) is None:
        return Answer(None, "", caveat=SAME_WORDS)
    mini = diff.models[2]
    layer = minilm_first_layer(diff)
    if layer is None:
        caveat = "Every word changed: no unchanged word is left to move." if all(diff.pairing.changed) else (
            f"No unchanged word moved in any {diff.a.transformer_name} layer here.")  # fmt: skip
        return Answer(None, "", caveat=caveat)
    unchanged = ~np.asarray(diff.pairing.changed)
    shown = sorted({0, 1, 2, 3, len(mini.layers) - 1, layer})[:MAX_OPTIONS]
    names = minilm_names(diff)
    return Answer(
        names[layer],
        f"At {names[layer]} the unchanged words moved by up to {np.nanmax(mini.distance[layer, unchanged]):.4f}"
        f"; in the row before, by {_before(mini.distance, layer, unchanged)}. Attention mixes every word into every "
        "other, so the change reaches them all at once.",
        options=tuple(names[k] for k in shown),
        caveat="" if layer > 0 else "Here the unchanged words move already in the embeddings (their positions shift).",
    )


def _exactly(values: np.ndarray) -> str:
    return "exactly 0" if not np.nan_to_num(values).any() else f"up to {np.nanmax(values):.3g}"


def _before(distance: np.ndarray, layer: int, unchanged: np.ndarray) -> str:
    if layer == 0:
        return "nothing (this is the first row)"
    values = distance[layer - 1, unchanged]
    values = values[~np.isnan(values)]
    return "exactly 0" if not values.any() else f"{values.max():.4f}"


# -- charts --------------------------------------------------------------------------------------------
def pair_chart(diff) -> Chart:
    unchanged = ~np.asarray(diff.pairing.changed)
    counts = ", ".join(f"{m.model} {int((m.moved[-1] & unchanged).sum())}" for m in diff.models)
    return Chart(
        f"{diff.pairing.summary} Unchanged words whose last-layer vector moved, of {int(unchanged.sum())}: {counts}.",
        pair_heatmaps(diff, words(diff), short_titles=True),
    )


def pair_text(diff) -> Chart:
    """The two sentences, one above the other, nothing marked (the raw material of a step: marking the
    changed word would single out an answer of the forward-half question)."""
    style = "font-size:1.4rem;margin:0.2rem 0"
    rows = [
        f"<p style='{style}'><b>{name}</b>&nbsp; {html.escape(' '.join(run.alignment.words))}</p>"
        for name, run in (("A", diff.a), ("B", diff.b))
    ]
    changed = sum(diff.pairing.changed)
    return Chart(
        f"Sentence A above sentence B: {len(diff.labels)} aligned words, {changed} of them different.",
        html="".join(rows),
    )


def lstm_chart(diff) -> Chart:
    steps = diff.char_distance.shape[1]
    labels = [f"{k + 1}:{visible(ch)}" for k, ch in enumerate(diff.a.text[:steps])]  # counted from 1
    series = {f"layer {k + 1}": diff.char_distance[k] for k in range(diff.char_distance.shape[0])}
    marked = diff.char_prefix if diff.char_prefix < steps else None
    figure = step_profile(labels, series, title="char-LSTM: how far its state moved, character by character",
                          y_title="size of the change", marked=marked)  # fmt: skip
    return Chart(
        f"The char-LSTM's state moved by {_exactly(lstm_before(diff))} after the {diff.char_prefix} shared "
        f"characters, by up to {diff.char_distance.max(initial=0.0):.2f} after the change.",
        figure,
    )


def elmo_chart(rows: list[int], half: str):
    def chart(diff) -> Chart:
        elmo = diff.model("ELMo")
        series = {elmo.layers[r]: elmo.distance[r] for r in rows}
        figure = step_profile(words(diff), series, title=f"ELMo's {half} LSTM: how far each word moved, A → B",
                              y_title="cosine distance", marked=first_change(diff))  # fmt: skip
        top = np.nanmax(elmo.distance[rows], axis=0)
        k = int(np.nanargmax(top)) if np.isfinite(top).any() else 0
        return Chart(f"ELMo's {half} halves move most at {words(diff)[k]}: {top[k]:.3f}.", figure)

    return chart


def minilm_chart(diff) -> Chart:
    mini = diff.models[2]
    unchanged = ~np.asarray(diff.pairing.changed)
    per_row = [float(np.nanmax(mini.distance[r, unchanged], initial=0.0)) for r in range(len(mini.layers))]
    figure = step_profile(minilm_names(diff), {"unchanged words, largest move": np.array(per_row)},
                          title=f"{diff.a.transformer_name}: the unchanged words, layer by layer",
                          y_title="cosine distance")  # fmt: skip
    top = int(np.argmax(per_row))
    return Chart(
        f"{diff.a.transformer_name}: the unchanged words move most at {minilm_names(diff)[top]}, by "
        f"{per_row[top]:.4f}.",
        figure,
    )


LESSON = Lesson(
    slug="three-models",
    title="Three models, one sentence",
    summary="Change one word and watch where each model lets the change reach: left, right, or everywhere.",
    default_text="She sat on the bank of the river.\nShe sat on the bank of the stream.",
    text_label="Two sentences, one per line, that differ in one word",
    prepare=prepare,
    max_chars=2 * MAX_CHARS + 1,
    models=("char-LSTM", "ELMo", "MiniLM"),
    example_texts=(
        "The cat sat on the mat by the door.\nThe dog sat on the mat by the door.",
        "He opened the door with a key.\nHe opened the door with a smile.",
    ),
    steps=(
        Step(
            "One word changes",
            fixed(
                "Two sentences that differ in one word run through three models: the **char-LSTM**, **ELMo** and "
                "**MiniLM**. For each word we measure how far its vector moved from sentence A to sentence B."
            ),
            pair_text,
        ),
        Step(
            "The char-LSTM reads left to right",
            fixed(
                "The char-LSTM reads one character at a time, and its state after a character depends only on "
                "the characters so far."
            ),
            pair_text,
            Question(lambda d: "Does the char-LSTM's state move before the changed character?", "choice", lstm_answer),
            reveal_chart=lstm_chart,
        ),
        Step(
            "ELMo's forward half",
            fixed("ELMo's forward LSTM reads words left to right, like the char-LSTM, one level up."),
            pair_text,
            Question(lambda d: "At which word does ELMo's forward half first move?", "choice", forward_answer),
            reveal_chart=elmo_chart(FORWARD, "forward"),
        ),
        Step(
            "ELMo's backward half",
            fixed(
                "ELMo's second LSTM reads the sentence right to left: it meets the change before the words left of it."
            ),
            pair_text,
            Question(
                lambda d: "Does ELMo's backward half move at the words before the change?", "choice", backward_answer
            ),
            reveal_chart=elmo_chart(BACKWARD, "backward"),
        ),
        Step(
            "MiniLM: every word at once",
            fixed(
                "MiniLM looks up each token (the **embeddings**), then each of its 6 layers lets every token "
                "**attend** to (take a weighted mix of) every other."
            ),
            pair_text,
            Question(lambda d: "Which MiniLM layer first moves the unchanged words?", "choice", minilm_answer),
            reveal_chart=minilm_chart,
        ),
        Step(
            "All three together, and your own pair",
            fixed(
                "Left to right, right to left, everywhere at once: each cell is how far a word moved. Try a pair "
                "of your own in the lesson's text box (one word apart): every answer is read from the models."
            ),
            pair_chart,
        ),
    ),
)
