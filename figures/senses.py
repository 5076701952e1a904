"""Figures for the ELMo senses page: one 2-D map per layer, and the sense scores across layers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import QUALITATIVE, base_layout, label, panel_row, plotly_literal
from i18n import N_, _

METRICS = (N_("1-NN accuracy"), N_("silhouette"))  # the scores a page may pass as `metric` (English)

AXIS = {"showticklabels": False, "showgrid": False, "zeroline": False, "showline": True, "linecolor": "#e5e7eb"}
GAP = 0.03  # between panels, as a share of the width
TITLE_LIFT_PX = 6  # a panel title's gap above its frame


def layer_maps(
    maps: Sequence[tuple[str, np.ndarray]],
    labels: Sequence[str],
    hovers: Sequence[str],
    *,
    selected: int | None = None,
    title: str | None = None,
) -> go.Figure:
    """Small multiples: `maps` is (panel title, `[n, 2]` coordinates) per layer; colour = sense label.

    Every point carries its occurrence index as customdata, so a click can select it. The panels'
    axes and titles are laid out here in one pass (what `make_subplots` would make): adding traces to
    a subplot grid one by one cost most of a warm rerun of the senses page.
    """
    senses = list(dict.fromkeys(labels))
    label_array = np.asarray(labels)
    members_of = {sense: np.flatnonzero(label_array == sense) for sense in senses}
    layout, titles = panel_row([label(name) for name, _coords in maps], GAP)
    for axis in layout.values():
        axis.update(AXIS, mirror=True)
    for panel_title in titles:  # above the panel's top frame line, on white: no frame line crosses the title
        panel_title.update(yshift=TITLE_LIFT_PX, bgcolor="white")
    traces = []
    for column, (_name, coords) in enumerate(maps, start=1):
        suffix = "" if column == 1 else str(column)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        for k, sense in enumerate(senses):
            members = members_of[sense]
            traces.append(
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
                    **axes,
                )
            )
        if selected is not None:
            traces.append(
                go.Scatter(
                    x=[coords[selected, 0]],
                    y=[coords[selected, 1]],
                    mode="markers",
                    showlegend=False,
                    hoverinfo="skip",
                    marker={"symbol": "circle-open", "size": 18, "color": "#111827", "line": {"width": 2.5}},
                    **axes,
                )
            )
    layout.update(
        annotations=titles, legend={"orientation": "h", "y": -0.08, "x": 0}, clickmode="event+select", dragmode="pan"
    )
    return base_layout(
        go.Figure(data=traces, layout=layout), title=plotly_literal(title) if title else None, height=340
    )


def scores_chart(rows: Sequence[dict], metric: str, *, title: str) -> go.Figure:
    """Grouped bars: the metric per layer, one bar per model (e.g. trained vs its untrained control)."""
    models = list(dict.fromkeys(r["model"] for r in rows))
    fig = go.Figure()
    for k, model in enumerate(models):
        picked = [r for r in rows if r["model"] == model]
        values = [r[metric] if r[metric] is not None else np.nan for r in picked]
        fig.add_trace(
            go.Bar(
                x=[label(r["layer"]) for r in picked],
                y=values,
                name=plotly_literal(label(model)),
                marker_color=QUALITATIVE[k % len(QUALITATIVE)] if "untrained" not in model else "#9ca3af",
                text=[f"{v:.2f}" if np.isfinite(v) else "–" for v in values],
                textposition="outside",
                hovertemplate="%{x}<br>" + label(metric) + " %{y:.3f}<extra>%{fullData.name}</extra>",
            )
        )
    if metric == "1-NN accuracy":
        fig.update_yaxes(range=[0, 1.12], title=label(metric))
    else:
        fig.update_yaxes(title=label(metric))
    # the legend above the bars: below them, long layer names (rotated in a narrow column) ran under it
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    fig = base_layout(fig, title=plotly_literal(_(title)), height=360)
    # the title at the very top, room under it for the legend's row or two (two models' names wrap in a column)
    return fig.update_layout(margin={"t": 90}, title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}})
