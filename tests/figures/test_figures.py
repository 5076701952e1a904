"""Figure builders are pure functions: checked on their plotly output, without Streamlit."""

import numpy as np

from figures import attention, lstm, senses
from figures.common import token_labels


def test_token_labels_are_unique_even_for_repeated_tokens():
    labels = token_labels(["the", "bank", "the", " ", "\n"])
    assert labels == ["0:the", "1:bank", "2:the", "3:␣", "4:↵"]
    assert len(set(labels)) == len(labels)


def test_labels_with_angle_brackets_are_escaped_for_plotly():
    fig = attention.attention_heatmap(np.eye(2, dtype=np.float32), ["0:<S>", "1:a&b"], ["0:<S>", "1:a&b"], title="t")
    assert list(fig.data[0].x) == ["0:&lt;S&gt;", "1:a&amp;b"]


def test_attention_heatmap_masks_the_future_for_causal_models():
    matrix = np.tril(np.full((4, 4), 0.25, dtype=np.float32))
    labels = token_labels(list("abcd"))
    causal = attention.attention_heatmap(matrix, labels, labels, title="t", causal=True)
    z = np.asarray(causal.data[0].z, dtype=float)
    assert np.isnan(z[0, 1]) and np.isnan(z[2, 3]) and z[3, 0] == 0.25
    assert causal.layout.plot_bgcolor == "#e5e7eb"
    plain = attention.attention_heatmap(matrix, labels, labels, title="t")
    assert not np.isnan(np.asarray(plain.data[0].z, dtype=float)).any()
    assert "%{z:.7g}" in plain.data[0].hovertemplate  # float32 carries about 7 significant digits


def test_heads_grid_has_one_square_per_head_and_marks_the_selection():
    fig = attention.heads_grid(np.arange(72, dtype=float).reshape(6, 12), "entropy", selected=(4, 6))
    assert len(fig.data[0].x) == 72 and fig.data[0].marker.symbol == "square"
    assert (fig.data[1].x[0], fig.data[1].y[0]) == (6, 4)


def test_gates_heatmap_colour_scales():
    values = np.random.default_rng(0).uniform(0, 1, size=(5, 3))
    gate = lstm.gates_heatmap(values, token_labels(list("hello")), [7, 1, 2], "f", title="t")
    assert (gate.data[0].zmin, gate.data[0].zmax) == (0.0, 1.0)
    assert list(gate.data[0].y) == ["unit 7", "unit 1", "unit 2"] and np.asarray(gate.data[0].z).shape == (3, 5)
    cell = lstm.gates_heatmap(values * 4 - 2, token_labels(list("hello")), [0, 1, 2], "c", title="t")
    assert cell.data[0].zmin == -cell.data[0].zmax and cell.data[0].zmid == 0


def test_coloured_text_escapes_the_user_text():
    html = lstm.coloured_text(["<", "b", ">"], np.array([1.0, -1.0, 0.0]), words=False)
    assert "&lt;" in html and "&gt;" in html and "<b>" not in html
    assert "rgba(37,99,235,1.000)" in html and "rgba(220,38,38,1.000)" in html


def test_coloured_text_wraps_between_words_not_inside_them():
    """A browser breaks a line only at a break opportunity: a real space (not &nbsp;, which glues the words of
    a character-by-character sentence into one long word), and inside a word only where `overflow-wrap`
    lets a word longer than the line break (`word-break: break-word` breaks any word that overflows)."""
    sentence = "She said hello"
    html = lstm.coloured_text(list(sentence), np.zeros(len(sentence)), words=False, highlight=True)
    assert "&nbsp;" not in html and html.count(">" + " " + "</span>") == sentence.count(" ")
    style = html.split(">", 1)[0]
    assert "white-space: pre-wrap" in style and "overflow-wrap: break-word" in style
    assert "break-all" not in style and "word-break: break-word" not in style


def test_saturation_scatter_has_a_panel_per_gate_and_a_colour_per_layer():
    rng = np.random.default_rng(0)
    per_layer = [{g: (rng.uniform(size=8), rng.uniform(size=8)) for g in "ifo"} for _ in range(2)]
    fig = lstm.saturation_scatter(per_layer, ["layer 1", "layer 2"])
    points = [t for t in fig.data if t.mode == "markers"]
    assert len(points) == 6 and {t.name for t in points} == {"layer 1", "layer 2"}


def test_layer_maps_and_scores():
    coords = np.random.default_rng(0).normal(size=(6, 2))
    fig = senses.layer_maps(
        [("layer 1", coords), ("layer 2", coords)], list("aabbab"), [str(k) for k in range(6)], selected=2
    )
    clickable = [t for t in fig.data if t.customdata is not None]
    assert len(clickable) == 4 and sorted(np.concatenate([t.customdata for t in clickable[:2]])) == list(range(6))
    rows = [{"model": m, "layer": f"layer {k}", "1-NN accuracy": 0.5 + k / 10, "silhouette": None}
            for m in ("ELMo", "untrained ELMo") for k in range(3)]  # fmt: skip
    bars = senses.scores_chart(rows, "1-NN accuracy", title="t")
    assert [t.name for t in bars.data] == ["ELMo", "untrained ELMo"] and bars.data[1].marker.color == "#9ca3af"


def test_mark_spans_names_the_boxes_in_the_legend_not_over_the_data():
    """The label is a legend entry beside a dotted line (as an annotation inside the box, bars covered it):
    one box per run of True, no text drawn inside the plot area, a legend row above a heatmap's plot."""
    from figures.lessons import mark_spans

    heatmap = lstm.gates_heatmap(np.zeros((6, 2)), token_labels(list("a'bc'd")), [0, 1], "c", title="t")
    fig = mark_spans(heatmap, [False, True, True, False, True, False], label="inside quotes")
    assert [(s.x0, s.x1) for s in fig.layout.shapes if s.line.dash == "dot"] == [(0.5, 2.5), (3.5, 4.5)]
    assert not [a for a in fig.layout.annotations if a.text == "inside quotes"]
    entry = fig.data[-1]
    assert (entry.name, entry.line.dash, fig.layout.showlegend) == ("inside quotes", "dot", True)
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y > 1
