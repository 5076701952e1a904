"""One Transformer layer, stage by stage, for one query token: pure functions OpenedLayer -> plotly figure.

Stages follow Vaswani et al. (2017) §3.2: the token's input x, its query q = x W_Q, the raw scores
q·k_j against every key, the same ÷ √d_head, the softmax, the weighted sum of the values, then the
rest of the layer (output projection W_O, residual, layer norm) and the feed-forward block. Each
stage has one figure and one sentence with the model's own numbers (`stage_sentence`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.common import base_layout, plotly_literal, plotly_text

if TYPE_CHECKING:
    from engine.analysis.ablation import HeadsOffResult
    from engine.analysis.inside import OpenedLayer
    from engine.analysis.positions import OrderSwap, PositionMaps

STAGES = ("x", "q", "scores", "scaled", "softmax", "weighted sum", "attention block", "feed-forward")
BLUE, ORANGE, GREY, GREEN = "#1f77b4", "#ff7f0e", "#9e9e9e", "#2ca02c"
HEIGHT = 380
FRAME_CAP = 200  # query tokens animated by ▶ play (frames sent at once)


def token_name(opened: OpenedLayer, k: int) -> str:
    return f"{opened.shown_tokens[k]} ({k})"


def key_labels(opened: OpenedLayer) -> list[str]:
    """Key tokens as tick labels, numbered from 0 ([CLS] or the first token), escaped for plotly."""
    return plotly_text([f"{t} ({k})" for k, t in enumerate(opened.shown_tokens)])


def word_labels(words: list[str]) -> list[str]:
    """Words numbered from 1 ("the (7)"), escaped for plotly: a repeated word keeps a bar of its own."""
    return plotly_text([f"{w} ({k})" for k, w in enumerate(words, start=1)])


def _bars(values: np.ndarray, colour: str = BLUE, **kwargs) -> go.Bar:
    return go.Bar(y=values, marker_color=colour, hovertemplate="dim %{x}: %{y:.3f}<extra></extra>", **kwargs)


def stage_figure(
    opened: OpenedLayer, query: int, stage: str, decimals: int | None = 2, height: int = HEIGHT, play: bool = False
) -> go.Figure:
    """The figure of `stage` (one of STAGES) for query token `query` (from 0); bar labels with `decimals`
    (None: no labels, values on hover only).
    `play`: the score and softmax stages get a ▶ play button that shows every query token in turn, as
    client-side plotly frames (up to FRAME_CAP tokens; no server round trip)."""
    name = plotly_literal(token_name(opened, query))
    where = f"layer {opened.layer}, head {opened.head}"
    labels = key_labels(opened)
    if stage == "x":
        fig = go.Figure(_bars(opened.x[query]))
        title = f"x: the vector of {name} entering {where} ({opened.x.shape[1]} numbers)"
    elif stage == "q":
        fig = go.Figure(_bars(opened.q[query], text=[f"{v:.1f}" for v in opened.q[query]], textposition="outside"))
        title = f"q = x·W_Q: the query of {name}, all {opened.d_head} numbers"
    elif stage in ("scores", "scaled", "softmax"):
        values = {"scores": opened.scores, "scaled": opened.scaled, "softmax": opened.weights}[stage][query]
        allowed = np.ones_like(values, dtype=bool) if opened.mask is None else opened.mask[query]
        shown = np.where(allowed, values, np.nan)
        colours = [
            GREY if opened.special_mask[k] else (ORANGE if stage == "softmax" else BLUE) for k in range(len(values))
        ]
        fig = go.Figure(
            go.Bar(
                x=labels,
                y=shown,
                marker_color=colours,
                text=_labels(shown, decimals),
                textposition="outside",
                hovertemplate="%{x}: %{y:.4f}<extra></extra>",
            )
        )
        title = _row_title(opened, query, stage)
        if play:
            _add_query_frames(fig, opened, stage, decimals)
    elif stage == "weighted sum":
        fig = make_subplots(1, 2, column_widths=[0.55, 0.45], subplot_titles=("values V (rows: keys)", "weights · V"))
        fig.add_trace(
            go.Heatmap(
                z=opened.v,
                y=labels,
                colorscale="RdBu",
                zmid=0,
                showscale=False,
                hovertemplate="%{y}, dim %{x}: %{z:.3f}<extra></extra>",
            ),
            1,
            1,
        )
        fig.add_trace(_bars(opened.head_output[query], ORANGE), 1, 2)
        fig.update_yaxes(autorange="reversed", row=1, col=1)
        title = f"the head's output for {name}: the values averaged with its weights ({opened.d_head} numbers)"
    elif stage == "attention block":
        fig = make_subplots(
            3,
            1,
            shared_xaxes=True,
            vertical_spacing=0.08,
            subplot_titles=("x (the input)", "all heads · W_O", "layer norm(x + all heads · W_O)"),
        )
        for row, values in enumerate((opened.x[query], opened.projected[query], opened.attention_norm[query]), 1):
            fig.add_trace(_bars(values, GREEN if row == 3 else BLUE), row, 1)
        title = f"the {opened.num_heads} heads joined, projected, added to x and normalised ({opened.norm_order})"
    elif stage == "feed-forward":
        fig = make_subplots(
            2,
            1,
            vertical_spacing=0.15,
            subplot_titles=(
                f"{opened.activation}(x·W_1): {opened.ffn_activation.shape[1]} hidden units",
                "the layer's output",
            ),
        )
        fig.add_trace(_bars(opened.ffn_activation[query], ORANGE), 1, 1)
        fig.add_trace(_bars(opened.layer_output[query], GREEN), 2, 1)
        title = f"the feed-forward block, its residual and layer norm: {name} leaves {where}"
    else:
        raise ValueError(f"Unknown stage {stage!r}; one of {', '.join(STAGES)}.")
    fig.update_layout(showlegend=False, bargap=0.1)
    return base_layout(fig, title=title, height=height)


def _row_title(opened: OpenedLayer, query: int, stage: str) -> str:
    name = plotly_literal(token_name(opened, query))
    return {
        "scores": f"raw scores q·k: {name} against every key",
        "scaled": f"scaled scores q·k ÷ √{opened.d_head} = ÷ {opened.scale:.2f} ({name})",
        "softmax": f"softmax: the weights {name} gives every key (they sum to 1)",
    }[stage]


def _labels(values: np.ndarray, decimals: int | None) -> list[str] | None:
    return None if decimals is None else [f"{v:.{decimals}f}" for v in values]


def _add_query_frames(fig: go.Figure, opened: OpenedLayer, stage: str, decimals: int | None) -> None:
    """One frame per query token (the first FRAME_CAP) and ▶ play / ❚❚ pause buttons, top right."""
    rows = {"scores": opened.scores, "scaled": opened.scaled, "softmax": opened.weights}[stage]
    frames = []
    for k in range(min(len(rows), FRAME_CAP)):
        allowed = np.ones(len(rows), dtype=bool) if opened.mask is None else opened.mask[k]
        shown = np.where(allowed, rows[k], np.nan)
        frames.append(go.Frame(
            name=str(k), data=[go.Bar(y=shown, text=_labels(shown, decimals))], traces=[0],
            layout={"title": {"text": _row_title(opened, k, stage)}},
        ))  # fmt: skip
    fig.frames = frames
    animate = {"frame": {"duration": 700, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(updatemenus=[{
        "type": "buttons", "direction": "left", "x": 1, "y": 1.02, "xanchor": "right", "yanchor": "bottom",
        "showactive": False, "buttons": [
            {"label": "▶ play: every query", "method": "animate", "args": [None, {**animate, "fromcurrent": True}]},
            {"label": "❚❚ pause", "method": "animate", "args": [[None], {**animate, "frame": {"duration": 0}}]},
        ],
    }])  # fmt: skip


def stage_sentence(opened: OpenedLayer, query: int, stage: str) -> str:
    """One sentence saying what `stage` does, with this token's real numbers."""
    name = token_name(opened, query)
    row = opened.scores[query]
    allowed = np.ones_like(row, dtype=bool) if opened.mask is None else opened.mask[query]
    top = int(np.argmax(np.where(allowed, row, -np.inf)))
    heaviest = int(np.argmax(opened.weights[query]))
    x = opened.x[query]
    if stage == "x":
        first = " (its token, position and token-type embeddings summed, then layer-normalised)" * (opened.layer == 1)
        return (
            f"{name} enters layer {opened.layer} as {len(x)} numbers{first}; their length is {np.linalg.norm(x):.1f}."
        )
    if stage == "q":
        return (
            f"Multiplying x by this head's query matrix W_Q gives q, {opened.d_head} numbers saying what {name} "
            f"looks for; every token also gets a key k (what it offers) and a value v (what it passes on)."
        )
    if stage == "scores":
        return (
            f"The dot product q·k with every key scores how well each token matches: the largest is "
            f"{row[top]:.2f}, for {token_name(opened, top)}."
        )
    if stage == "scaled":
        return (
            f"Each score is divided by √{opened.d_head} = {opened.scale:.2f} so the softmax does not saturate: "
            f"{row[top]:.2f} becomes {opened.scaled[query, top]:.2f}."
        )
    if stage == "softmax":
        return (
            f"The softmax turns the scaled scores into weights that are positive and sum to 1: "
            f"{token_name(opened, heaviest)} gets the most, {opened.weights[query, heaviest]:.3f}."
        )
    if stage == "weighted sum":
        return (
            f"The head's output is the weighted sum of the {len(row)} value vectors: "
            f"{opened.d_head} numbers of length {np.linalg.norm(opened.head_output[query]):.2f}."
        )
    if stage == "attention block":
        return (
            f"All {opened.num_heads} heads' outputs are joined ({opened.all_heads.shape[1]} numbers), projected by "
            f"W_O, added back to x (the residual) and layer-normalised."
        )
    moved = 1 - float(x @ opened.layer_output[query] / (np.linalg.norm(x) * np.linalg.norm(opened.layer_output[query])))
    return (
        f"A feed-forward block ({opened.ffn_activation.shape[1]} {opened.activation} units) works on each token "
        f"alone, then residual and layer norm again: the output is 1 − cos = {moved:.3f} away from x."
    )


