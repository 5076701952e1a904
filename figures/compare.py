"""Figures for the Compare page: a minimal pair's distances (words × layers, one block per model) and
one chosen word seen by every row of every model, over the same word axis."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.common import DIVERGING, SEQUENTIAL, base_layout, label, plotly_text, visible
from i18n import N_, _

if TYPE_CHECKING:
    from engine.compare import PairDiff, WordView

ROW_PX = 26  # one layer row
CHANGED = "#dc2626"
# white only for exactly 0 (nothing moved), then yellow to red: the smallest move is already coloured
SHORT_UNITS = {"char-LSTM": N_("change of (h, c)"), "ELMo": N_("cosine distance"), "MiniLM": N_("cosine distance")}
MOVED = [[0.0, "#ffffff"], [1e-6, "#ffffcc"], [0.25, "#fed976"], [0.5, "#fd8d3c"], [0.75, "#e31a1c"], [1.0, "#800026"]]


def _cell_text(values: np.ndarray, moved: np.ndarray | None, digits: int) -> list[list[str]]:
    """What each cell says: "0" where the vectors are bit-for-bit equal, "–" where there is no value."""
    out = []
    for r, row in enumerate(values):
        cells = []
        for c, v in enumerate(row):
            if np.isnan(v):
                cells.append("–")
            elif moved is not None and not moved[r, c]:
                cells.append("0")
            elif 0 < abs(v) < 10**-digits:
                cells.append(f"{v:.0e}")  # moved, but less than the digits shown: never a fake "0.000"
            else:
                cells.append(f"{v:.{digits}f}")
        out.append(cells)
    return out


def _stack(row_counts: list[int], titles: list[str], height: int, strip: bool = False) -> go.Figure:
    """Subplots sharing the word axis, one per model, as tall as their layer rows; 56 px between
    them for the model's title."""
    rows = row_counts if not strip else [1, *row_counts]
    names = titles if not strip else ["", *titles]
    return make_subplots(
        rows=len(rows),
        cols=1,
        shared_xaxes=True,
        row_heights=[n / sum(rows) for n in rows],
        vertical_spacing=56 / height,
        subplot_titles=names,
    )


def _colorbar(fig: go.Figure, row: int, title: str, ticks: list[float], digits: int = 2) -> dict:
    """A colour bar beside subplot `row`, as tall as it, with only the `ticks` given (its ends, and 0 for a
    diverging scale): a block of two layer rows is ~50 px high, too short for plotly's own 5-6 ticks at
    projector size (they overlapped)."""
    domain = fig.get_subplot(row, 1).yaxis.domain
    middle, length = sum(domain) / 2, domain[1] - domain[0]
    return {
        "title": {"text": title, "side": "right"},
        "y": middle,
        "len": length,
        "thickness": 12,
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [f"{t:.{digits}g}" if t else "0" for t in ticks],
    }


def _cells(
    z: np.ndarray, x: list[str], y: list[str], axis: str, text: list[list[str]], size: int, hover: str
) -> go.Heatmap:
    """A `[rows, words]` block of one figure's stack: each cell shows its value as text, 1-px gaps."""
    return go.Heatmap(
        z=z, x=x, y=y, coloraxis=axis, text=text, texttemplate="%{text}", textfont={"size": size},
        hovertemplate=hover, xgap=1, ygap=1,
    )  # fmt: skip


def pair_heatmaps(diff: PairDiff, words: list[str] | None = None, short_titles: bool = False) -> go.Figure:
    """One heatmap per model (char-LSTM, ELMo, MiniLM): layers × aligned words, coloured by how far the
    word's representation moved between the two sentences. Cells where nothing moved say "0"; the
    changed words are framed in red.

    `words`: the word axis's labels, one per aligned word (default `diff.labels`, "0:She"; the lessons
    pass theirs, counted from 1). `short_titles`: each panel titled by its model and measure in a few
    words (`SHORT_UNITS`), for a projector, instead of the full `unit` sentence."""
    models = diff.models
    if words is not None and len(words) != len(diff.labels):
        raise ValueError(f"words has {len(words)} labels for {len(diff.labels)} aligned words")
    height = 150 + ROW_PX * sum(len(m.layers) for m in models) + 56 * len(models)
    titles = [f"{m.model}: {_(SHORT_UNITS.get(m.model, m.unit) if short_titles else m.unit)}" for m in models]
    fig = _stack([len(m.layers) for m in models], titles, height)
    labels = plotly_text([visible(label) for label in (words if words is not None else diff.labels)])
    for k, model in enumerate(models, start=1):
        digits = 1 if model.model == "char-LSTM" else 3
        axis = "coloraxis" if k == 1 else f"coloraxis{k}"
        fig.add_trace(
            _cells(model.distance, labels, [label(name) for name in model.layers], axis,
                   _cell_text(model.distance, model.moved, digits), 11,
                   "%{x}<br>%{y}<br>" + _("moved by {value}").format(value="%{text}") + "<extra>" + model.model
                   + "</extra>"),
            row=k,
            col=1,
        )  # fmt: skip
        top = float(np.nanmax(model.distance, initial=0.0)) or 1.0
        colorbar = _colorbar(fig, k, model.model, [0.0, top], digits=2 if digits == 1 else 3)
        fig.update_layout({axis: {"colorscale": MOVED, "cmin": 0, "cmax": top, "colorbar": colorbar}})
        fig.update_yaxes(autorange="reversed", row=k, col=1)
    for n, changed in enumerate(diff.pairing.changed):
        if changed:
            fig.add_vrect(x0=n - 0.5, x1=n + 0.5, line={"color": CHANGED, "width": 3}, row="all", col=1)
    fig.update_xaxes(tickangle=-45, type="category")
    return base_layout(fig, height=height).update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 90})


