"""Figures for the Transformer attention page: the heads grid and one token-by-token heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import MASKED, SEQUENTIAL, base_layout, plotly_text
from i18n import N_, _


def heads_grid(values: np.ndarray, statistic: str, selected: tuple[int, int] | None = None) -> go.Figure:
    """All layers × heads as one grid of squares coloured by `statistic` (`values` is `[layers, heads]`).

    Drawn as a scatter of square markers, not a heatmap, so a click selects a head (Streamlit's
    plotly selection works on points). `selected` is (layer, head), 1-based.
    """
    layers, heads = values.shape
    layer_index, head_index = np.meshgrid(np.arange(1, layers + 1), np.arange(1, heads + 1), indexing="ij")
    fig = go.Figure(
        go.Scatter(
            x=head_index.ravel(),
            y=layer_index.ravel(),
            mode="markers",
            marker={
                "symbol": "square",
                "size": 28,
                "color": values.ravel(),
                "colorscale": "Viridis",
                "showscale": True,
                "colorbar": {"thickness": 12, "len": 0.9},
                "line": {"width": 0},
            },
            hovertemplate=_("layer {layer}, head {head}").format(layer="%{y}", head="%{x}")
            + f"<br>{_(statistic)}: %{{marker.color:.3f}}<extra></extra>",
            showlegend=False,
        )
    )
    if selected is not None:
        fig.add_trace(
            go.Scatter(
                x=[selected[1]],
                y=[selected[0]],
                mode="markers",
                marker={"symbol": "square-open", "size": 33, "color": "#dc2626", "line": {"width": 3}},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    fig.update_xaxes(
        title=_("head"), tickmode="linear", dtick=1, range=[0.4, heads + 0.6], showgrid=False, zeroline=False
    )
    fig.update_yaxes(
        title=_("layer"), tickmode="linear", dtick=1, range=[layers + 0.6, 0.4], showgrid=False, zeroline=False
    )
    fig.update_layout(clickmode="event+select", dragmode=False)
    # a fixed pitch keeps the squares square whatever the page width
    return base_layout(fig, height=90 + 34 * layers).update_layout(width=150 + 34 * heads)


def attention_heatmap(
    matrix: np.ndarray,
    query_labels: Sequence[str],
    key_labels: Sequence[str],
    *,
    title: str,
    causal: bool = False,
    value_name: str = N_("weight"),
) -> go.Figure:
    """One `[queries, keys]` attention matrix; exact weights on hover, masked cells grey for decoders.
    `title` and `value_name` are shown through `i18n._` (English names a caller passes are translated)."""
    value_name = _(value_name)
    z = np.asarray(matrix, dtype=np.float32)
    if causal and z.shape[0] == z.shape[1]:
        z = np.where(np.triu(np.ones(z.shape, dtype=bool), k=1), np.nan, z)  # a decoder never looks ahead
    size = max(len(query_labels), len(key_labels))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=plotly_text(key_labels),
            y=plotly_text(query_labels),
            colorscale=SEQUENTIAL,
            zmin=0.0,
            zmax=float(np.nanmax(z)) if np.isfinite(z).any() else 1.0,
            colorbar={"title": {"text": value_name, "side": "right"}, "thickness": 14},
            hovertemplate=_("query {query}<br>key {key}").format(query="%{y}", key="%{x}")
            + "<br>"
            + value_name
            + " %{z:.7g}<extra></extra>",
            hoverongaps=False,
            xgap=1 if size <= 40 else 0,
            ygap=1 if size <= 40 else 0,
        )
    )
    every_label = {"tickmode": "linear", "dtick": 1} if size <= 96 else {}  # else plotly thins the labels
    tick_font = {"size": 13 if size <= 40 else 11 if size <= 70 else 9}
    fig.update_yaxes(
        autorange="reversed", title=_("query (attends from)"), type="category", tickfont=tick_font, **every_label
    )
    fig.update_xaxes(
        title=_("key (attends to)"), tickangle=-60, type="category", side="bottom", tickfont=tick_font, **every_label
    )
    height = int(min(1500, max(460, 200 + (22 if size <= 40 else 14) * size)))
    base_layout(fig, title=_(title), height=height)
    if causal:  # the masked cells are gaps in the heatmap: the grey background shows through
        fig.update_layout(plot_bgcolor=MASKED)
    return fig
