"""Lesson 2, "bank: river or money?": ELMo's layer 0 gives every occurrence one vector; the LSTM
layers pull the senses apart (leave-one-out 1-NN, Peters et al. 2018 Table 5); an untrained control;
then ELMo against MiniLM. Maps are PCA (instant); scores are measured in the original space."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.analysis import senses as S
from engine.validation import InputError, check_text, clean_text
from figures.senses import layer_maps, scores_chart
from i18n import N_, _, ngettext
from lessons.core import (
    Answer,
    Chart,
    Lesson,
    Question,
    Step,
    capital,
    clauses,
    fixed,
    labelled,
    layer_words,
    margin_words,
)

WORD = "bank"
MAX_CHARS = 12_000
METRIC = "1-NN accuracy"
CLEAR_GAP = 0.05  # a best layer less than this above the worst does not "separate the senses"
YES, NO = N_("yes, about as well"), N_("no, it stays near chance")  # keys; the learner reads _(key)
MODELS = (N_("ELMo (this project's biLM)"), N_("untrained ELMo (control)"))  # engine names used as map titles


@dataclass
class Context:
    data: dict
    labels: list[str] | None

    @property
    def n(self) -> int:
        return len(self.data["input"].occurrences)

    def rows(self, key: str) -> list[dict]:
        """`senses.layer_scores` per layer; "layer" is the engine's name (the answer's key)."""
        return S.layer_scores(self.data[key], self.labels) if self.labels else []

    def best(self, key: str) -> dict:
        return max(self.rows(key), key=lambda r: r[METRIC])


def sense_data(text: str, backend) -> dict:
    """The backend's sense vectors of "bank" in `text` (one sentence per line); raises InputError for a text
    the lessons cannot use (over MAX_CHARS, or sentences the sense parser refuses)."""
    problems = [p for p in check_text(text, max_chars=MAX_CHARS, what="list of sentences") if p.level == "error"]
    if problems:
        raise InputError(problems[0].message)
    data = backend.sense_vectors(WORD, clean_text(text)[0])
    errors = [p for p in data["input"].problems if p.level == "error"]
    if errors:
        raise InputError(errors[0].message)
    return data


def prepare(text: str, backend) -> Context:
    data = sense_data(text, backend)
    return Context(data, data["input"].labels)


def _maps(c: Context, key: str, picks: list[int] | None = None) -> list[tuple[str, np.ndarray]]:
    vectors = c.data[key]
    picks = list(range(len(vectors.layer_names))) if picks is None else picks
    subset = S.LayerVectors(vectors.model, [vectors.layer_names[k] for k in picks], vectors.vectors[picks])
    return [(layer_words(name), p.coords) for name, p in S.layer_projections(subset, "PCA")]


def shown_rows(rows: list[dict]) -> list[dict]:
    """`rows` with each layer named in the interface's language, for a chart."""
    return [{**row, "layer": layer_words(row["layer"])} for row in rows]


def _colours(c: Context) -> list[str]:
    return c.labels or S.cluster_labels(c.data["elmo"].vectors[-1], k=2)


def _hovers(c: Context) -> list[str]:
    return [
        _("line {line}: {sentence}").format(line=o.line, sentence=o.highlighted) for o in c.data["input"].occurrences
    ]


def distinct_points(c: Context) -> int:
    return len(np.unique(np.round(c.data["elmo"].vectors[0], 5), axis=0))


def no_labels() -> str:
    return _("The sentences have no sense labels (label<TAB>sentence), so there is no right sense to score against.")


def elmo_maps(c: Context) -> Chart:
    figure = layer_maps(_maps(c, "elmo"), _colours(c), _hovers(c), title=_(c.data["elmo"].model))
    return Chart(
        _(
            "{count} occurrences of '{word}' in ELMo's three layers, one point per sentence, coloured by sense (PCA "
            "maps: the vectors flattened to two directions)."
        ).format(count=c.n, word=WORD),
        figure,
    )


def upper_maps(c: Context) -> Chart:
    """Layers 1 and 2 only: the question about layer 0 is answered by its map, shown after."""
    figure = layer_maps(_maps(c, "elmo", [1, 2]), _colours(c), _hovers(c), title=_(c.data["elmo"].model))
    return Chart(
        _("{count} occurrences of '{word}' in ELMo's layers 1 and 2 (PCA maps), coloured by sense.").format(
            count=c.n, word=WORD
        ),
        figure,
    )


def points_answer(c: Context) -> Answer:
    k = distinct_points(c)
    return Answer(
        float(k),
        ngettext(
            "Layer 0 reads only the characters of '{word}', which are the same in every sentence: {count} "
            "occurrences, {k} distinct vector: every point of layer 0's map is on top of the others.",
            "Layer 0 reads only the characters of '{word}', which are the same in every sentence: {count} "
            "occurrences, {k} distinct vectors: every point of layer 0's map is on top of the others.",
            k,
        ).format(word=WORD, count=c.n, k=k),
        tolerance=0.0,
        integer=True,
    )


