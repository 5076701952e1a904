"""Figures the lessons need beyond the pages' own builders: one value per step of a text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import OKABE_ITO, QUALITATIVE, base_layout, plotly_text

DASHES = ("solid", "dash", "dot", "dashdot")


def step_profile(
    step_labels: Sequence[str],
    series: Mapping[str, np.ndarray],
    *,
    title: str,
    y_title: str,
    y_range: tuple[float, float] | None = None,
    marked: int | None = None,
) -> go.Figure:
    """One line per series over the steps of a text (`i:token` labels); `marked` outlines one step.

    Lines differ by colour (Okabe-Ito) and by dash pattern, so no two are told apart by colour alone.
    """
    x = plotly_text(step_labels)
    fig = go.Figure()
    for k, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.asarray(values, dtype=np.float64),
                name=name,
                mode="lines+markers",
                line={"color": QUALITATIVE[k % len(QUALITATIVE)], "width": 2.5, "dash": DASHES[k % len(DASHES)]},
                hovertemplate="%{x}<br>" + name + " %{y:.3f}<extra></extra>",
            )
        )
    if marked is not None and 0 <= marked < len(x):
        fig.add_vrect(
            x0=marked - 0.5, x1=marked + 0.5, fillcolor=OKABE_ITO["yellow"], opacity=0.35, line_width=0, layer="below"
        )
    every_label = {"tickmode": "linear", "dtick": 1} if len(x) <= 120 else {}
    fig.update_xaxes(type="category", tickangle=-90, tickfont={"size": 11}, **every_label)
    fig.update_yaxes(title=y_title, range=list(y_range) if y_range else None)
    fig.update_layout(legend={"orientation": "h", "y": 1.12, "x": 0}, hovermode="x unified")
    return base_layout(fig, title=title, height=380)
