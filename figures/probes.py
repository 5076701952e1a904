"""Figures for "What each layer knows": per-layer probe lines from the card, and the homograph grid.

Pure functions: the card (a dict read from `assets/probes/card.json`) or the homograph readings in,
a plotly figure out. Every label a user typed goes through `plotly_literal`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import OKABE_ITO, base_layout, label, plotly_literal
from i18n import N_, _

METRICS = {  # card column -> (shown name in English, translated where drawn; colour)
    "pos": (N_("part of speech"), OKABE_ITO["blue"]),
    "control": (N_("control task"), OKABE_ITO["orange"]),
    "sense_1nn": (N_("sense 1-NN"), OKABE_ITO["bluish green"]),
    "ambiguous": (N_("ambiguous words"), OKABE_ITO["reddish purple"]),
    "selectivity": (N_("selectivity"), OKABE_ITO["vermillion"]),
}
FAMILIES = {"elmo": N_("ELMo (this project's biLM)"), "minilm": "MiniLM (all-MiniLM-L6-v2)"}


def family_models(card: dict, family: str) -> list[dict]:
    """The trained model of `family` ("elmo", "minilm") and its untrained control, as on the card."""
    return [m for m in card["models"] if m["key"] in (family, f"{family}_control")]


def layer_chart(
    card: dict,
    family: str,
    metrics: Sequence[str] = ("pos", "control", "sense_1nn"),
    *,
    papers: bool = True,
    height: int = 460,
) -> go.Figure:
    """Accuracy per layer (0..1) of one model family: solid lines for the trained model, dotted for its
    untrained control, GloVe as a flat dashed line, the papers' ELMo numbers as stars (labelled theirs)."""
    fig = go.Figure()
    layers: list[str] = []
    for model in family_models(card, family):
        control = model["key"].endswith("_control")
        names = [label(row["layer"]) for row in model["layers"]]
        layers = layers or names
        for metric in metrics:
            english, colour = METRICS[metric]
            shown = _(english)
            fig.add_trace(
                go.Scatter(
                    x=names,
                    y=[row[metric] for row in model["layers"]],
                    mode="lines+markers",
                    name=(_("{metric} (untrained)") if control else _("{metric} (trained)")).format(metric=shown),
                    line={"color": colour, "dash": "dot" if control else "solid", "width": 2 if control else 3},
                    marker={"symbol": "circle-open" if control else "circle", "size": 9},
                    hovertemplate=f"{shown}, %{{x}}: %{{y:.3f}}<extra>{plotly_literal(label(model['model']))}</extra>",
                )
            )
    glove = next((m for m in card["models"] if m["key"] == "glove"), None)
    if glove is not None and layers:
        for metric in metrics:
            english, colour = METRICS[metric]
            shown = _(english)
            value = glove["layers"][0][metric]
            fig.add_trace(
                go.Scatter(
                    x=[layers[0], layers[-1]],
                    y=[value, value],
                    mode="lines",
                    name=_("{metric} (GloVe, static)").format(metric=shown),
                    line={"color": colour, "dash": "dash", "width": 1},
                    opacity=0.7,
                    hovertemplate=f"GloVe {shown}: {value:.3f}<extra></extra>",
                )
            )
    if papers and family == "elmo":
        _paper_stars(fig, card, metrics)
    fig.update_yaxes(title=_("share correct"), range=[0, 1.02], gridcolor="#e5e7eb")
    fig.update_xaxes(
        title=_("layer"),
        type="category",
        categoryorder="array",
        categoryarray=layers,
        tickvals=layers,  # upright ticks on two lines where a space allows ("layer<br>1"): rotated, they were cut
        ticktext=[name.replace(" ", "<br>", 1) if name.isascii() else name for name in layers],
        tickangle=0,
    )
    fig = base_layout(fig, title=_(FAMILIES.get(family, family)), height=height)
    # the legend under the plot, so the lines keep the full width (beside it, it took half the chart)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": -0.35, "yanchor": "top"}, showlegend=True)
    return fig


def _paper_stars(fig: go.Figure, card: dict, metrics: Sequence[str]) -> None:
    for metric, key in (("pos", "pos"), ("sense_1nn", "sense")):
        if metric not in metrics:
            continue
        rows = [p for p in card["papers"] if key in p and p["source"].startswith("Peters")]
        if rows:
            english, colour = METRICS[metric]
            fig.add_trace(
                go.Scatter(
                    x=[label(p["layer"]) for p in rows],
                    y=[p[key] for p in rows],
                    mode="markers",
                    name=_("{metric}: Peters et al. 2018 (theirs)").format(metric=_(english)),
                    marker={"symbol": "star", "size": 14, "color": colour, "line": {"color": "black", "width": 1}},
                    text=[label(p["source"]) for p in rows],
                    hovertemplate="%{text}, %{x}: %{y:.3f}<extra>" + _("theirs") + "</extra>",
                )
            )


def homograph_chart(
    readings: Sequence, occurrence_labels: Sequence[str], *, height: int | None = None, show_tags: bool = True
) -> go.Figure:
    """Rows: model layers (top = first); columns: the word's occurrences; colour: the probe's
    probability of a noun tag minus that of a verb tag (-1 verb .. +1 noun); text: the tag it picks."""
    rows = [f"{r.model.split(' (')[0]} · {label(r.layer)}" for r in readings]
    z = np.array([r.noun_share - r.verb_share for r in readings])  # [layers, n]
    text = [list(r.tags) for r in readings] if show_tags else None
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[f"{k + 1}" for k in range(len(occurrence_labels))],
            y=rows,
            zmin=-1,
            zmax=1,
            colorscale=[[0, OKABE_ITO["orange"]], [0.5, "#f7f7f7"], [1, OKABE_ITO["blue"]]],
            text=text,
            texttemplate="%{text}" if show_tags else None,
            customdata=[list(occurrence_labels)] * len(rows),
            hovertemplate="%{y}<br>%{customdata}<br>"
            + _("noun − verb: {value}").format(value="%{z:.2f}")
            + "<extra></extra>",
            colorbar={
                "title": {"text": _("verb … noun")},
                "tickvals": [-1, 0, 1],
                "ticktext": [_("verb"), "0", _("noun")],
            },
            xgap=2,
            ygap=2,
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=_("occurrence (numbered as in the list)"), type="category", side="top")
    return base_layout(fig, height=height or 40 + 28 * len(rows))
