"""Figures for the ELMo senses page: one 2-D map per layer, and the sense scores across layers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.common import QUALITATIVE, base_layout, plotly_literal


def layer_maps(
    maps: Sequence[tuple[str, np.ndarray]],
    labels: Sequence[str],
    hovers: Sequence[str],
    *,
    selected: int | None = None,
    title: str | None = None,
) -> go.Figure:
    """Small multiples: `maps` is (panel title, `[n, 2]` coordinates) per layer; colour = sense label.

    Every point carries its occurrence index as customdata, so a click can select it.
    """
    senses = list(dict.fromkeys(labels))
    fig = make_subplots(rows=1, cols=len(maps), subplot_titles=[name for name, _ in maps], horizontal_spacing=0.03)
    index = np.arange(len(labels))
    for column, (_, coords) in enumerate(maps, start=1):
        for k, sense in enumerate(senses):
            members = index[np.asarray(labels) == sense]
            fig.add_trace(
                go.Scatter(
                    x=coords[members, 0],
                    y=coords[members, 1],
                    mode="markers",
                    name=plotly_literal(sense),
                    legendgroup=sense,
                    showlegend=column == 1,
                    customdata=members,
                    text=[hovers[m] for m in members],
                    hovertemplate="%{text}<extra>%{fullData.name}</extra>",  # no user text in a template
                    marker={
                        "color": QUALITATIVE[k % len(QUALITATIVE)],
                        "size": 9,
                        "opacity": 0.85,
                        "line": {"width": 0.5, "color": "white"},
                    },
                ),
                row=1,
                col=column,
            )
        if selected is not None:
            fig.add_trace(
                go.Scatter(
                    x=[coords[selected, 0]],
                    y=[coords[selected, 1]],
                    mode="markers",
                    showlegend=False,
                    hoverinfo="skip",
                    marker={"symbol": "circle-open", "size": 18, "color": "#111827", "line": {"width": 2.5}},
                ),
                row=1,
                col=column,
            )
    fig.update_xaxes(
        showticklabels=False, showgrid=False, zeroline=False, showline=True, linecolor="#e5e7eb", mirror=True
    )
    fig.update_yaxes(
        showticklabels=False, showgrid=False, zeroline=False, showline=True, linecolor="#e5e7eb", mirror=True
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.08, "x": 0}, clickmode="event+select", dragmode="pan")
    return base_layout(fig, title=plotly_literal(title) if title else None, height=340)


def scores_chart(rows: Sequence[dict], metric: str, *, title: str) -> go.Figure:
    """Grouped bars: the metric per layer, one bar per model (e.g. trained vs its untrained control)."""
    models = list(dict.fromkeys(r["model"] for r in rows))
    fig = go.Figure()
    for k, model in enumerate(models):
        picked = [r for r in rows if r["model"] == model]
        values = [r[metric] if r[metric] is not None else np.nan for r in picked]
        fig.add_trace(
            go.Bar(
                x=[r["layer"] for r in picked],
                y=values,
                name=plotly_literal(model),
                marker_color=QUALITATIVE[k % len(QUALITATIVE)] if "untrained" not in model else "#9ca3af",
                text=[f"{v:.2f}" if np.isfinite(v) else "–" for v in values],
                textposition="outside",
                hovertemplate="%{x}<br>" + metric + " %{y:.3f}<extra>%{fullData.name}</extra>",
            )
        )
    if metric == "1-NN accuracy":
        fig.update_yaxes(range=[0, 1.12], title=metric)
    else:
        fig.update_yaxes(title=metric)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.25, "x": 0})
    return base_layout(fig, title=plotly_literal(title), height=360)
