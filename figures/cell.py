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
from i18n import N_, _

CELL_PARTS = ("c(t-1)", "f", "i", "g", "o", "c(t)", "h")
FRAME_CAP = 200  # frames sent at once; see `frame_window`
CONTEXT = 14  # tokens shown either side of the one being read
GATE_COLUMNS = (1, 2, 3, 4)  # f, i, g, o: bounded, drawn on -1..1
MEMORY_COLUMNS = (0, 5, 6)  # c(t-1), c(t), h: c is unbounded, drawn on its own scale
BUTTONS_Y = -0.12  # play and pause on their own row right under the chart (paper coordinates)...
SLIDER_Y = -0.3  # ...and the step slider below them, across the whole width: never on it (issue 23)
GUESS_LABELS = (N_("next character"), N_("next word"), N_("previous word"))  # CellSteps.guess_label's values


class FramedFigure(go.Figure):
    """A plotly figure whose animation frames and slider are kept as built, plain dicts, and added by
    `to_dict` (which `st.plotly_chart` and `plotly.io.to_json` call). Plotly would otherwise validate and
    copy every frame's traces and every slider step: 200 frames took 1.3 s to build that way on this busy
    machine, against about 0.1 s for the figure itself."""

    def __init__(self, figure: go.Figure, frames: list[dict], sliders: list[dict]) -> None:
        super().__init__(figure)
        self._raw_frames, self._raw_sliders = frames, sliders

    def to_dict(self) -> dict:
        spec = super().to_dict()
        spec["layout"]["sliders"] = self._raw_sliders
        return {**spec, "frames": self._raw_frames}


@dataclass
class CellSteps:
    """What the cell view draws, for every step of a text (T steps, U units, k guesses).

    values `[T, 7, U]` in CELL_PARTS order; units: the unit numbers; tokens `[T]`; guesses `[T][k]`
    token strings with `guess_probs` `[T, k]`; following `[T]`: the token that really comes next ("" at the
    end); `guess_label`: what the guesses are ("next character", "previous word", ...), in English: the figure
    translates it (`i18n._`) where it is shown.
    """

    values: np.ndarray
    units: Sequence[int]
    tokens: Sequence[str]
    guesses: Sequence[Sequence[str]]
    guess_probs: np.ndarray
    following: Sequence[str]
    guess_label: str = N_("next character")
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
    follows = (
        _("{guess_label} really: {token}").format(guess_label=_(cell.guess_label), token=repr(visible(nxt)))
        if nxt
        else _("end of the text")
    )
    text = _("step {step} of {last} · reading {token} · {follows}").format(
        step=t, last=cell.steps - 1, token=repr(visible(cell.tokens[t])), follows=follows
    )
    return plotly_text([text])[0] + "<br><sup>" + plotly_text([_context(cell, t)])[0] + "</sup>"


def _frame_data(cell: CellSteps, t: int) -> list[dict]:
    """Per unit a gates bar trace (f, i, g, o) and a memory bar trace (c(t-1), c(t), h), then the guesses.

    Plain dicts of Python numbers (5 decimals): a frame is sent as it is, without plotly's validation,
    which costs more than everything else in a 200-frame figure."""
    bars = []
    for k in range(len(cell.units)):
        for columns in (GATE_COLUMNS, MEMORY_COLUMNS):
            values = np.round(cell.values[t, list(columns), k].astype(np.float64), 5).tolist()
            bars.append({"type": "bar", "y": values, "text": [f"{v:.2f}" for v in values]})
    labels = [visible(g) for g in cell.guesses[t]]
    probs = np.round(np.asarray(cell.guess_probs[t], np.float64), 5).tolist()
    bars.append(
        {
            "type": "bar",
            "x": probs,
            "text": plotly_text([f"{lab!r} {q:.2f}" if lab else "" for lab, q in zip(labels, probs, strict=True)]),
            "marker": {"color": ["#16a34a" if g and g == cell.following[t] else "#9ca3af" for g in cell.guesses[t]]},
        }
    )
    return bars


