"""Shared figure conventions: token axis labels, fonts, colours readable on a classroom projector."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

FONT = {"family": "Source Sans Pro, Helvetica, Arial, sans-serif", "size": 14}
SEQUENTIAL = "Blues"  # gates and attention weights (0..1)
DIVERGING = "RdBu"  # cell states and outputs, centred on 0: red negative, blue positive (Karpathy)
QUALITATIVE = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"]
MASKED = "#e5e7eb"  # cells a causal model can never attend to


def token_labels(tokens: Sequence[str]) -> list[str]:
    """`i:token` labels: plotly merges equal category labels, so every label carries its position."""
    return [f"{i}:{visible(t)}" for i, t in enumerate(tokens)]


def plotly_text(labels: Sequence[str]) -> list[str]:
    """Plotly reads text as a little HTML: "<S>" would vanish as a tag. Escape it so it shows as typed."""
    return [label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for label in labels]


def visible(token: str) -> str:
    """Make white space and invisible characters readable on an axis."""
    return token.replace(" ", "␣").replace("\n", "↵").replace("\t", "⇥") or "∅"


def base_layout(fig: go.Figure, *, title: str | None = None, height: int | None = None) -> go.Figure:
    fig.update_layout(
        font=FONT,
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
    )
    return fig


def panel_row(titles: Sequence[str], gap: float) -> tuple[dict, list[dict]]:
    """Axes (`xaxis`, `yaxis`, `xaxis2`, ...) and title annotations for one row of equal panels, what
    `make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=gap)` lays out.

    Traces go to panel k (from 1) with `xaxis=f"x{k}"`, `yaxis=f"y{k}"` (no number for k = 1). Building
    the figure in one pass is several times faster than `make_subplots` plus `add_trace(row=, col=)`."""
    width = (1 - gap * (len(titles) - 1)) / len(titles)
    axes: dict = {}
    annotations = []
    for k, title in enumerate(titles, start=1):
        suffix = "" if k == 1 else str(k)
        left = (k - 1) * (width + gap)
        axes[f"xaxis{suffix}"] = {"domain": [left, left + width], "anchor": f"y{suffix}"}
        axes[f"yaxis{suffix}"] = {"domain": [0.0, 1.0], "anchor": f"x{suffix}"}
        if title:
            annotations.append(
                {
                    "text": title,
                    "x": left + width / 2,
                    "y": 1.0,
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 16},
                }
            )
    return axes, annotations
