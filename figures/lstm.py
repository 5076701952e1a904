"""Figures for the LSTM gates page: gates over time, one unit's story, saturation, the memory ledger."""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import (
    DIVERGING,
    OKABE_ITO,
    QUALITATIVE,
    SEQUENTIAL,
    base_layout,
    label,
    panel_row,
    plotly_text,
)
from i18n import N_, _

# Okabe-Ito colours, and a dash pattern per gate: no two lines differ by red against green alone
GATE_COLOURS = {
    "i": OKABE_ITO["bluish green"],
    "f": OKABE_ITO["vermillion"],
    "o": OKABE_ITO["reddish purple"],
    "g": OKABE_ITO["orange"],
    "c": OKABE_ITO["blue"],
    "h": OKABE_ITO["black"],
}
GATE_DASHES = {"f": "solid", "i": "dash", "o": "dot", "g": "dashdot", "c": "solid", "h": "dash"}
LINE_NAMES = {  # English, translated where drawn
    "f": N_("forget gate f"),
    "i": N_("input gate i"),
    "o": N_("output gate o"),
    "c": N_("cell state c"),
    "h": N_("output h"),
}


def value_range(quantity: str, values: np.ndarray) -> tuple[float, float, str]:
    """zmin, zmax and colour scale: gates 0..1 (sequential), g and h -1..1, c symmetric around 0 up to its 98th
    percentile of |c| (larger values get the end colour)."""
    if quantity in ("i", "f", "o"):
        return 0.0, 1.0, SEQUENTIAL
    if quantity in ("g", "h"):
        bound = max(1.0, float(np.abs(values).max(initial=0))) if quantity == "h" else 1.0
        return -bound, bound, DIVERGING
    # c is unbounded and a few steps can reach ±20: scale the colours to the 98th percentile of |c| so the
    # common values stay visible (issue 23: a quote unit at +1.7 drew nearly white); hover keeps the exact value
    magnitudes = np.abs(values)
    bound = float(np.percentile(magnitudes, 98)) if magnitudes.size else 0.0
    return -(bound or 1.0), bound or 1.0, DIVERGING


MARK_COLOUR = OKABE_ITO["yellow"]


def marked_runs(marked: Sequence[bool] | None) -> list[tuple[int, int]]:
    """The runs of consecutive marked steps, as (first, last) step indices: [F, T, T, F, T] -> [(1, 2), (4, 4)]."""
    if marked is None:
        return []
    flags = np.asarray(marked, dtype=bool)
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True))


def mark_steps(fig: go.Figure, marked: Sequence[bool] | None, *, xref: str = "x", band_only: bool = False) -> None:
    """Mark the marked steps (e.g. inside "double quotes") of a category step axis: a yellow band above
    the plot and, unless `band_only` (a heatmap, whose colours it would hide), a light shade behind it."""
    for first, last in marked_runs(marked):
        x0, x1 = first - 0.5, last + 0.5  # category positions: step k sits at x = k
        fig.add_shape(type="rect", xref=xref, yref="paper", x0=x0, x1=x1, y0=1.0, y1=1.025, line_width=0,
                      fillcolor=MARK_COLOUR)  # fmt: skip
        if not band_only:
            fig.add_shape(type="rect", xref=xref, yref="paper", x0=x0, x1=x1, y0=0.0, y1=1.0, line_width=0,
                          fillcolor=MARK_COLOUR, opacity=0.25, layer="below")  # fmt: skip