def sentence_rows(view: WordView) -> go.Figure:
    """Every row of every model for one chosen word, over the sentence's words: the char-LSTM's, ELMo's
    and MiniLM's cosine similarity to the chosen word per layer, and MiniLM's attention from it.

    The top strip holds the words as points: a click there selects a word (Streamlit selections work
    on points, not heatmap cells). The chosen word's column is framed in red.
    """
    groups = view.groups
    height = 190 + ROW_PX * sum(len(g.layers) for g in groups) + 56 * len(groups)
    titles = [f"{label(g.model)}: {label(g.what)}" for g in groups]
    fig = _stack([len(g.layers) for g in groups], titles, height, strip=True)
    labels = plotly_text([visible(label) for label in view.labels])
    colours = ["#111827"] * len(labels)
    colours[view.word] = CHANGED
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=[0] * len(labels),
            mode="markers+text",
            text=[label.split(":", 1)[1] for label in labels],
            textposition="top center",
            marker={"symbol": "square", "size": 14, "color": colours},
            cliponaxis=False,
            hovertemplate=_("click to choose {word}").format(word="%{x}") + "<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(visible=False, range=[-0.6, 1.6], row=1, col=1)
    attention_top = max(float(np.nanmax(groups[-1].values, initial=0.0)), 1e-6)
    for k, group in enumerate(groups, start=2):
        is_attention = k == len(groups) + 1
        fig.add_trace(
            _cells(group.values, labels, [label(name) for name in group.layers],
                   "coloraxis2" if is_attention else "coloraxis",
                   _cell_text(group.values, None, 2), 10,
                   "%{y}, %{x}: %{text}<extra>" + label(group.model) + "</extra>"),
            row=k,
            col=1,
        )  # fmt: skip
        fig.update_yaxes(autorange="reversed", row=k, col=1)
    fig.update_layout(
        coloraxis={
            "colorscale": DIVERGING,
            "cmin": -1,
            "cmax": 1,
            "colorbar": _colorbar(fig, 3, _("cosine"), [-1.0, 0.0, 1.0]),
        },
        coloraxis2={
            "colorscale": SEQUENTIAL,
            "cmin": 0,
            "cmax": attention_top,
            "colorbar": _colorbar(fig, len(groups) + 1, _("attention"), [0.0, attention_top]),
        },
    )
    fig.add_vrect(x0=view.word - 0.5, x1=view.word + 0.5, line={"color": CHANGED, "width": 3}, row="all", col=1)
    fig.update_xaxes(tickangle=-45, type="category")
    fig.update_layout(clickmode="event+select", dragmode=False)
    return base_layout(fig, height=height).update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 90})


def unit_bars(view: WordView) -> go.Figure:
    """The char-LSTM units whose (h, c) changed most while it read the chosen word, one panel per layer."""
    units = view.units
    layers = units.units.shape[0]
    fig = make_subplots(rows=1, cols=layers, subplot_titles=[f"char-LSTM L{k + 1}" for k in range(layers)])
    for k in range(layers):
        hover = [
            _("unit {unit}").format(unit=u)
            + f"<br>‖Δ(h, c)‖ {d:.2f}<br>c: {cb:.2f} → {ca:.2f}<br>h: {hb:.2f} → {ha:.2f}"
            for u, d, cb, ca, hb, ha in zip(
                units.units[k], units.change[k], units.c_before[k], units.c_after[k],
                units.h_before[k], units.h_after[k], strict=True,
            )
        ]  # fmt: skip
        fig.add_trace(
            go.Bar(
                x=units.change[k],
                y=[_("unit {unit}").format(unit=u) for u in units.units[k]],
                orientation="h",
                marker={"color": "#2563eb"},
                hovertext=hover,
                hoverinfo="text",
                showlegend=False,
            ),
            row=1,
            col=k + 1,
        )
        fig.update_yaxes(autorange="reversed", row=1, col=k + 1)
        fig.update_xaxes(title=_("‖Δ(h, c)‖ across the word"), row=1, col=k + 1)
    fig = base_layout(fig, height=110 + 24 * units.units.shape[1])
    return fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
