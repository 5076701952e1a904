"""Projector mode throughout (issue 23): the same colour meaning as normal mode, integer head and layer axes,
numbers in cells and on bars at projector size, the play/pause buttons off the step slider. Each test failed
on the code before issue 23."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from figures.attention import attention_heatmap, heads_grid
from figures.cell import CellSteps, cell_view
from figures.common import PROJECTOR_FONT_PX, SEQUENTIAL, projector
from figures.lstm import gates_heatmap

MIN_PX = 18


def test_a_gate_heatmap_keeps_its_colour_scale_so_dark_means_keeps_memory_in_both_modes():
    normal = gates_heatmap(np.random.default_rng(0).random((5, 3)), list("abcde"), [0, 1, 2], "f", title="f")
    before = normal.data[0].colorscale
    shown = projector(go.Figure(normal))
    assert shown.data[0].colorscale == before
    assert before[-1][1] == go.Figure(go.Heatmap(colorscale=SEQUENTIAL)).data[0].colorscale[-1][1]  # darkest = 1


def test_attention_weights_keep_their_colour_scale_in_projector_mode():
    fig = attention_heatmap(np.eye(3), list("abc"), list("abc"), title="t")
    before = fig.data[0].colorscale
    assert projector(fig).data[0].colorscale == before


def test_the_heads_grid_keeps_one_integer_tick_per_head_and_layer_in_projector_mode():
    fig = projector(heads_grid(np.random.default_rng(0).random((6, 12)), "max"))
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.tickmode == "linear" and axis.dtick == 1  # never 0.5, 1, 1.5 ... 12.5
    assert fig.layout.xaxis.tickfont.size >= MIN_PX


def test_numbers_in_heatmap_cells_and_on_bars_reach_projector_size():
    heat = go.Figure(go.Heatmap(z=[[0.1, 0.2]], texttemplate="%{z:.2f}", textfont={"size": 10}))
    bars = go.Figure(go.Bar(y=[1, 2], text=["1", "2"]), layout={"uniformtext": {"minsize": 10, "mode": "show"}})
    plain = go.Figure(go.Bar(y=[1, 2]))
    assert projector(heat).data[0].textfont.size >= MIN_PX
    shown = projector(bars)
    assert shown.data[0].textfont.size >= MIN_PX and shown.layout.uniformtext.minsize >= MIN_PX
    assert shown.layout.uniformtext.mode == "hide"  # a label too wide for its bar is left out, never overlapping
    assert projector(plain).data[0].textfont.size is None  # no text, nothing to enlarge
    wide = go.Figure(go.Heatmap(z=np.zeros((2, 60)), texttemplate="%{z:.1f}"))
    assert projector(wide).data[0].texttemplate == ""  # 60 columns cannot hold 20 px text: colours and hover only


def _cell(steps: int = 6) -> CellSteps:
    values = np.random.default_rng(1).uniform(-1, 1, (steps, 7, 2))
    tokens = list("abcdef")[:steps]
    guesses = [["x", "y"] for _ in tokens]
    return CellSteps(values, [0, 1], tokens, guesses, np.full((steps, 2), 0.5), [*tokens[1:], ""])


def test_play_and_pause_sit_on_their_own_row_above_the_step_slider():
    spec = cell_view(_cell(), 2).to_dict()
    slider, buttons = spec["layout"]["sliders"][0], fig_buttons(spec)
    assert slider["x"] == 0 and slider["len"] == 1  # the slider spans the width: nothing beside it
    assert slider["y"] < buttons["y"] - 0.1  # the slider is a row lower than the buttons, never beside them
    projected = projector(cell_view(_cell(), 2))
    assert projected.layout.font.size == PROJECTOR_FONT_PX


def fig_buttons(spec: dict) -> dict:
    return spec["layout"]["updatemenus"][0]