def layer0_answer(c: Context) -> Answer:
    if not c.labels:
        return Answer(None, "", caveat=no_labels())
    score = c.rows("elmo")[0][METRIC]
    return Answer(
        score,
        _(
            "Layer 0 gives every 'bank' the same vector, so every other sentence is equally near: the guess is as good "
            "as picking a sentence at random, {score:.2f} (chance level for these senses)."
        ).format(score=score),
        tolerance=0.05,
        tolerance_words=_("within 0.05 counts as right"),
    )


def elmo_scores(c: Context) -> Chart:
    """ELMo's layers only (the reveal of 'which layer'); the control comes a step later."""
    if not c.labels:
        return Chart(no_labels())
    best = c.best("elmo")
    figure = scores_chart(shown_rows(c.rows("elmo")), METRIC, title=_("ELMo's layers: nearest-neighbour accuracy"))
    return Chart(
        _("{layer} separates the senses best: 1-NN {score:.2f}.").format(
            layer=capital(layer_words(best["layer"])), score=best[METRIC]
        ),
        figure,
    )


def control_scores(c: Context) -> Chart:
    if not c.labels:
        return Chart(no_labels())
    best, control = c.best("elmo"), c.best("elmo_control")
    rows = shown_rows(c.rows("elmo") + c.rows("elmo_control"))
    figure = scores_chart(rows, METRIC, title=_("ELMo vs its untrained control"))
    return Chart(
        _("Best 1-NN accuracy: trained {trained:.2f}, untrained control {control:.2f}.").format(
            trained=best[METRIC], control=control[METRIC]
        ),
        figure,
    )


def best_layer_answer(c: Context) -> Answer:
    if not c.labels:
        return Answer(None, "", caveat=no_labels())
    rows = c.rows("elmo")
    best = max(rows, key=lambda r: r[METRIC])
    spread = best[METRIC] - min(r[METRIC] for r in rows)
    runner = max((r for r in rows if r is not best), key=lambda r: r[METRIC])
    caveat = ""
    if spread < CLEAR_GAP:
        caveat = _(
            "In these sentences no layer separates the senses (all within {spread:.2f}): the effect is absent."
        ).format(spread=spread)
    elif best[METRIC] - runner[METRIC] < 0.02:
        caveat = _("{layer} and {runner} tie in these sentences: either is fair.").format(
            layer=capital(layer_words(best["layer"])), runner=layer_words(runner["layer"])
        )
    others = clauses(
        [_("{layer} {score:.2f}").format(layer=layer_words(r["layer"]), score=r[METRIC]) for r in rows if r is not best]
    )
    return Answer(
        best["layer"],
        _(
            "{layer}: 1-NN accuracy {score:.2f} against {others}: {margin}. Peters et al. (2018) also found the top "
            "layer best for word senses."
        ).format(
            layer=capital(layer_words(best["layer"])), score=best[METRIC], others=others,
            margin=margin_words(best[METRIC], runner[METRIC]),
        ),
        **labelled([r["layer"] for r in rows], layer_words),
        caveat=caveat,
    )  # fmt: skip


def control_maps(c: Context) -> Chart:
    control = c.data["elmo_control"]
    figure = layer_maps(_maps(c, "elmo_control"), _colours(c), _hovers(c), title=_(control.model))
    return Chart(
        _("The same {count} occurrences in an untrained ELMo with random weights (PCA maps).").format(count=c.n), figure
    )


def control_answer(c: Context) -> Answer:
    if not c.labels:
        return Answer(None, "", caveat=no_labels())
    trained, control = c.best("elmo"), c.best("elmo_control")
    value = YES if control[METRIC] >= trained[METRIC] - CLEAR_GAP else NO
    return Answer(
        value,
        (
            _(
                "Untrained, its best layer scores {control:.2f}; trained ELMo's {trained:.2f}, a difference of "
                "{difference:.2f}: the architecture alone does it here."
            )
            if value == YES
            else _(
                "Untrained, its best layer scores {control:.2f}; trained ELMo's {trained:.2f}, a difference of "
                "{difference:.2f}: the separation comes from training."
            )
        ).format(control=control[METRIC], trained=trained[METRIC], difference=trained[METRIC] - control[METRIC]),
        **labelled((YES, NO)),
    )


def minilm_maps(c: Context) -> Chart:
    """ELMo's top layer beside MiniLM's last: the two models side by side, neither singled out."""
    elmo, mini = c.data["elmo"], c.data["transformer"]
    maps = [(f"ELMo {layer_words(elmo.layer_names[-1])}", _maps(c, "elmo", [len(elmo.layer_names) - 1])[0][1]),
            (f"MiniLM {layer_words(mini.layer_names[-1])}",
             _maps(c, "transformer", [len(mini.layer_names) - 1])[0][1])]  # fmt: skip
    figure = layer_maps(maps, _colours(c), _hovers(c), title=_("ELMo and MiniLM, top layers"))
    return Chart(
        _("The same {count} occurrences in ELMo's top layer and MiniLM's last layer (PCA maps).").format(count=c.n),
        figure,
    )


