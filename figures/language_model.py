"""Figures of ELMo's language model (fill the blank, each word's probability) and of a learned layer mix.

Pure functions of engine results (duck-typed: no engine import, so no torch) -> plotly figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.common import QUALITATIVE, base_layout, label, plotly_text, token_labels
from i18n import N_, _

DIRECTIONS = {  # English names, translated where drawn
    "forward": (N_("forward LM: from the left"), QUALITATIVE[0]),
    "backward": (N_("backward LM: from the right"), QUALITATIVE[1]),
    "combined": (N_("both combined (never trained)"), "#6b7280"),
}


def blank_bars(result, k: int = 10) -> go.Figure:
    """Three panels of horizontal bars: each direction's top-k words for the blank and their combination.

    `result`: an `engine.analysis.language_model.BlankGuesses`.
    """
    fig = make_subplots(rows=1, cols=3, subplot_titles=[_two_lines(_(t)) for t, _colour in DIRECTIONS.values()])
    for col, (key, (english, colour)) in enumerate(DIRECTIONS.items(), start=1):
        title = _(english)
        guesses = getattr(result, key)[:k]
        words = plotly_text([w for w, _ in guesses])
        probs = [p for _, p in guesses]
        fig.add_trace(
            go.Bar(
                x=probs,
                y=[f"{rank}. {w}" for rank, w in enumerate(words, start=1)],
                orientation="h",
                marker_color=colour,
                text=[f"{p:.3f}" for p in probs],
                textposition="outside",
                cliponaxis=False,
                name=title,
                hovertemplate="%{y}: p = %{x:.4f}<extra>" + title + "</extra>",
                showlegend=False,
            ),
            row=1,
            col=col,
        )
        fig.update_yaxes(type="category", autorange="reversed", row=1, col=col)  # "1. ." is not a number
        fig.update_xaxes(range=[0, max(probs, default=1) * 1.35], title=_("probability"), row=1, col=col)
    fig = base_layout(fig, height=110 + 28 * min(k, max(len(result.forward), 1)))
    return fig.update_layout(margin={"t": 70})  # room for the two-line panel titles


def word_probabilities(guesses) -> go.Figure:
    """Each word's probability under the forward LM (given its left) and the backward LM (given its right),
    log scale. `guesses`: an `engine.analysis.language_model.WordGuesses`."""
    labels = plotly_text(token_labels(guesses.tokens))
    fig = go.Figure()
    for key, probs, ranks in (
        ("forward", guesses.forward_prob, guesses.forward_rank),
        ("backward", guesses.backward_prob, guesses.backward_rank),
    ):
        english, colour = DIRECTIONS[key]
        title = _(english)
        fig.add_trace(
            go.Bar(
                x=labels,
                y=np.asarray(probs, dtype=float),
                name=title,
                marker_color=colour,
                customdata=np.asarray(ranks),
                hovertemplate="%{x}: p = %{y:.4f}, "
                + _("rank {rank}").format(rank="%{customdata}")
                + "<extra>"
                + title
                + "</extra>",
            )
        )
    ticks = [10.0**-e for e in range(7)]
    fig.update_yaxes(
        type="log",
        title=_("p(actual word)"),
        range=[-6, 0.05],
        tickvals=ticks,
        ticktext=["1", "0.1", "0.01", "0.001", "10⁻⁴", "10⁻⁵", "10⁻⁶"],  # not plotly's "100µ"
    )
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.25, "x": 0})
    return base_layout(fig, height=340)


def mix_weights(learned: Sequence[float], hand_set: Sequence[float], layer_names: Sequence[str]) -> go.Figure:
    """ScalarMix weights s_j: learned for the task beside the hand-set ones (both sum to 1)."""
    fig = go.Figure()
    for name, values, colour in (
        (_("learned for these senses"), learned, QUALITATIVE[2]),
        (_("hand-set (the sliders)"), hand_set, "#9ca3af"),
    ):
        fig.add_trace(
            go.Bar(
                x=[label(name) for name in layer_names],
                y=list(values),
                name=name,
                marker_color=colour,
                text=[f"{v:.2f}" for v in values],
                textposition="outside",
            )
        )
    fig.update_yaxes(range=[0, 1.15], title="s_j")
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.25, "x": 0})
    return base_layout(fig, title=_("Layer weights s_j (eq. 1)"), height=340)


def mix_accuracy(fit, layer_names: Sequence[str]) -> go.Figure:
    """Cross-validated sense accuracy of the learned mix next to each single layer, with chance marked.
    `fit`: an `engine.analysis.mix_learning.MixFit`."""
    names = [*(label(name) for name in layer_names), _("learned mix")]
    values = [*np.asarray(fit.layer_accuracy, dtype=float), fit.cv_accuracy]
    colours = ["#9ca3af"] * len(layer_names) + [QUALITATIVE[2]]
    fig = go.Figure(
        go.Bar(x=names, y=values, marker_color=colours, text=[f"{v:.2f}" for v in values], textposition="outside")
    )
    fig.add_hline(y=fit.chance, line_dash="dot")  # named in the title: an annotation would sit on the bars
    fig.update_yaxes(range=[0, 1.15], title=_("accuracy ({scheme})").format(scheme=_(fit.scheme)))
    title = _("Linear classifier, cross-validated (dotted: most frequent sense, {chance:.2f})").format(
        chance=fit.chance
    )
    return base_layout(fig, title=title, height=340)


def _two_lines(title: str) -> str:
    """A panel title broken after its colon or before its bracket: three titles side by side overlapped
    on one line at projector sizes (English and Chinese alike)."""
    for mark, broken in ((": ", ":<br>"), ("：", "：<br>"), (" (", "<br>("), ("（", "<br>（")):
        if mark in title:
            return title.replace(mark, broken, 1)
    return title
