"""Shared figure conventions: token axis labels, fonts, colours readable on a classroom projector."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from engine.text import show_whitespace

FONT = {"family": "Source Sans Pro, Helvetica, Arial, sans-serif", "size": 14}
SEQUENTIAL = "Blues"  # gates and attention weights (0..1)
DIVERGING = "RdBu"  # cell states and outputs, centred on 0: red negative, blue positive (Karpathy)
QUALITATIVE = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"]
MASKED = "#e5e7eb"  # cells a causal model can never attend to


def token_labels(tokens: Sequence[str]) -> list[str]:
    """`i:token` labels: plotly merges equal category labels, so every label carries its position."""
    return [f"{i}:{visible(t)}" for i, t in enumerate(tokens)]


def plotly_text(labels: Sequence[str]) -> list[str]:
    """Plotly reads text as a little HTML ("<S>" would vanish as a tag) and text between dollar signs as
    LaTeX: escape both (the dollar sign as its entity) so every label shows exactly as typed."""
    return [plotly_literal(label) for label in labels]


def plotly_literal(text: str) -> str:
    """One string for plotly, shown as typed (see `plotly_text`); for titles, legend names, hovers."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("$", "&#36;")


def visible(token: str) -> str:
    """Make white space readable on an axis, the engine's one way (␣ ⇥ ↵ ␍); ∅ for an empty token."""
    return show_whitespace(token) or "∅"


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
