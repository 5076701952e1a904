"""Figures of what a language model predicts: its top guesses per step, its surprisal over the text,
and how an intervention changed both."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.common import SEQUENTIAL, base_layout, plotly_text, visible
from i18n import N_, _

BEFORE, AFTER = "#2563eb", "#dc2626"


def _category_axis(fig: go.Figure, count: int, **where) -> None:
    every_label = {"tickmode": "linear", "dtick": 1} if count <= 120 else {}
    fig.update_xaxes(type="category", tickangle=-90, tickfont={"size": 11}, **every_label, **where)


def top_guesses(
    step_labels: Sequence[str],
    guesses: Sequence[Sequence[str]],
    probs: np.ndarray,
    actual_rank: np.ndarray,
    *,
    title: str,
) -> go.Figure:
    """Karpathy-style grid: column t holds the k most likely next tokens after step t (rows: rank 1..k),
    shaded by probability; the token that really comes next is outlined where it is among them.

    `guesses` `[T][k]` token strings, `probs` `[T, k]`, `actual_rank` `[T]` (1-based, 0 = none)."""
    probs = np.asarray(probs, dtype=np.float32)
    steps, k = probs.shape
    x = plotly_text(step_labels)
    text = [[visible(guesses[t][r]) for t in range(steps)] for r in range(k)]
    fig = go.Figure(
        go.Heatmap(
            z=probs.T,
            x=x,
            y=[_("guess {rank}").format(rank=r + 1) for r in range(k)],
            text=[plotly_text(row) for row in text],
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=1,
            colorbar={"title": {"text": "p", "side": "right"}, "thickness": 14},
            hovertemplate=_("after {step}: {rank} = {token} (p = {p})").format(
                step="%{x}", rank="%{y}", token="%{text}", p="%{z:.3f}"
            )
            + "<extra></extra>",
        )
    )
    hit = [(t, int(actual_rank[t]) - 1) for t in range(steps) if 1 <= actual_rank[t] <= k]
    if hit:
        fig.add_trace(
            go.Scatter(
                x=[x[t] for t, _ in hit],
                y=[_("guess {rank}").format(rank=r + 1) for _step, r in hit],
                mode="markers",
                marker={"symbol": "square-open", "size": 22, "color": "#f59e0b", "line": {"width": 3}},
                name=_("the actual next one"),
                hoverinfo="skip",
            )
        )
    _category_axis(fig, steps)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(legend={"orientation": "h", "y": 1.12, "x": 1, "xanchor": "right"})
    return base_layout(fig, title=_(title), height=330)


def surprisal_line(
    step_labels: Sequence[str], surprisal: np.ndarray, hover: Sequence[str], *, unit: str = N_("bits/char")
) -> go.Figure:
    """Surprisal of the actual next token after each step, in bits, with the text's mean as a dashed line.
    `unit` is shown through `i18n._` (English units a page passes are translated)."""
    unit = _(unit)
    x = plotly_text(step_labels)
    y = np.asarray(surprisal, dtype=np.float32)
    mean = float(np.nanmean(y)) if np.isfinite(y).any() else float("nan")
    fig = go.Figure(
        go.Scatter(
            x=x,
            y=y,
            mode="lines+markers",
            marker={"size": 4},
            line={"color": BEFORE},
            name=_("surprisal"),
            customdata=plotly_text(hover),
            hovertemplate=_("after {step}: {bits} bits").format(step="%{x}", bits="%{y:.2f}")
            + "<br>%{customdata}<extra></extra>",
        )
    )
    if np.isfinite(mean):
        fig.add_hline(
            y=mean,
            line={"dash": "dash", "color": "#6b7280"},
            annotation_text=_("mean {mean:.2f} {unit}").format(mean=mean, unit=unit),
        )
    _category_axis(fig, len(x))
    fig.update_yaxes(title=_("bits"), rangemode="tozero")
    title = _("Surprisal of the next one: −log₂ p, mean {mean:.2f} {unit}").format(mean=mean, unit=unit)
    return base_layout(fig, title=title, height=330)


def before_after(
    step_labels: Sequence[str],
    before: np.ndarray,
    after: np.ndarray,
    kl: np.ndarray,
    start: int,
    *,
    title: str,
) -> go.Figure:
    """Surprisal before and after an intervention (top), their difference after − before and the KL
    divergence of the next-token distributions in bits (bottom); a dotted line marks the first changed step."""
    x = plotly_text(step_labels)
    before, after = np.asarray(before, np.float32), np.asarray(after, np.float32)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45])
    for y, name, colour in ((before, _("surprisal before"), BEFORE), (after, _("surprisal after"), AFTER)):
        fig.add_trace(go.Scatter(x=x, y=y, name=name, mode="lines", line={"color": colour}), 1, 1)
    difference = after - before
    fig.add_trace(
        go.Bar(
            x=x,
            y=difference,
            name=_("after − before (bits)"),
            marker_color=np.where(difference >= 0, AFTER, BEFORE).tolist(),
        ),
        2,
        1,
    )
    fig.add_trace(
        go.Scatter(x=x, y=np.asarray(kl, np.float32), name=_("KL(before ‖ after), bits"), line={"color": "#111827"}),
        2,
        1,
    )
    if 0 <= start < len(x):
        for row in (1, 2):
            fig.add_vline(x=start, line={"dash": "dot", "color": "#6b7280"}, row=row, col=1)
    _category_axis(fig, len(x))
    fig.update_yaxes(title=_("surprisal (bits)"), row=1, col=1)
    fig.update_yaxes(title=_("change (bits)"), row=2, col=1)
    fig.update_layout(legend={"orientation": "h", "y": -0.3, "x": 0}, hovermode="x unified")
    return base_layout(fig, title=_(title), height=520).update_layout(margin={"b": 20})