def gates_heatmap(
    values: np.ndarray,
    step_labels: Sequence[str],
    units: Sequence[int],
    quantity: str,
    *,
    title: str,
    marked: Sequence[bool] | None = None,
) -> go.Figure:
    """`values` `[T, len(units)]` as units (rows) × steps (columns); `marked` `[T]` steps get a yellow band above."""
    zmin, zmax, scale = value_range(quantity, values)
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(values, dtype=np.float32).T,
            x=plotly_text(step_labels),
            y=[_("unit {unit}").format(unit=u) for u in units],
            colorscale=scale,
            zmin=zmin,
            zmax=zmax,
            zmid=0.0 if scale == DIVERGING else None,
            colorbar={"title": {"text": quantity, "side": "right"}, "thickness": 14},
            hovertemplate=_("step {step}").format(step="%{x}")
            + "<br>%{y}<br>"
            + quantity
            + " = %{z:.4f}<extra></extra>",
        )
    )
    every_label = {"tickmode": "linear", "dtick": 1} if len(step_labels) <= 120 else {}
    fig.update_xaxes(type="category", tickangle=-90, tickfont={"size": 11}, title=_("step"), **every_label)
    fig.update_yaxes(
        type="category", autorange="reversed", tickfont={"size": 11}, **({"dtick": 1} if len(units) <= 48 else {})
    )
    height = int(min(1200, max(320, 140 + 14 * len(units))))
    mark_steps(fig, marked, band_only=True)
    return base_layout(fig, title=label(title), height=height)


