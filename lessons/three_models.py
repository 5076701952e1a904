"""Lesson 5, "Three models, one sentence": a minimal pair (two sentences that differ in one word) through
the char-LSTM, ELMo and MiniLM (`engine.compare.minimal_pair`). Where each model lets the change reach
follows from how it reads: left to right (the char-LSTM, ELMo's forward LSTM; Hochreiter & Schmidhuber
1997), right to left too (ELMo's backward LSTM; Peters et al. 2018, §3.1), or every word at once
(self-attention; Vaswani et al. 2017). Every answer is read off the pair's own arrays."""

from __future__ import annotations

import html

import numpy as np

from engine.validation import InputError
from figures.common import visible
from figures.compare import pair_heatmaps
from figures.lessons import step_profile
from i18n import N_, _, pgettext
from lessons.core import Answer, Chart, Lesson, Question, Step, fixed, labelled, literal, two_sentences

MAX_OPTIONS = 6

MAX_CHARS = 300  # per sentence
FORWARD, BACKWARD = [1, 3], [2, 4]  # ELMo's rows (engine.compare.ELMO_ROWS): L1/L2 forward, L1/L2 backward
YES_NO = ("yes", "no")  # keys; the learner reads moves_words(key)
SAME_WORDS = N_("The two sentences have the same words, so there is no change to follow. Change one word in one line.")


def prepare(text: str, backend):
    """The `PairDiff` of the lesson's two lines (sentence A, sentence B)."""
    lines = two_sentences(text, max_chars=2 * MAX_CHARS + 1)
    if backend.minimal_pair is None:
        raise InputError(_("This lesson needs the three models of the Compare page, which are not loaded here."))
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
    ELMo's rows use too). The names are the answer's keys; `minilm_words` is what the learner reads."""
    return ["MiniLM embeddings" if k == 0 else f"MiniLM layer {k}" for k in range(len(diff.models[2].layers))]


def moves_words(key: str) -> str:
    """The yes/no of "does the state move…?" in the interface's language (a context of its own: a bare "yes"
    could be translated otherwise elsewhere)."""
    if key == "yes":
        return pgettext("does the state move?", "yes")
    return pgettext("does the state move?", "no")


def minilm_words(name: str) -> str:
    """A name of `minilm_names` in the interface's language."""
    if name == "MiniLM embeddings":
        return _("MiniLM embeddings")
    return _("MiniLM layer {number}").format(number=name.rsplit(" ", 1)[1])


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
        return Answer(
            None, "", caveat=_("The two sentences differ from their first character: nothing comes before it.")
        )
    before = lstm_before(diff)
    moved = bool(before.any())
    return Answer(
        YES_NO[0] if moved else YES_NO[1],
        _(
            "The first {count} characters are the same in both; after each of them the char-LSTM's state moved by "
            "{moved} (the size of the change of its memory and output, both layers): it has not read the change yet. "
            "After the change it moves by up to {after:.2f}."
        ).format(count=diff.char_prefix, moved=_exactly(before), after=diff.char_distance.max(initial=0.0)),
        **labelled(YES_NO, moves_words),
        caveat="" if not moved else _("Its state moved before the change: the texts are not read the same way here."),
    )


def forward_answer(diff) -> Answer:
    first = first_change(diff)
    if first is None:
        return Answer(None, "", caveat=_(SAME_WORDS))
    found = forward_first_move(diff)
    labels = words(diff)
    if found is None:
        return Answer(None, "", caveat=_("ELMo's forward halves do not move at any word of this pair."))
    caveat = "" if found == first else _("Here the forward halves move before the changed word: not the usual effect.")
    return Answer(
        labels[found],
        _(
            "ELMo's forward LSTM has read only the words to the left: it first moves at {word} (cosine distance "
            "{distance:.3f}, against exactly 0 at every word before); the changed words: {changed}."
        ).format(
            word=literal(labels[found]),
            distance=np.nanmax(diff.model("ELMo").distance[FORWARD, found]),
            changed=changed_words(diff),
        ),
        options=tuple(labels[k] for k in sorted(set(near(len(labels), first)) | {found})[-MAX_OPTIONS:]),
        caveat=caveat,
    )


