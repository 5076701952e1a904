"""The one-pass panel layouts match what plotly's own `make_subplots` lays out (issue 18: the figures are
built without it because adding traces to its grid one by one cost most of a warm rerun)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from plotly.subplots import make_subplots

from figures import lstm, senses
from figures.common import panel_row


def _axes(layout: dict) -> dict:
    return {k: {f: v[f] for f in ("domain", "anchor") if f in v} for k, v in layout.items() if k[1:5] == "axis"}


@pytest.mark.parametrize(("count", "gap"), [(1, 0.03), (3, 0.06), (4, 0.03)])
def test_panel_row_is_make_subplots_row(count, gap):
    titles = [f"panel {k}" for k in range(count)]
    reference = make_subplots(rows=1, cols=count, subplot_titles=titles, horizontal_spacing=gap).to_dict()["layout"]
    axes, annotations = panel_row(titles, gap)
    assert _axes(axes).keys() == _axes(reference).keys()
    for name, axis in _axes(reference).items():
        assert axes[name]["anchor"] == axis["anchor"]
        assert np.allclose(axes[name]["domain"], axis["domain"])
    for ours, theirs in zip(annotations, reference["annotations"], strict=True):
        assert ours["text"] == theirs["text"] and np.isclose(ours["x"], theirs["x"]) and ours["y"] == theirs["y"]


def test_layer_maps_and_saturation_put_each_panel_on_its_axes():
    coords = np.random.default_rng(0).normal(size=(6, 2))
    fig = senses.layer_maps([("a", coords), ("b", coords * 2)], list("aabbab"), list("012345"), selected=1)
    panel_b = [t for t in fig.data if t.xaxis == "x2" and t.customdata is not None]
    assert sorted(np.concatenate([t.x for t in panel_b])) == sorted(coords[:, 0] * 2)
    summary = {g: (np.full(4, 0.1), np.full(4, 0.2)) for g in "ifo"}
    sat = lstm.saturation_scatter([summary, summary], ["layer 1", "layer 2"])
    assert [t.xaxis for t in sat.data].count("x3") == 3 and [a.text for a in sat.layout.annotations][
        2
    ] == "output gate o"


def test_unit_lines_share_the_step_axis_like_make_subplots():
    steps, units = 5, 3
    view = SimpleNamespace(**{q: np.random.default_rng(1).random((steps, units)) for q in "ifoch"})
    view.get = lambda q: getattr(view, q)
    layout = lstm.unit_lines(view, 2, list("abcde")).to_dict()["layout"]
    reference = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08).to_dict()["layout"]
    for name, axis in _axes(reference).items():
        assert layout[name]["anchor"] == axis["anchor"] and np.allclose(layout[name]["domain"], axis["domain"])
    assert layout["xaxis"]["matches"] == "x2" and layout["xaxis"]["showticklabels"] is False


def test_layer_map_titles_sit_above_the_frame_on_white_so_no_frame_line_crosses_them():
    """Issue 23: at projector size the panels' top frame lines ran through their titles."""
    coords = np.arange(12, dtype=float).reshape(6, 2)
    fig = senses.layer_maps([("embeddings", coords), ("layer 1", coords)], list("aabbab"), list("012345"))
    titles = [a for a in fig.layout.annotations if a.text in {"embeddings", "layer 1"}]
    assert len(titles) == 2
    for title in titles:
        assert title.yanchor == "bottom" and title.y >= 1.0 and title.yshift >= 4 and title.bgcolor == "white"
