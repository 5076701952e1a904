"""Figures the lessons need beyond the pages' own builders: one value per step of a text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import OKABE_ITO, QUALITATIVE, base_layout, label, plotly_text
from i18n import _

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

    Lines differ by colour (Okabe-Ito) and by dash pattern, so no two are told apart by colour alone. The
    titles and series names are shown through `i18n._` (a lesson may pass them in English, marked `N_`).
    """
    x = plotly_text(step_labels)
    fig = go.Figure()
    for k, (english, values) in enumerate(series.items()):
        name = label(english)
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
    fig.update_yaxes(title=_(y_title), range=list(y_range) if y_range else None)
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}, hovermode="x unified")
    base_layout(fig, title=_(title), height=380)
    if len(series) > 1:  # the legend row sits between the title and the plot, never on the title
        fig.update_layout(margin={"t": 90}, title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}})
    return fig


def mark_spans(fig: go.Figure, mask: Sequence[bool], *, label: str = "") -> go.Figure:
    """Outline the runs of True in `mask` (`[T]`, one per step on a category x axis) with dotted boxes,
    e.g. the characters inside quotes; `label` names the boxes in the legend, beside a dotted line, where
    no bar, line or cell covers it (a figure without a placed legend gets a legend row above the plot)."""
    mask = list(map(bool, mask))
    runs, start = [], None
    for k, inside in enumerate([*mask, False]):
        if inside and start is None:
            start = k
        elif not inside and start is not None:
            runs.append((start, k - 1))
            start = None
    box = {"color": OKABE_ITO["black"], "width": 2, "dash": "dot"}
    for first, last in runs:
        fig.add_vrect(x0=first - 0.5, x1=last + 0.5, line=box, fillcolor="rgba(0,0,0,0)", layer="above")
    if runs and label:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=box, name=_(label), hoverinfo="skip"))
        fig.update_layout(showlegend=True)  # plotly hides a legend of one entry
        if fig.layout.legend.orientation is None:
            fig.update_layout(legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    return fig


def category_bars(
    names: Sequence[str], values: Sequence[float], *, title: str, y_title: str, values_on_bars: bool = True
) -> go.Figure:
    """One bar per category (a kind of place, a model, a word), its value written on the bar (2 decimals)
    unless `values_on_bars` is False (a step whose answer the bars' heights are: the numbers stay on hover)."""
    fig = go.Figure(
        go.Bar(
            x=plotly_text(names), y=np.asarray(values, dtype=np.float64), marker_color=OKABE_ITO["sky blue"],
            text=[f"{v:.2f}" for v in values] if values_on_bars else None, textposition="outside",
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )  # fmt: skip
    high = float(np.max(values)) if len(values) else 1.0
    fig.update_yaxes(title=_(y_title), range=[0.0, max(high, 1e-9) * 1.2])  # from 0: a small gap looks small
    fig.update_xaxes(type="category")
    return base_layout(fig, title=_(title), height=340)