def cell_view(cell: CellSteps, active: int, cap: int = FRAME_CAP) -> go.Figure:
    """The cell at step `active`, with animation frames for the steps of `frame_window` around it."""
    first, last = frame_window(cell.steps, active, cap)
    active = min(max(active, first), last - 1)
    k = cell.guess_probs.shape[1]
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.36, 0.32, 0.32],
        horizontal_spacing=0.07,
        subplot_titles=(
            _("gates"),
            _("memory and output"),
            _("top {count} guesses: {guess_label}").format(count=k, guess_label=_(cell.guess_label)),
        ),
    )
    data = [go.Bar({k: v for k, v in bar.items() if k != "type"}) for bar in _frame_data(cell, active)]
    for n, unit in enumerate(cell.units):
        colour = QUALITATIVE[n % len(QUALITATIVE)]
        for part, (columns, col) in enumerate(((GATE_COLUMNS, 1), (MEMORY_COLUMNS, 2))):
            data[2 * n + part].update(
                x=[CELL_PARTS[c] for c in columns],
                name=_("unit {unit}").format(unit=unit),
                legendgroup=str(unit),
                showlegend=part == 0,
                marker_color=colour,
                textposition="outside",
                textfont={"size": 11},
                cliponaxis=False,
                hovertemplate=_("unit {unit}").format(unit=unit) + "<br>%{x} = %{y:.4f}<extra></extra>",
            )
            fig.add_trace(data[2 * n + part], 1, col)
    data[-1].update(
        y=[f"{r + 1}" for r in range(k)],
        orientation="h",
        textposition="outside",
        textangle=0,
        textfont={"size": 13},
        cliponaxis=False,
        showlegend=False,
        hovertemplate=_("guess {rank}: p = {p}").format(rank="%{y}", p="%{x:.3f}") + "<extra></extra>",
    )
    fig.add_trace(data[-1], 1, 3)
    memory = cell.values[first:last][:, list(MEMORY_COLUMNS)]
    bound = 1.2 * max(1.0, float(np.abs(memory).max(initial=0)))
    fig.update_yaxes(range=[-1.2, 1.2], zeroline=True, zerolinecolor="#6b7280", title=_("value"), row=1, col=1)
    fig.update_yaxes(range=[-bound, bound], zeroline=True, zerolinecolor="#6b7280", row=1, col=2)
    fig.update_xaxes(type="category", row=1, col=1)
    fig.update_xaxes(type="category", row=1, col=2)
    fig.update_yaxes(autorange="reversed", type="category", row=1, col=3)
    fig.update_xaxes(range=[0, 1.25], title=_("probability"), row=1, col=3)
    traces = list(range(2 * len(cell.units) + 1))
    frames = [
        {"name": str(t), "data": _frame_data(cell, t), "traces": traces, "layout": {"title": {"text": _title(cell, t)}}}
        for t in range(first, last)
    ]
    animate = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    sliders = [
        {
            "active": active - first,
            "currentvalue": {"visible": False},
            "pad": {"t": 10},
            "len": 1.0,  # the whole width: the play/pause buttons sit on their own row above it
            "x": 0.0,
            "y": SLIDER_Y,
            "yanchor": "top",
            "steps": [{"label": str(t), "method": "animate", "args": [[str(t)], animate]} for t in range(first, last)],
        }
    ]
    fig.update_layout(
        barmode="group",
        legend={"orientation": "h", "y": 1.1, "yanchor": "bottom", "x": 1, "xanchor": "right"},
        uniformtext={"minsize": 10, "mode": "show"},
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": BUTTONS_Y,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {
                        "label": _("▶ play"),
                        "method": "animate",
                        "args": [None, {**animate, "frame": {"duration": 400, "redraw": True}, "fromcurrent": True}],
                    },
                    {"label": _("❚❚ pause"), "method": "animate", "args": [[None], animate]},
                ],
            }
        ],
    )
    base_layout(fig, title=_title(cell, active), height=540)
    fig.update_layout(margin={"t": 120, "b": 190})
    return FramedFigure(fig, frames, sliders)
