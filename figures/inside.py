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
from i18n import _

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
    hover = _("dim {dim}: {value}").format(dim="%{x}", value="%{y:.3f}") + "<extra></extra>"
    return go.Bar(y=values, marker_color=colour, hovertemplate=hover, **kwargs)


def stage_figure(
    opened: OpenedLayer, query: int, stage: str, decimals: int | None = 2, height: int = HEIGHT, play: bool = False
) -> go.Figure:
    """The figure of `stage` (one of STAGES) for query token `query` (from 0); bar labels with `decimals`
    (None: no labels, values on hover only).
    `play`: the score and softmax stages get a ▶ play button that shows every query token in turn, as
    client-side plotly frames (up to FRAME_CAP tokens; no server round trip)."""
    name = plotly_literal(token_name(opened, query))
    where = _("layer {layer}, head {head}").format(layer=opened.layer, head=opened.head)
    labels = key_labels(opened)
    if stage == "x":
        fig = go.Figure(_bars(opened.x[query]))
        title = _("x: the vector of {token} entering {where} ({count} numbers)").format(
            token=name, where=where, count=opened.x.shape[1]
        )
    elif stage == "q":
        fig = go.Figure(_bars(opened.q[query], text=[f"{v:.1f}" for v in opened.q[query]], textposition="outside"))
        title = _("q = x·W_Q: the query of {token}, all {count} numbers").format(token=name, count=opened.d_head)
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
        fig = make_subplots(
            1, 2, column_widths=[0.55, 0.45], subplot_titles=(_("values V (rows: keys)"), _("weights · V"))
        )
        fig.add_trace(
            go.Heatmap(
                z=opened.v,
                y=labels,
                colorscale="RdBu",
                zmid=0,
                showscale=False,
                hovertemplate="%{y}, "
                + _("dim {dim}: {value}").format(dim="%{x}", value="%{z:.3f}")
                + "<extra></extra>",
            ),
            1,
            1,
        )
        fig.add_trace(_bars(opened.head_output[query], ORANGE), 1, 2)
        fig.update_yaxes(autorange="reversed", row=1, col=1)
        title = _("the head's output for {token}: the values averaged with its weights ({count} numbers)").format(
            token=name, count=opened.d_head
        )
    elif stage == "attention block":
        fig = make_subplots(
            3,
            1,
            shared_xaxes=True,
            vertical_spacing=0.08,
            subplot_titles=(_("x (the input)"), _("all heads · W_O"), _("layer norm(x + all heads · W_O)")),
        )
        for row, values in enumerate((opened.x[query], opened.projected[query], opened.attention_norm[query]), 1):
            fig.add_trace(_bars(values, GREEN if row == 3 else BLUE), row, 1)
        title = _("the {heads} heads joined, projected, added to x and normalised ({order})").format(
            heads=opened.num_heads, order=_(opened.norm_order)
        )
    elif stage == "feed-forward":
        fig = make_subplots(
            2,
            1,
            vertical_spacing=0.22,  # room for the first panel's ticks and the second's title
            subplot_titles=(
                _("{activation}(x·W_1): {count} hidden units").format(
                    activation=opened.activation, count=opened.ffn_activation.shape[1]
                ),
                _("the layer's output"),
            ),
        )
        fig.add_trace(_bars(opened.ffn_activation[query], ORANGE), 1, 1)
        fig.add_trace(_bars(opened.layer_output[query], GREEN), 2, 1)
        title = _("the feed-forward block, its residual and layer norm: {token} leaves {where}").format(
            token=name, where=where
        )
    else:
        raise ValueError(f"Unknown stage {stage!r}; one of {', '.join(STAGES)}.")
    fig.update_layout(showlegend=False, bargap=0.1)
    return base_layout(fig, title=title, height=height)