def unit_lines(view, unit: int, step_labels: Sequence[str], marked: Sequence[bool] | None = None) -> go.Figure:
    """One unit over the text: its gates (0..1) above, its cell state and output below (one shared
    step axis, laid out in one pass as `make_subplots(rows=2, shared_xaxes=True)` would); `marked` `[T]`
    steps (the quoted spans by default) shaded yellow in both panels."""
    x = plotly_text(step_labels)
    names = {q: _(name) for q, name in LINE_NAMES.items()}
    traces = [_line(x, view.get(q)[:, unit], names[q], q, "x", "y") for q in ("f", "i", "o")]
    traces += [_line(x, view.get(q)[:, unit], names[q], q, "x2", "y2") for q in ("c", "h")]
    every_label = {"tickmode": "linear", "dtick": 1} if len(x) <= 120 else {}
    steps = {"type": "category", "tickangle": -90, "tickfont": {"size": 11}, **every_label}
    layout = {
        "xaxis": {**steps, "anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False},
        "xaxis2": {**steps, "anchor": "y2", "domain": [0.0, 1.0]},
        "yaxis": {"anchor": "x", "domain": [0.54, 1.0], "range": [-0.05, 1.05], "title": {"text": _("gate")}},
        "yaxis2": {
            "anchor": "x2",
            "domain": [0.0, 0.46],
            "title": {"text": _("state")},
            "zeroline": True,
            "zerolinecolor": "#9ca3af",
        },
        "legend": {"orientation": "h", "y": 1.08, "x": 0},
        "hovermode": "x unified",
    }
    fig = go.Figure(data=traces, layout=layout)
    mark_steps(fig, marked)  # both panels share one step axis and the full height
    return base_layout(fig, title=_("Unit {unit} over the text (yellow: marked steps)").format(unit=unit), height=460)


def _line(x, y, name: str, quantity: str, xaxis: str = "x", yaxis: str = "y") -> go.Scatter:
    return go.Scatter(
        x=x,
        y=np.asarray(y, dtype=np.float32),
        name=name,
        mode="lines",
        line={"color": GATE_COLOURS[quantity], "width": 2, "dash": GATE_DASHES[quantity]},
        xaxis=xaxis,
        yaxis=yaxis,
    )


def ledger(view, unit: int, step_labels: Sequence[str]) -> go.Figure:
    """The memory ledger of one unit: c_t = f_t c_{t-1} (kept) + i_t g_t (written), at every step."""
    x = plotly_text(step_labels)
    fig = go.Figure(
        [
            go.Bar(x=x, y=view.kept[:, unit], name=_("kept: f·c(t-1)"), marker_color=OKABE_ITO["sky blue"]),
            go.Bar(x=x, y=view.written[:, unit], name=_("written: i·g"), marker_color=OKABE_ITO["orange"]),
            go.Scatter(
                x=x, y=view.c[:, unit], name=_("cell state c"), mode="lines+markers", line={"color": OKABE_ITO["black"]}
            ),
        ]
    )
    every_label = {"tickmode": "linear", "dtick": 1} if len(x) <= 120 else {}
    fig.update_xaxes(type="category", tickangle=-90, tickfont={"size": 11}, **every_label)
    fig.update_layout(barmode="relative", legend={"orientation": "h", "y": 1.1, "x": 0}, hovermode="x unified")
    return base_layout(
        fig, title=_("Unit {unit}: what the memory kept and what it wrote").format(unit=unit), height=380
    )


def saturation_scatter(
    per_layer: Sequence[dict[str, tuple[np.ndarray, np.ndarray]]], layer_names: Sequence[str]
) -> go.Figure:
    """Karpathy et al. (2015) Fig. 4: per unit, the fraction of steps each gate is right-saturated
    (> 0.9, x) against left-saturated (< 0.1, y); one panel per gate, one colour per layer."""
    gates = ("i", "f", "o")
    layout, titles = panel_row([_(LINE_NAMES[gate]) for gate in gates], 0.06)
    traces = []
    for column, gate in enumerate(gates, start=1):
        suffix = "" if column == 1 else str(column)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        for k, (summary, name) in enumerate(zip(per_layer, layer_names, strict=True)):
            left, right = summary[gate]
            traces.append(
                go.Scattergl(
                    x=right,
                    y=left,
                    mode="markers",
                    name=label(name),
                    legendgroup=name,
                    showlegend=column == 1,
                    marker={"color": QUALITATIVE[k % len(QUALITATIVE)], "size": 6, "opacity": 0.6},
                    hovertemplate=_("{layer}, unit {unit}<br>right-saturated {right}<br>left-saturated {left}").format(
                        layer=label(name), unit="%{customdata}", right="%{x:.2f}", left="%{y:.2f}"
                    )
                    + "<extra></extra>",
                    customdata=np.arange(len(left)),
                    **axes,
                )
            )
        traces.append(
            go.Scatter(
                x=[0, 1], y=[1, 0], mode="lines", line={"color": "#9ca3af", "dash": "dot"}, showlegend=False, **axes
            )
        )
        layout[f"xaxis{suffix}"].update(range=[-0.02, 1.02], title={"text": _("fraction > 0.9")})
        layout[f"yaxis{suffix}"].update(
            range=[-0.02, 1.02], title={"text": _("fraction < 0.1") if column == 1 else None}
        )
    layout.update(annotations=titles, legend={"orientation": "h", "y": -0.25, "x": 0})
    fig = base_layout(go.Figure(data=traces, layout=layout), height=420)
    return fig.update_layout(margin={"t": 40})  # room for the panel titles


def coloured_text(
    tokens: Sequence[str], values: np.ndarray, *, words: bool, gate: bool = False, highlight: bool = False
) -> str:
    """The text with each step's background coloured by one unit's value (Karpathy's picture of a
    "quote cell"): signed values red (negative) to blue (positive); gates (0..1) white to green;
    `highlight` marks steps yellow (values 0/1). Returns HTML; every character is escaped. Lines wrap between
    words (at the spaces); only a word longer than the line is broken inside."""
    values = np.asarray(values, dtype=np.float64)
    bound = 1.0 if gate or highlight else float(np.abs(values).max(initial=0)) or 1.0
    spans = []
    for token, value in zip(tokens, values, strict=True):
        strength = min(1.0, abs(value) / bound)
        if highlight:
            colour = (250, 204, 21)
        elif gate:
            colour = (22, 163, 74)
        else:
            colour = (37, 99, 235) if value >= 0 else (220, 38, 38)
        shown = html.escape(token).replace("\n", "↵<br>")  # a space stays a space: the line may break there
        spans.append(
            f'<span title="{value:+.4f}" style="background: rgba({colour[0]},{colour[1]},{colour[2]},{strength:.3f});'
            f' padding: 2px 0; border-radius: 2px">{shown}</span>'
        )
    joiner = " " if words else ""
    body = joiner.join(spans)
    return (
        '<div style="font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 17px; line-height: 2.0; '
        f'white-space: pre-wrap; overflow-wrap: break-word; word-break: normal">{body}</div>'
    )
