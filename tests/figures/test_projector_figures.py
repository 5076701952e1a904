"""`figures.common.projector` on the new pages' charts: 20 px text, colour scales untouched, also on a shared
colour axis (layout.coloraxis2): a colour means the same in both modes (issue 23)."""

from types import SimpleNamespace

import numpy as np

from figures.common import PROJECTOR_FONT_PX, projector
from figures.compare import sentence_rows
from figures.predictions import surprisal_line


def _view():
    groups = [
        SimpleNamespace(model="ELMo", layers=["L1", "L2"], values=np.array([[1.0, 0.2], [1.0, 0.5]]), what="cosine"),
        SimpleNamespace(model="MiniLM", layers=["attention"], values=np.array([[0.7, 0.3]]), what="attention from"),
    ]
    return SimpleNamespace(word=0, labels=["0:a", "1:b"], groups=groups, special_share=np.array([0.1]), head=None)


def test_projector_keeps_both_shared_colour_scales_and_enlarges_their_bars():
    fig = sentence_rows(_view())
    sequential, diverging = fig.layout.coloraxis2.colorscale, fig.layout.coloraxis.colorscale
    projector(fig)
    assert fig.layout.coloraxis2.colorscale == sequential  # Blues stays Blues: dark = high in both modes
    assert fig.layout.coloraxis.colorscale == diverging  # RdBu stays RdBu
    assert fig.layout.coloraxis.colorbar.tickfont.size == PROJECTOR_FONT_PX


def test_projector_puts_every_tick_at_20_px():
    fig = projector(surprisal_line(list("abc"), np.array([1.0, 2.0, np.nan]), ["", "", ""]))
    assert fig.layout.xaxis.tickfont.size >= 20 and fig.layout.yaxis.tickfont.size >= 20


def test_projector_lets_plotly_space_out_a_long_row_of_labels_and_keeps_a_short_one():
    labels = [f"{k}:a" for k in range(84)]
    long = projector(surprisal_line(labels, np.ones(84), [""] * 84))
    assert long.layout.xaxis.tickmode == "auto" and long.layout.xaxis.nticks == 40
    short = projector(surprisal_line(labels[:10], np.ones(10), [""] * 10))
    assert short.layout.xaxis.tickmode == "linear" and short.layout.xaxis.dtick == 1  # every word labelled


def test_projector_lifts_the_title_above_panel_titles():
    """Panel titles sit just above the plot; at 20 px they ran into the figure's title (seen in the bank lesson)."""
    from figures.senses import layer_maps

    maps = [("layer 0", np.zeros((4, 2))), ("layer 1", np.arange(8.0).reshape(4, 2))]
    fig = layer_maps(maps, ["a", "b", "a", "b"], ["h"] * 4, title="ELMo")
    top = fig.layout.margin.t
    fig = projector(fig)
    assert fig.layout.margin.t >= top + 2 * PROJECTOR_FONT_PX
    assert (fig.layout.title.y, fig.layout.title.yref, fig.layout.title.yanchor) == (1, "container", "top")
