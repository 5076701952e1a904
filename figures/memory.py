"""Figures of the "Why gates?" page: connectivity strip, influence by distance, the memory test, the
forget-gate path beside the RNN's gradient, surprisal of both. Pure functions of engine results (plain
arrays and dataclasses); no Streamlit, no torch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from figures.common import OKABE_ITO, base_layout, label, plotly_literal, plotly_text, visible
from i18n import _

FLOOR = 1e-6  # influence below a millionth of the peak is drawn at the floor of the log scale
COLORS = {"plain RNN": OKABE_ITO["vermillion"], "LSTM": OKABE_ITO["blue"]}
DASH = {"plain RNN": "dash", "LSTM": "solid"}
STRIP_TEXT_LIMIT = 120  # characters shown inside the strip's cells (more would not fit)
LEGEND_ROW_PX = 28  # one row of a legend at projector size (20 px text); rows below the axis title


def share_of_peak(values: np.ndarray) -> np.ndarray:
    """`values / max(values)` as measured (no floor): what a sentence may state."""
    values = np.asarray(values, dtype=np.float64)
    peak = values.max() if values.size and values.max() > 0 else 1.0
    return values / peak


def relative(values: np.ndarray) -> np.ndarray:
    """`share_of_peak(values)`, floored at FLOOR: only to keep a log scale finite, never a number to state."""
    return np.maximum(share_of_peak(values), FLOOR)


def connectivity_strip(tokens: Sequence[str], influence: Mapping[str, np.ndarray], next_char: str) -> go.Figure:
    """One row per model over the characters read (`tokens`, the steps 0..t): each cell coloured by
    log10 of that character's influence (‖∂ log p / ∂ input‖) divided by the row's peak."""
    names = list(influence)
    z = np.stack([np.log10(relative(influence[name])) for name in names])  # [models, t+1]
    x = [f"{k + 1}" for k in range(len(tokens))]
    labels = plotly_text([visible(t) for t in tokens])
    hover = [[_("character {number} '{char}'<br>{model}: {share:.2g} of the peak").format(
                number=k + 1, char=labels[k], model=label(name), share=10 ** z[m, k]) for k in range(len(x))]
             for m, name in enumerate(names)]  # fmt: skip
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=[label(name) for name in names],
            zmin=-4,
            zmax=0,
            colorscale="Viridis",
            text=[labels] * len(names) if len(tokens) <= STRIP_TEXT_LIMIT else None,
            texttemplate="%{text}" if len(tokens) <= STRIP_TEXT_LIMIT else None,
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorbar={
                "title": {"text": _("influence<br>(of peak)")},
                "tickvals": [-4, -3, -2, -1, 0],
                "ticktext": ["0.0001", "0.001", "0.01", "0.1", "1"],
            },
        )
    )
    fig.update_xaxes(title=_("character read (counted from 1)"), type="category", showticklabels=len(tokens) <= 60)
    title = _("Influence of each character on predicting '{char}' (log scale)").format(
        char=plotly_literal(visible(next_char))
    )
    return base_layout(fig, title=title, height=230)


def influence_by_distance(influence: Mapping[str, np.ndarray]) -> go.Figure:
    """Influence relative to its peak against distance (characters back from the prediction), log y."""
    fig = go.Figure()
    for name, values in influence.items():
        rel = relative(values)[::-1]  # distance 0 first
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(rel)),
                y=rel,
                name=label(name),
                mode="lines",
                line={"color": COLORS.get(name), "dash": DASH.get(name), "width": 3},
                hovertemplate=_("{model}: {share} of the peak, {distance} characters back").format(
                    model=label(name), share="%{y:.2g}", distance="%{x}"
                )
                + "<extra></extra>",
            )
        )
    fig.add_hline(
        y=0.01, line={"color": "#6b7280", "dash": "dot"},
        annotation_text=_("{percent} of the peak").format(percent="1 %"), annotation_position="bottom right",
    )  # fmt: skip
    fig.update_xaxes(title=_("distance: characters back from the prediction"))
    fig.update_yaxes(
        title=_("influence (of its peak)"), type="log", range=[np.log10(FLOOR), 0.1], dtick=1, exponentformat="power"
    )
    fig.update_layout(legend={"orientation": "h", "y": 1.12, "x": 0})
    return base_layout(fig, title=_("Influence against distance, both models"), height=340)


def gradient_paths(
    forget_product: np.ndarray, unit_label: str, rnn_hidden: np.ndarray, lstm_cell: np.ndarray
) -> go.Figure:
    """Against distance: one LSTM unit's forget-gate product ∏ f (the cell-state path), the LSTM's
    ‖∂ log p / ∂ c‖ and the RNN's ‖∂ log p / ∂ h‖ (each relative to its peak), log y.
    `forget_product` `[t+1]`, `rnn_hidden` and `lstm_cell` `[t+1]` (one layer), step order."""
    series = {
        _("LSTM {unit}: ∏ forget gates").format(unit=label(unit_label)): (
            np.maximum(forget_product, FLOOR),
            OKABE_ITO["blue"],
            "solid",
        ),
        _("LSTM: gradient at the cell state c"): (relative(lstm_cell), OKABE_ITO["sky blue"], "dot"),
        _("plain RNN: gradient at the state h"): (relative(rnn_hidden), OKABE_ITO["vermillion"], "dash"),
    }
    fig = go.Figure()
    for name, (values, color, dash) in series.items():
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(values)),
                y=np.asarray(values, dtype=np.float64)[::-1],
                name=plotly_literal(name),
                mode="lines",
                line={"color": color, "dash": dash, "width": 3},
                hovertemplate=_("{value}, {distance} characters back").format(value="%{y:.2g}", distance="%{x}")
                + "<extra></extra>",
            )
        )
    fig.update_xaxes(title=_("distance: characters back from the prediction"))
    fig.update_yaxes(
        title=_("value (gradients: of their peak)"),
        type="log",
        range=[np.log10(FLOOR), 0.1],
        dtick=1,
        exponentformat="power",
    )
    fig.update_layout(  # below the axis title, at the bottom of the figure: it crosses no line whatever the data
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"}
    )
    fig = base_layout(fig, title=_("What carries the gradient back"), height=400)
    # below the tick labels and the axis title (about 60 px), a row per entry: a half-width chart wraps each
    return fig.update_layout(margin={"b": 60 + LEGEND_ROW_PX * len(series)})


def memory_curve(
    distances: Sequence[int], p_quote: Mapping[str, np.ndarray], p_control: np.ndarray | None = None
) -> go.Figure:
    """P(closing quote) against N for each model: one point per probe text (`[D, K]`, clickable:
    customdata = [distance index, text index]) and the mean as a line; `p_control` `[D, K]`
    (the LSTM without the opening quote) as a grey reference line."""
    fig = go.Figure()
    x = np.asarray(distances, dtype=np.float64)
    for name, p in p_quote.items():
        d_index, k_index = np.meshgrid(np.arange(p.shape[0]), np.arange(p.shape[1]), indexing="ij")
        fig.add_trace(
            go.Scatter(
                x=x[d_index.ravel()],
                y=p.ravel(),
                customdata=np.stack([d_index.ravel(), k_index.ravel()], axis=1).tolist(),
                mode="markers",
                name=_("{model}: each text").format(model=label(name)),
                showlegend=False,  # the mean line's entry names the colour; hover names each point's model
                marker={"color": COLORS.get(name), "size": 9, "opacity": 0.55,
                        "symbol": "circle" if name == "LSTM" else "diamond"},
                hovertemplate=_("{model}: P = {p} after {count} characters (click to read)").format(
                    model=label(name), p="%{y:.3f}", count="%{x}"
                )
                + "<extra></extra>",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=x,
                y=p.mean(axis=1),
                mode="lines",
                name=_("{model}: mean").format(model=label(name)),
                line={"color": COLORS.get(name), "dash": DASH.get(name), "width": 3},
                hoverinfo="skip",
            )
        )
    if p_control is not None:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=p_control.mean(axis=1),
                mode="lines",
                name=_("LSTM, no opening quote: mean"),
                line={"color": "#6b7280", "dash": "dot", "width": 2},
                hoverinfo="skip",
            )
        )
    fig.update_xaxes(title=_("N: characters since the opening quote"), type="log", tickvals=list(distances))
    fig.update_yaxes(title=_("P(closing quote next)"), rangemode="tozero")
    fig.update_layout(
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}, clickmode="event+select", dragmode=False
    )
    fig = base_layout(fig, title=_("The memory test: does the model still expect the quote to close?"), height=400)
    # the title at the very top, the legend row between it and the plot (plotly makes room for the legend)
    return fig.update_layout(title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 8}})


def surprisal_pair(tokens: Sequence[str], surprisal: Mapping[str, np.ndarray]) -> go.Figure:
    """Surprisal in bits of each character (from the second on) under each model, on the same text."""
    x = [f"{k + 2}" for k in range(len(tokens) - 1)]
    labels = plotly_text([visible(t) for t in tokens[1:]])
    fig = go.Figure()
    for name, bits in surprisal.items():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.asarray(bits, dtype=np.float64),
                text=labels,
                name=label(name),
                mode="lines+markers",
                line={"color": COLORS.get(name), "dash": DASH.get(name), "width": 2},
                hovertemplate=_("character {number} '{char}'<br>{model}: {bits} bits").format(
                    number="%{x}", char="%{text}", model=label(name), bits="%{y:.2f}"
                )
                + "<extra></extra>",
            )
        )
    fig.update_xaxes(title=_("character (counted from 1)"), type="category", showticklabels=len(tokens) <= 60)
    fig.update_yaxes(title=_("surprisal (bits)"), rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": 1.15, "x": 0}, hovermode="x unified")
    return base_layout(fig, title=_("Surprisal of each character under both models"), height=340)