def compare_answer(c: Context) -> Answer:
    if not c.labels:
        return Answer(None, "", caveat=no_labels())
    elmo, minilm = c.best("elmo"), c.best("transformer")
    value = "ELMo" if elmo[METRIC] > minilm[METRIC] else "MiniLM"
    caveat = _("The two are tied in these sentences.") if elmo[METRIC] == minilm[METRIC] else ""
    return Answer(
        value,
        _(
            "ELMo's best ({elmo_layer}) scores {elmo:.2f}, MiniLM's best ({minilm_layer}) {minilm:.2f}: {margin}. "
            "MiniLM read about a billion sentence pairs; this app's ELMo read 5 million words of old books."
        ).format(
            elmo_layer=layer_words(elmo["layer"]),
            elmo=elmo[METRIC],
            minilm_layer=layer_words(minilm["layer"]),
            minilm=minilm[METRIC],
            margin=margin_words(max(elmo[METRIC], minilm[METRIC]), min(elmo[METRIC], minilm[METRIC])),
        ),
        options=("ELMo", "MiniLM"),
        caveat=caveat,
    )


def both_scores(c: Context) -> Chart:
    if not c.labels:
        return Chart(no_labels())
    elmo, minilm = c.best("elmo"), c.best("transformer")
    figure = scores_chart(shown_rows(c.rows("elmo") + c.rows("transformer")), METRIC, title=_("ELMo vs MiniLM"))
    return Chart(
        _("Best 1-NN accuracy: ELMo {elmo:.2f} ({layer}), MiniLM {minilm:.2f}.").format(
            elmo=elmo[METRIC], layer=layer_words(elmo["layer"]), minilm=minilm[METRIC]
        ),
        figure,
    )


LESSON = Lesson(
    slug="bank",
    title=N_("bank: river or money?"),
    summary=N_("Layer by layer, how ELMo pulls the senses of one word apart, and how MiniLM compares."),
    default_text=S.read_preset(WORD)[1],
    text_label=N_("Sentences with the word 'bank', one per line (sense<TAB>sentence)"),
    prepare=prepare,
    max_chars=MAX_CHARS,
    models=("ELMo", "MiniLM"),
    example_texts=(  # every other sentence of the shipped set: two halves, both senses in each
        "\n".join(S.read_preset(WORD)[1].splitlines()[0::2]),
        "\n".join(S.read_preset(WORD)[1].splitlines()[1::2]),
    ),
    steps=(
        Step(
            N_("One word, many sentences"),
            fixed(
                N_(
                    "Each point is one sentence's 'bank', coloured by its sense (river or money). ELMo's **layer 0** "
                    "builds the vector from the word's characters alone; layers 1 and 2 are LSTMs that read the "
                    "whole sentence."
                )
            ),
            upper_maps,
            Question(
                fixed(N_("How many different points will layer 0 make for all the occurrences?")),
                "number",
                points_answer,
                low=0,
                high=400,
            ),
            reveal_chart=elmo_maps,
        ),
        Step(
            N_("Chance level"),
            fixed(
                N_(
                    "We score a layer by **1-NN** (nearest neighbour): for each occurrence, does its most similar "
                    "other occurrence have the same sense? The score is the share of right guesses, 0 to 1."
                )
            ),
            elmo_maps,
            Question(fixed(N_("What 1-NN accuracy does layer 0 get (0 to 1)?")), "number", layer0_answer),
        ),
        Step(
            N_("Which layer separates the senses?"),
            fixed(N_("Look at the maps of the three layers: in which layer do the two colours fall apart most?")),
            elmo_maps,
            Question(
                fixed(N_("Which layer separates the senses best (highest 1-NN accuracy)?")), "choice", best_layer_answer
            ),
            reveal_chart=elmo_scores,
        ),
        Step(
            N_("Is it the training?"),
            fixed(
                N_(
                    "A control: the same network with random, untrained weights. Its LSTMs also mix in the context. "
                    "Does that alone separate the senses?"
                )
            ),
            control_maps,
            Question(
                fixed(N_("Does the untrained ELMo separate the senses as well as the trained one?")),
                "choice",
                control_answer,
            ),
            reveal_chart=control_scores,
        ),
        Step(
            N_("ELMo against a Transformer"),
            fixed(
                N_(
                    "MiniLM, a small Transformer, was trained on far more (and more modern) text than this app's ELMo. "
                    "Here are the top layers of both on the same sentences."
                )
            ),
            minilm_maps,
            Question(fixed(N_("Whose best layer separates the senses of 'bank' better?")), "choice", compare_answer),
            reveal_chart=both_scores,
        ),
    ),
)