def _row_title(opened: OpenedLayer, query: int, stage: str) -> str:
    name = plotly_literal(token_name(opened, query))
    if stage == "scores":
        return _("raw scores q·k: {token} against every key").format(token=name)
    if stage == "scaled":
        return _("scaled scores q·k ÷ √{d_head} = ÷ {scale:.2f} ({token})").format(
            d_head=opened.d_head, scale=opened.scale, token=name
        )
    return _("softmax: the weights {token} gives every key (they sum to 1)").format(token=name)


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
            {"label": _("▶ play: every query"), "method": "animate", "args": [None, {**animate, "fromcurrent": True}]},
            {"label": _("❚❚ pause"), "method": "animate", "args": [[None], {**animate, "frame": {"duration": 0}}]},
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
        if opened.layer == 1:
            template = _(
                "{token} enters layer {layer} as {count} numbers (its token, position and token-type embeddings "
                "summed, then layer-normalised); their length is {length:.1f}."
            )
        else:
            template = _("{token} enters layer {layer} as {count} numbers; their length is {length:.1f}.")
        return template.format(token=name, layer=opened.layer, count=len(x), length=np.linalg.norm(x))
    if stage == "q":
        return _(
            "Multiplying x by this head's query matrix W_Q gives q, {count} numbers saying what {token} "
            "looks for; every token also gets a key k (what it offers) and a value v (what it passes on)."
        ).format(count=opened.d_head, token=name)
    if stage == "scores":
        return _(
            "The dot product q·k with every key scores how well each token matches: the largest is {score:.2f}, "
            "for {key}."
        ).format(score=row[top], key=token_name(opened, top))
    if stage == "scaled":
        return _(
            "Each score is divided by √{d_head} = {scale:.2f} so the softmax does not saturate: "
            "{score:.2f} becomes {scaled:.2f}."
        ).format(d_head=opened.d_head, scale=opened.scale, score=row[top], scaled=opened.scaled[query, top])
    if stage == "softmax":
        return _(
            "The softmax turns the scaled scores into weights that are positive and sum to 1: "
            "{key} gets the most, {weight:.3f}."
        ).format(key=token_name(opened, heaviest), weight=opened.weights[query, heaviest])
    if stage == "weighted sum":
        return _(
            "The head's output is the weighted sum of the {count} value vectors: "
            "{d_head} numbers of length {length:.2f}."
        ).format(count=len(row), d_head=opened.d_head, length=np.linalg.norm(opened.head_output[query]))
    if stage == "attention block":
        return _(
            "All {heads} heads' outputs are joined ({count} numbers), projected by "
            "W_O, added back to x (the residual) and layer-normalised."
        ).format(heads=opened.num_heads, count=opened.all_heads.shape[1])
    moved = 1 - float(x @ opened.layer_output[query] / (np.linalg.norm(x) * np.linalg.norm(opened.layer_output[query])))
    return _(
        "A feed-forward block ({count} {activation} units) works on each token "
        "alone, then residual and layer norm again: the output is 1 − cos = {moved:.3f} away from x."
    ).format(count=opened.ffn_activation.shape[1], activation=opened.activation, moved=moved)


def position_maps(maps: PositionMaps, height: int = HEIGHT) -> go.Figure:
    """The learned position embeddings' cosine map beside the sinusoidal encoding's, same d."""
    fig = make_subplots(
        1,
        2,
        horizontal_spacing=0.08,
        subplot_titles=(
            _("learned by the model"),  # short: two maps share a half-width lesson column
            _("sinusoidal (§3.5), d = {d}").format(d=maps.d),
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
                hovertemplate=_("positions {first} and {second}: cos {cos}").format(
                    first="%{y}", second="%{x}", cos="%{z:.2f}"
                )
                + "<extra></extra>",
            ),
            1,
            col,
        )
        fig.update_yaxes(  # the right map's rows are the same positions: its tick labels would sit on the left map
            autorange="reversed",
            title_text=_("position") if col == 1 else None,
            showticklabels=col == 1,
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text=_("position"), row=1, col=col)
    return base_layout(fig, title=_("Cosine similarity of every pair of positions"), height=height)


def order_swap(swap: OrderSwap, height: int = HEIGHT) -> go.Figure:
    """How far each word's final vector moves when two words swap, with and without position embeddings."""
    labels = word_labels(swap.words)
    fig = go.Figure(
        [
            go.Bar(name=_("with position embeddings"), x=labels, y=swap.moved_with, marker_color=BLUE),
            go.Bar(name=_("without them"), x=labels, y=swap.moved_without, marker_color=ORANGE),
        ]
    )
    fig.update_traces(hovertemplate="%{x}: 1 − cos = %{y:.2e}<extra></extra>")
    fig.update_yaxes(title_text=_("1 − cos (0 = unmoved)"))
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    title = _("Words {first} and {second} swapped: how far each word's final vector moved").format(
        first=swap.first, second=swap.second
    )
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
    fig.update_yaxes(title_text=_("1 − cos (0 = unmoved)"))
    chosen = _("; ").join(
        _("layer {layer}: heads {heads}").format(layer=k, heads=", ".join(map(str, sorted(h))))
        for k, h in sorted(result.heads_off.items())
    )
    title = _("How far each word's final vector moved ({heads} off)").format(heads=chosen or _("no head"))
    return base_layout(fig, title=title, height=HEIGHT)
