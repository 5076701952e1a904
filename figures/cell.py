"""One LSTM cell at step t, drawn from the model's own values, as client-side plotly animation frames.

Left: for each chosen unit, c_{t-1}, f_t, i_t, g_t, o_t, c_t and h_t as bars (fill levels) with their
numbers (c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t, h_t = o_t ⊙ tanh(c_t); Hochreiter & Schmidhuber 1997).
Right: the model's top guesses for what comes next, the actual next one in green. The title names the
step, the token being read in its context, and what really follows. Play/pause and the slider run
in the browser: stepping through the frames never contacts the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.common import QUALITATIVE, base_layout, plotly_text, visible

CELL_PARTS = ("c(t-1)", "f", "i", "g", "o", "c(t)", "h")
FRAME_CAP = 200  # frames sent at once; see `frame_window`
CONTEXT = 14  # tokens shown either side of the one being read


@dataclass
class CellSteps:
    """What the cell view draws, for every step of a text (T steps, U units, k guesses).

    values `[T, 7, U]` in CELL_PARTS order; units: the unit numbers; tokens `[T]`; guesses `[T][k]`
    token strings with `guess_probs` `[T, k]`; following `[T]`: the token that really comes next ("" at the
    end); `guess_label`: what the guesses are ("next character", "previous word", ...).
    """

    values: np.ndarray
    units: Sequence[int]
    tokens: Sequence[str]
    guesses: Sequence[Sequence[str]]
    guess_probs: np.ndarray
    following: Sequence[str]
    guess_label: str = "next character"
    joiner: str = ""

    @property
    def steps(self) -> int:
        return len(self.tokens)


def frame_window(steps: int, active: int, cap: int = FRAME_CAP) -> tuple[int, int]:
    """The [first, last) steps sent as frames: at most `cap`, with `active` inside, centred where possible.

    The cap keeps the figure small (one frame is ~0.5 kB of JSON per unit shown) and the slider legible (one
    tick per frame across the chart's width); the step buttons move the window along a longer text."""
    if steps <= cap:
        return 0, steps
    first = min(max(0, active - cap // 2), steps - cap)
    return first, first + cap


def _context(cell: CellSteps, t: int) -> str:
    before = cell.joiner.join(visible(s) for s in cell.tokens[max(0, t - CONTEXT) : t])
    after = cell.joiner.join(visible(s) for s in cell.tokens[t + 1 : t + 1 + CONTEXT])
    return f"…{before}[{visible(cell.tokens[t])}]{after}…"


def _title(cell: CellSteps, t: int) -> str:
    nxt = cell.following[t]
    follows = f"{cell.guess_label} really: {visible(nxt)!r}" if nxt else "end of the text"
    text = f"step {t} of {cell.steps - 1} · reading {visible(cell.tokens[t])!r} · {follows}"
    return plotly_text([text])[0] + "<br><sup>" + plotly_text([_context(cell, t)])[0] + "</sup>"


def _frame_data(cell: CellSteps, t: int) -> list[go.Bar]:
    bars = [
        go.Bar(
            y=cell.values[t, :, k],
            text=[f"{v:+.3f}" for v in cell.values[t, :, k]],
        )
        for k in range(len(cell.units))
    ]
    labels = [visible(g) for g in cell.guesses[t]]
    colours = ["#16a34a" if g == cell.following[t] else "#9ca3af" for g in cell.guesses[t]]
    bars.append(
        go.Bar(
            x=cell.guess_probs[t],
            text=[f"{lab!r} {p:.2f}" for lab, p in zip(labels, cell.guess_probs[t], strict=True)],
            marker={"color": colours},
        )
    )
    return bars


def cell_view(cell: CellSteps, active: int, cap: int = FRAME_CAP) -> go.Figure:
    """The cell at step `active`, with animation frames for the steps of `frame_window` around it."""
    first, last = frame_window(cell.steps, active, cap)
    active = min(max(active, first), last - 1)
    k = cell.guess_probs.shape[1]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.64, 0.36],
        horizontal_spacing=0.1,
        subplot_titles=("the cell: fill levels and values", f"top {k} guesses: {cell.guess_label}"),
    )
    for n, (unit, bar) in enumerate(zip(cell.units, _frame_data(cell, active)[:-1], strict=True)):
        bar.update(
            x=list(CELL_PARTS),
            name=f"unit {unit}",
            marker_color=QUALITATIVE[n % len(QUALITATIVE)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"unit {unit}<br>" + "%{x} = %{y:.4f}<extra></extra>",
        )
        fig.add_trace(bar, 1, 1)
    guesses = _frame_data(cell, active)[-1]
    guesses.update(
        y=[f"{r + 1}" for r in range(k)],
        orientation="h",
        textposition="auto",
        showlegend=False,
        hovertemplate="guess %{y}: p = %{x:.3f}<extra></extra>",
    )
    fig.add_trace(guesses, 1, 2)
    window = cell.values[first:last]
    bound = 1.15 * max(1.0, float(np.abs(window).max(initial=0)))
    fig.update_yaxes(range=[-bound, bound], zeroline=True, zerolinecolor="#6b7280", title="value", row=1, col=1)
    fig.update_xaxes(type="category", row=1, col=1)
    fig.update_yaxes(autorange="reversed", type="category", row=1, col=2)
    fig.update_xaxes(range=[0, 1], title="probability", row=1, col=2)
    traces = list(range(len(cell.units) + 1))
    fig.frames = [
        go.Frame(name=str(t), data=_frame_data(cell, t), traces=traces, layout={"title.text": _title(cell, t)})
        for t in range(first, last)
    ]
    animate = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    fig.update_layout(
        barmode="group",
        legend={"orientation": "h", "y": -0.12, "x": 0},
        sliders=[
            {
                "active": active - first,
                "currentvalue": {"prefix": "step ", "font": {"size": 13}},
                "pad": {"t": 60},
                "len": 0.9,
                "x": 0.1,
                "steps": [
                    {"label": str(t), "method": "animate", "args": [[str(t)], animate]} for t in range(first, last)
                ],
            }
        ],
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.28,
                "xanchor": "left",
                "showactive": False,
                "buttons": [
                    {
                        "label": "▶ play",
                        "method": "animate",
                        "args": [None, {**animate, "frame": {"duration": 400, "redraw": True}, "fromcurrent": True}],
                    },
                    {"label": "❚❚ pause", "method": "animate", "args": [[None], animate]},
                ],
            }
        ],
    )
    base_layout(fig, title=_title(cell, active), height=560)
    return fig.update_layout(margin={"t": 110, "b": 140})