def position_maps(maps: PositionMaps, height: int = HEIGHT) -> go.Figure:
    """The learned position embeddings' cosine map beside the sinusoidal encoding's, same d."""
    fig = make_subplots(
        1,
        2,
        horizontal_spacing=0.08,
        subplot_titles=(
            "the model's learned position embeddings",
            f"sinusoidal encoding (Vaswani et al. §3.5), d = {maps.d}",
        ),
    )
    for col, z in enumerate((maps.learned, maps.sinusoidal), 1):
        fig.add_trace(
            go.Heatmap(
                z=z,
                zmin=-1,
                zmax=1,
                colorscale="RdBu",
                reversescale=True,
                showscale=col == 2,
                hovertemplate="positions %{y} and %{x}: cos %{z:.2f}<extra></extra>",
            ),
            1,
            col,
        )
        fig.update_yaxes(autorange="reversed", title_text="position" if col == 1 else None, row=1, col=col)
        fig.update_xaxes(title_text="position", row=1, col=col)
    return base_layout(fig, title="Cosine similarity of every pair of positions", height=height)


def order_swap(swap: OrderSwap, height: int = HEIGHT) -> go.Figure:
    """How far each word's final vector moves when two words swap, with and without position embeddings."""
    labels = word_labels(swap.words)
    fig = go.Figure(
        [
            go.Bar(name="with position embeddings", x=labels, y=swap.moved_with, marker_color=BLUE),
            go.Bar(name="without them", x=labels, y=swap.moved_without, marker_color=ORANGE),
        ]
    )
    fig.update_traces(hovertemplate="%{x}: 1 − cos = %{y:.2e}<extra></extra>")
    fig.update_yaxes(title_text="1 − cos (0 = unmoved)")
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    title = f"Words {swap.first} and {swap.second} swapped: how far each word's final vector moved"
    return base_layout(fig, title=title, height=height)


def heads_off(result: HeadsOffResult) -> go.Figure:
    """Per word: the cosine distance of its final vector with the chosen heads off vs on."""
    fig = go.Figure(
        go.Bar(
            x=word_labels(result.words),
            y=result.word_distance,
            marker_color=ORANGE,
            hovertemplate="%{x}: 1 − cos = %{y:.4f}<extra></extra>",
        )
    )
    fig.update_yaxes(title_text="1 − cos (0 = unmoved)")
    chosen = "; ".join(
        f"layer {k}: heads {', '.join(map(str, sorted(h)))}" for k, h in sorted(result.heads_off.items())
    )
    return base_layout(fig, title=f"How far each word's final vector moved ({chosen or 'no head'} off)", height=HEIGHT)