def backward_answer(diff) -> Answer:
    first = first_change(diff)
    if first is None:
        return Answer(None, "", caveat=_(SAME_WORDS))
    if first == 0:
        return Answer(None, "", caveat=_("The first word is the one that changes: no word comes before it."))
    before = diff.model("ELMo").distance[BACKWARD, :first]
    moved = bool(np.nan_to_num(before).any())
    return Answer(
        YES_NO[0] if moved else YES_NO[1],
        _(
            "ELMo's backward LSTM reads from the right, so it has read the change at every earlier word: it moved "
            "there by up to {distance:.3f} (cosine distance), where the forward half moved by exactly 0."
        ).format(distance=np.nanmax(before, initial=0.0)),
        **labelled(YES_NO, moves_words),
        caveat="" if moved else _("Here the backward halves did not move before the change."),
    )


def minilm_answer(diff) -> Answer:
    if first_change(diff) is None:
        return Answer(None, "", caveat=_(SAME_WORDS))
    mini = diff.models[2]
    layer = minilm_first_layer(diff)
    if layer is None:
        caveat = _("Every word changed: no unchanged word is left to move.") if all(diff.pairing.changed) else (
            _("No unchanged word moved in any {model} layer here.").format(model=diff.a.transformer_name))  # fmt: skip
        return Answer(None, "", caveat=caveat)
    unchanged = ~np.asarray(diff.pairing.changed)
    shown = sorted({0, 1, 2, 3, len(mini.layers) - 1, layer})[:MAX_OPTIONS]
    names = minilm_names(diff)
    return Answer(
        names[layer],
        _(
            "At {row} the unchanged words moved by up to {distance:.4f}; in the row before, by {before}. Attention "
            "mixes every word into every other, so the change reaches them all at once."
        ).format(
            row=minilm_words(names[layer]),
            distance=np.nanmax(mini.distance[layer, unchanged]),
            before=_before(mini.distance, layer, unchanged),
        ),
        **labelled([names[k] for k in shown], minilm_words),
        caveat=""
        if layer > 0
        else _("Here the unchanged words move already in the embeddings (their positions shift)."),
    )


def _exactly(values: np.ndarray) -> str:
    if not np.nan_to_num(values).any():
        return _("exactly 0")
    return _("up to {value:.3g}").format(value=np.nanmax(values))


def _before(distance: np.ndarray, layer: int, unchanged: np.ndarray) -> str:
    if layer == 0:
        return _("nothing (this is the first row)")
    values = distance[layer - 1, unchanged]
    values = values[~np.isnan(values)]
    return _("exactly 0") if not values.any() else f"{values.max():.4f}"


# -- charts --------------------------------------------------------------------------------------------
def pair_summary(diff) -> str:
    """What differs between the two sentences: `pairing.summary` of the engine, said in the interface's
    language for the two cases this lesson is built on (the same words; a minimal pair of one word)."""
    changed = [k for k, c in enumerate(diff.pairing.changed) if c]
    if not changed:
        return _("The two sentences have the same words: every distance is 0.")
    i, j = diff.pairing.rows[changed[0]]
    a, b = diff.a.alignment.words, diff.b.alignment.words
    if len(changed) == 1 and len(a) == len(b) and i is not None and j is not None:
        return _("A minimal pair: one word differs, ‹{a}› → ‹{b}›.").format(a=a[i], b=b[j])
    return diff.pairing.summary


def pair_chart(diff) -> Chart:
    unchanged = ~np.asarray(diff.pairing.changed)
    counts = ", ".join(f"{m.model} {int((m.moved[-1] & unchanged).sum())}" for m in diff.models)
    return Chart(
        _("{pair} Unchanged words whose last-layer vector moved, of {count}: {counts}.").format(
            pair=pair_summary(diff), count=int(unchanged.sum()), counts=counts
        ),
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
        _("Sentence A above sentence B: {count} aligned words, {changed} of them different.").format(
            count=len(diff.labels), changed=changed
        ),
        html="".join(rows),
    )


def lstm_chart(diff) -> Chart:
    steps = diff.char_distance.shape[1]
    labels = [f"{k + 1}:{visible(ch)}" for k, ch in enumerate(diff.a.text[:steps])]  # counted from 1
    series = {
        _("layer {number}").format(number=k + 1): diff.char_distance[k] for k in range(diff.char_distance.shape[0])
    }
    marked = diff.char_prefix if diff.char_prefix < steps else None
    title = _("char-LSTM: how far its state moved, character by character")
    figure = step_profile(labels, series, title=title, y_title=_("size of the change"), marked=marked)
    return Chart(
        _(
            "The char-LSTM's state moved by {moved} after the {count} shared characters, by up to {after:.2f} after "
            "the change."
        ).format(moved=_exactly(lstm_before(diff)), count=diff.char_prefix, after=diff.char_distance.max(initial=0.0)),
        figure,
    )


