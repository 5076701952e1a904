"""Lesson "What each layer knows": which ELMo layer a part-of-speech probe reads best (from the live probe
card), whether the top layer separates the senses of bank better than layer 1 (1-NN on the learner's
sentences), and where GloVe's one static vector puts bank (its nearest words, sorted by sense)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from engine.analysis import homographs as H
from engine.analysis import senses as S
from figures.common import OKABE_ITO, base_layout, plotly_literal
from figures.probes import layer_chart
from figures.senses import layer_maps, scores_chart
from i18n import N_, _
from lessons.bank import MAX_CHARS, WORD, sense_data, shown_rows
from lessons.core import Answer, Chart, Lesson, Question, Step, capital, fixed, labelled, layer_words

METRIC = "1-NN accuracy"
NEIGHBOURS = 10
YES, NO = N_("yes: layer 2 separates them better"), N_("no: layer 1 does as well")  # keys; never a word of a sentence


@lru_cache(maxsize=1)
def _glove():
    from engine.models import glove

    return glove.load()


@dataclass
class Context:
    card: dict
    data: dict
    labels: list[str] | None

    @property
    def n(self) -> int:
        return len(self.data["input"].occurrences)

    def elmo_pos(self) -> list[dict]:
        model = next(m for m in self.card["models"] if m["key"] == "elmo")
        layers = [r for r in model["layers"] if r["layer"].startswith("layer")]  # 0, 1, 2: the mix is not a layer
        return sorted(layers, key=lambda r: -r["pos"])

    def sense_rows(self) -> list[dict]:
        return S.layer_scores(self.data["elmo"], self.labels) if self.labels else []


def prepare(text: str, backend) -> Context:
    data = sense_data(text, backend)  # the bank lesson's reading: same word, same limit, same messages
    return Context(H.card(), data, data["input"].labels)


# ---- step 1: part of speech -------------------------------------------------------------------
def tag_chart(c: Context) -> Chart:
    tags = Counter(t for s in H.P.read_sample().part("train") for t in s.tags).most_common(8)
    figure = go.Figure(go.Bar(x=[plotly_literal(t) for t, _ in tags], y=[n for _, n in tags], marker_color="#0072B2"))
    figure.update_xaxes(title=_("tag"), type="category")
    figure.update_yaxes(title=_("tokens"))
    total = c.card["sample"]["train_tokens"]
    return Chart(
        _("The 8 most frequent of the tags the probe learns, over its {total:,} training tokens.").format(total=total),
        base_layout(figure, title=_("What the probe is taught"), height=300),
    )


def pos_answer(c: Context) -> Answer:
    best, runner = c.elmo_pos()[:2]
    return Answer(
        best["layer"],
        _(  # the percentages are placeholders: "12.3 % of" in a message reads to gettext as a %-format
            "{layer}: {score} of held-out tokens tagged right, {points:.1f} points above {runner} ({runner_score}). "
            "Peters et al. found their layer 1 best on the Penn Treebank ({paper_best} against {paper_second})."
        ).format(
            layer=capital(layer_words(best["layer"])), score=f"{100 * best['pos']:.1f} %",
            points=100 * (best["pos"] - runner["pos"]), runner=layer_words(runner["layer"]),
            runner_score=f"{100 * runner['pos']:.1f} %", paper_best="97.3 %", paper_second="96.8 %",
        ),
        **labelled([r["layer"] for r in sorted(c.elmo_pos(), key=lambda r: r["layer"])], layer_words),
        caveat=_("The two best layers are within one point: a small difference.")
        if best["pos"] - runner["pos"] < 0.01
        else "",
    )  # fmt: skip


def pos_lines(c: Context) -> Chart:
    best = c.elmo_pos()[0]
    return Chart(
        _("Probe accuracy per ELMo layer; best {layer} at {score:.3f}, control task dotted.").format(
            layer=layer_words(best["layer"]), score=best["pos"]
        ),
        layer_chart(c.card, "elmo", ("pos", "control"), height=320),
    )


# ---- step 2: senses ---------------------------------------------------------------------------
def sense_maps(c: Context) -> Chart:
    vectors = c.data["elmo"]
    maps = [(layer_words(name), p.coords) for name, p in S.layer_projections(vectors, "PCA")]
    colours = c.labels or S.cluster_labels(vectors.vectors[-1], k=2)
    hovers = [
        _("line {line}: {sentence}").format(line=o.line, sentence=o.highlighted) for o in c.data["input"].occurrences
    ]
    return Chart(
        _("{count} occurrences of '{word}' in ELMo's layers (PCA maps).").format(count=c.n, word=WORD),
        layer_maps(maps, colours, hovers),
    )


def top_layer_answer(c: Context) -> Answer:
    if not c.labels:
        return Answer(None, "", caveat=_("The sentences have no sense labels (label<TAB>sentence): nothing to score."))
    rows = {r["layer"]: r[METRIC] for r in c.sense_rows()}
    one, two = rows["layer 1"], rows["layer 2"]
    value = YES if two > one else NO
    return Answer(
        value,
        _(
            "1-NN sense accuracy: layer 2 {two:.2f}, layer 1 {one:.2f} (a margin of {margin:.2f}). Peters et al. "
            "found the same direction on SemCor: 69.0 against 67.4 F1."
        ).format(two=two, one=one, margin=abs(two - one)),
        **labelled((YES, NO)),
        caveat=_("The two layers are within 0.03 here: no clear difference on these sentences.")
        if abs(two - one) < 0.03
        else "",
    )


def sense_scores(c: Context) -> Chart:
    if not c.labels:
        return Chart(_("No sense labels: nothing to score."))
    rows = c.sense_rows()
    best = max(rows, key=lambda r: r[METRIC])
    return Chart(
        _("1-NN sense accuracy per ELMo layer; best {layer} at {score:.2f}.").format(
            layer=layer_words(best["layer"]), score=best[METRIC]
        ),
        scores_chart(shown_rows(rows), METRIC, title=_("ELMo: senses of bank per layer")),
    )


# ---- step 3: GloVe ----------------------------------------------------------------------------
def glove_senses(c: Context) -> list[tuple[str, float, str]]:
    """GloVe's nearest words to bank, each given the sense whose sentences' mean GloVe vector (other words
    of the labelled sentences) is closer in cosine."""
    glove = _glove()
    occurrences = c.data["input"].occurrences
    centroids = {}
    for sense in sorted(set(c.labels)):
        words = [t for o in occurrences if o.label == sense for k, t in enumerate(o.tokens) if k != o.index]
        vectors, known = glove.lookup(words)
        centroids[sense] = vectors[known].mean(axis=0)
    result = []
    for word, similarity in glove.neighbours(WORD, NEIGHBOURS):
        v = glove.vector(word)
        cosines = {s: float(v @ m / (np.linalg.norm(v) * np.linalg.norm(m))) for s, m in centroids.items()}
        result.append((word, similarity, max(cosines, key=cosines.get)))
    return result


def glove_point(c: Context) -> Chart:
    figure = go.Figure(
        go.Scatter(
            x=[0],
            y=[0],
            mode="markers+text",
            text=[_("all {count} uses of {word}").format(count=c.n, word=WORD)],
            textposition="top center",
            marker={"size": 22, "color": OKABE_ITO["black"]},
        )
    )
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return Chart(
        _("GloVe gives all {count} occurrences of '{word}' one and the same vector: one point.").format(
            count=c.n, word=WORD
        ),
        base_layout(figure, title=_("GloVe: one vector per word"), height=260),
    )


def glove_answer(c: Context) -> Answer:
    if not c.labels:
        return Answer(
            None, "", caveat=_("The sentences have no sense labels (label<TAB>sentence): nothing to sort by.")
        )
    found = glove_senses(c)
    counts = Counter(sense for _word, _similarity, sense in found)
    (top, k), *rest = [*counts.most_common(), ("", 0)]
    other = rest[0][1] if rest else 0
    return Answer(
        top,
        _(
            "{count} of GloVe's {total} nearest words to '{word}' lean to the {sense} sense, {other} to the other: "
            "{words}. One static vector serves every sense: its neighbours show which sense dominates it."
        ).format(
            count=k, total=NEIGHBOURS, word=WORD, sense=top, other=other,
            words=", ".join(f"{w} ({s})" for w, _similarity, s in found),
        ),
        options=tuple(sorted(set(c.labels))),
        caveat=_("The split is close (within 2 words).") if k - other <= 2 else "",
    )  # fmt: skip


def glove_bars(c: Context) -> Chart:
    if not c.labels:
        return Chart(_("No sense labels: nothing to sort by."))
    found = glove_senses(c)
    senses = sorted(set(c.labels))
    colours = dict(zip(senses, (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish green"]), strict=False))
    figure = go.Figure(
        go.Bar(
            x=[s for _, s, _ in found],
            y=[plotly_literal(w) for w, _, _ in found],
            orientation="h",
            marker_color=[colours[s] for _, _, s in found],
            text=[plotly_literal(s) for _, _, s in found],
        )
    )
    # every neighbour named (plotly would skip every other label at a projector's height)
    figure.update_yaxes(autorange="reversed", type="category", tickmode="linear", dtick=1, tickfont={"size": 12})
    figure.update_xaxes(title=_("cosine to {word}").format(word=WORD))
    return Chart(
        _("GloVe's {count} nearest words to '{word}', coloured by the sense they lean to.").format(
            count=NEIGHBOURS, word=WORD
        ),
        base_layout(figure, title=_("GloVe's neighbours of {word}").format(word=WORD), height=340),
    )


LESSON = Lesson(
    slug="layers",
    title=N_("What each layer knows"),
    summary=N_("Part of speech, word sense and a static vector: which layer holds what."),
    default_text=S.read_preset(WORD)[1],
    text_label=N_("Sentences with the word 'bank', one per line (sense<TAB>sentence)"),
    max_chars=MAX_CHARS,
    models=("ELMo", "MiniLM"),
    example_texts=(  # every other sentence of the shipped set: two halves, both senses in each
        "\n".join(S.read_preset(WORD)[1].splitlines()[0::2]),
        "\n".join(S.read_preset(WORD)[1].splitlines()[1::2]),
    ),
    prepare=prepare,
    steps=(
        Step(
            N_("Reading part of speech"),
            lambda c: _(
                "A **probe** is a small linear classifier trained on one layer's frozen vectors. Here it learns the "
                "**part of speech** of {count:,} OANC tokens and is scored on other documents."
            ).format(count=c.card["sample"]["train_tokens"]),
            tag_chart,
            Question(fixed(N_("Which ELMo layer gives the most accurate part-of-speech probe?")), "choice", pos_answer),
            reveal_chart=pos_lines,
        ),
        Step(
            N_("Senses, higher up?"),
            fixed(
                N_(
                    "Each point is one sentence's 'bank', coloured by its sense. A layer is scored by **1-NN**: does "
                    "each occurrence's closest other occurrence share its sense?"
                )
            ),
            sense_maps,
            Question(
                fixed(N_("Does ELMo's top layer (2) separate the senses of bank better than layer 1?")),
                "choice",
                top_layer_answer,
            ),
            reveal_chart=sense_scores,
        ),
        Step(
            N_("A static vector"),
            fixed(
                N_(
                    "GloVe is a **static vector** model: one vector per word, learned from co-occurrence counts. "
                    "It cannot tell the sentences apart."
                )
            ),
            glove_point,
            Question(fixed(N_("Which sense do GloVe's nearest words to bank mostly lean to?")), "choice", glove_answer),
            reveal_chart=glove_bars,
        ),
    ),
)
