"""Figures of the "Why gates?" page: values drawn are the arrays given, user text is shown literally."""

import numpy as np

from figures import memory as F


def test_strip_is_log10_of_influence_relative_to_each_rows_peak():
    influence = {"plain RNN": np.array([1e-8, 1e-3, 0.5, 2.0]), "LSTM": np.array([0.1, 0.2, 0.4, 0.8])}
    fig = F.connectivity_strip(["<b>", "$", "x", "\n"], influence, "&")
    z = np.asarray(fig.data[0].z)
    np.testing.assert_allclose(z[0], np.log10([1e-6, 5e-4, 0.25, 1.0]))  # floored at a millionth
    np.testing.assert_allclose(z[1], np.log10([0.125, 0.25, 0.5, 1.0]))
    assert list(fig.data[0].text[0]) == ["&lt;b&gt;", "&#36;", "x", "↵"]
    assert "'&amp;'" in fig.layout.title.text


def test_influence_by_distance_starts_at_the_prediction():
    fig = F.influence_by_distance({"plain RNN": np.array([0.01, 0.1, 1.0]), "LSTM": np.array([0.5, 1.0, 0.5])})
    np.testing.assert_allclose(fig.data[0].y, [1.0, 0.1, 0.01])
    np.testing.assert_allclose(fig.data[1].y, [0.5, 1.0, 0.5])
    assert list(fig.data[0].x) == [0, 1, 2] and fig.layout.yaxis.type == "log"


def test_memory_curve_points_carry_their_distance_and_text_index():
    p = {"plain RNN": np.array([[0.1, 0.2], [0.3, 0.4]]), "LSTM": np.array([[0.5, 0.6], [0.7, 0.8]])}
    fig = F.memory_curve([5, 50], p, np.full((2, 2), 0.05))
    points, mean = fig.data[2], fig.data[3]
    np.testing.assert_allclose(points.y, [0.5, 0.6, 0.7, 0.8])
    assert np.asarray(points.customdata).tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    np.testing.assert_allclose(points.x, [5, 5, 50, 50])
    np.testing.assert_allclose(mean.y, [0.55, 0.75])
    np.testing.assert_allclose(fig.data[4].y, [0.05, 0.05])


def test_gradient_paths_put_distance_zero_first():
    fig = F.gradient_paths(np.array([0.2, 0.5, 1.0]), "unit 3 (layer 1)", np.array([1e-4, 0.1, 1.0]), np.ones(3))
    np.testing.assert_allclose(fig.data[0].y, [1.0, 0.5, 0.2])
    np.testing.assert_allclose(fig.data[2].y, [1.0, 0.1, 1e-4])


def test_gradient_paths_legend_sits_below_the_plot_where_it_crosses_no_line():
    """The legend is outside the plot area (a half-width chart had it across the plain RNN's line): at the
    figure's bottom, under the tick labels and axis title, with a bottom margin holding a row per entry."""
    fig = F.gradient_paths(np.array([0.2, 0.5, 1.0]), "unit 3 (layer 1)", np.array([1e-4, 0.1, 1.0]), np.ones(3))
    legend = fig.layout.legend
    assert (legend.orientation, legend.yref, legend.yanchor, legend.y) == ("h", "container", "bottom", 0)
    assert fig.layout.margin.b >= 60 + F.LEGEND_ROW_PX * len(fig.data)