def elmo_chart(rows: list[int], half: str):
    """`half` "forward" or "backward": ELMo's rows `rows` word by word."""

    def chart(diff) -> Chart:
        elmo = diff.model("ELMo")
        series = {elmo.layers[r]: elmo.distance[r] for r in rows}
        title = (
            _("ELMo's forward LSTM: how far each word moved, A → B")
            if half == "forward"
            else _("ELMo's backward LSTM: how far each word moved, A → B")
        )
        figure = step_profile(words(diff), series, title=title, y_title=_("cosine distance"), marked=first_change(diff))
        top = np.nanmax(elmo.distance[rows], axis=0)
        k = int(np.nanargmax(top)) if np.isfinite(top).any() else 0
        summary = (
            _("ELMo's forward halves move most at {word}: {distance:.3f}.")
            if half == "forward"
            else _("ELMo's backward halves move most at {word}: {distance:.3f}.")
        )
        return Chart(summary.format(word=words(diff)[k], distance=top[k]), figure)

    return chart


def minilm_chart(diff) -> Chart:
    mini = diff.models[2]
    unchanged = ~np.asarray(diff.pairing.changed)
    per_row = [float(np.nanmax(mini.distance[r, unchanged], initial=0.0)) for r in range(len(mini.layers))]
    names = [minilm_words(name) for name in minilm_names(diff)]
    figure = step_profile(names, {_("unchanged words, largest move"): np.array(per_row)},
                          title=_("{model}: the unchanged words, layer by layer").format(model=diff.a.transformer_name),
                          y_title=_("cosine distance"))  # fmt: skip
    top = int(np.argmax(per_row))
    return Chart(
        _("{model}: the unchanged words move most at {row}, by {distance:.4f}.").format(
            model=diff.a.transformer_name, row=names[top], distance=per_row[top]
        ),
        figure,
    )


LESSON = Lesson(
    slug="three-models",
    title=N_("Three models, one sentence"),
    summary=N_("Change one word and watch where each model lets the change reach: left, right, or everywhere."),
    default_text="She sat on the bank of the river.\nShe sat on the bank of the stream.",
    text_label=N_("Two sentences, one per line, that differ in one word"),
    prepare=prepare,
    max_chars=2 * MAX_CHARS + 1,
    models=("char-LSTM", "ELMo", "MiniLM"),
    example_texts=(
        "The cat sat on the mat by the door.\nThe dog sat on the mat by the door.",
        "He opened the door with a key.\nHe opened the door with a smile.",
    ),
    steps=(
        Step(
            N_("One word changes"),
            fixed(
                N_(
                    "Two sentences that differ in one word run through three models: the **char-LSTM**, **ELMo** and "
                    "**MiniLM**. For each word we measure how far its vector moved from sentence A to sentence B."
                )
            ),
            pair_text,
        ),
        Step(
            N_("The char-LSTM reads left to right"),
            fixed(
                N_(
                    "The char-LSTM reads one character at a time, and its state after a character depends only on "
                    "the characters so far."
                )
            ),
            pair_text,
            Question(fixed(N_("Does the char-LSTM's state move before the changed character?")), "choice", lstm_answer),
            reveal_chart=lstm_chart,
        ),
        Step(
            N_("ELMo's forward half"),
            fixed(N_("ELMo's forward LSTM reads words left to right, like the char-LSTM, one level up.")),
            pair_text,
            Question(fixed(N_("At which word does ELMo's forward half first move?")), "choice", forward_answer),
            reveal_chart=elmo_chart(FORWARD, "forward"),
        ),
        Step(
            N_("ELMo's backward half"),
            fixed(
                N_(
                    "ELMo's second LSTM reads the sentence right to left: it meets the change before the words left of "
                    "it."
                )
            ),
            pair_text,
            Question(
                fixed(N_("Does ELMo's backward half move at the words before the change?")), "choice", backward_answer
            ),
            reveal_chart=elmo_chart(BACKWARD, "backward"),
        ),
        Step(
            N_("MiniLM: every word at once"),
            fixed(
                N_(
                    "MiniLM looks up each token (the **embeddings**), then each of its 6 layers lets every token "
                    "**attend** to (take a weighted mix of) every other."
                )
            ),
            pair_text,
            Question(fixed(N_("Which MiniLM layer first moves the unchanged words?")), "choice", minilm_answer),
            reveal_chart=minilm_chart,
        ),
        Step(
            N_("All three together, and your own pair"),
            fixed(
                N_(
                    "Left to right, right to left, everywhere at once: each cell is how far a word moved. Try a pair "
                    "of your own in the lesson's text box (one word apart): every answer is read from the models."
                )
            ),
            pair_chart,
        ),
    ),
)
