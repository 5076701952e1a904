"""The quoted spans marked on the LSTM gates page's charts (issue 23: "quoted spans are not marked")."""

from __future__ import annotations

import numpy as np

from figures.lstm import gates_heatmap, marked_runs, unit_lines


def test_marked_runs_and_the_quote_marks_on_the_unit_chart():
    assert marked_runs([False, True, True, False, True]) == [(1, 2), (4, 4)]
    assert marked_runs([]) == [] and marked_runs(None) == []

    class View:
        c = h = i = f = o = np.zeros((5, 2))

        def get(self, q):
            return getattr(self, q)

    fig = unit_lines(View(), 0, [f"{k}:x" for k in range(5)], marked=[False, True, True, False, True])
    shaded = [s for s in fig.layout.shapes if s.y1 == 1.0 and s.opacity]
    assert [(s.x0, s.x1) for s in shaded] == [(0.5, 2.5), (3.5, 4.5)]


def test_the_heatmap_gets_a_band_over_each_marked_run_and_keeps_its_colours_clear():
    fig = gates_heatmap(np.zeros((5, 2)), [f"{k}:x" for k in range(5)], [0, 1], "c", title="c", marked=[0, 1, 1, 0, 0])
    assert [(s.x0, s.x1, s.y0) for s in fig.layout.shapes] == [(0.5, 2.5, 1.0)]  # above the plot, not over it
    assert gates_heatmap(np.zeros((5, 2)), list("abcde"), [0, 1], "c", title="c").layout.shapes == ()
