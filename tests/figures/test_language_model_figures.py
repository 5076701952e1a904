"""Figures of the language-model page and the learned mix, on hand-made results (no engine, no torch)."""

from types import SimpleNamespace

import numpy as np

from figures.language_model import blank_bars, mix_accuracy, mix_weights, word_probabilities


def test_blank_bars_keep_punctuation_and_markup_as_category_labels():
    guesses = [(".", 0.32), ('"', 0.1), ("<b>", 0.05)]
    result = SimpleNamespace(forward=guesses, backward=guesses, combined=guesses)
    fig = blank_bars(result, k=3)
    assert [list(t.y) for t in fig.data] == [["1. .", '2. "', "3. &lt;b&gt;"]] * 3
    assert all(fig.layout[f"yaxis{n}"].type == "category" for n in ("", "2", "3"))  # "1. ." must not be a number
    assert [a.text for a in fig.layout.annotations] == [
        "forward LM:<br>from the left",
        "backward LM:<br>from the right",
        "both combined<br>(never trained)",
    ]  # fmt: skip: two lines each, or the three titles overlap on a projector


def test_word_probabilities_one_bar_per_word_and_direction():
    g = SimpleNamespace(
        tokens=["a", "1"], forward_prob=np.array([0.1, 0.2]), backward_prob=np.array([0.3, 0.4]),
        forward_rank=np.array([3, 1]), backward_rank=np.array([1, 2]),
    )  # fmt: skip
    fig = word_probabilities(g)
    assert [list(t.x) for t in fig.data] == [["0:a", "1:1"]] * 2 and fig.layout.xaxis.type == "category"
    np.testing.assert_allclose(fig.data[1].y, [0.3, 0.4])


def test_mix_charts_show_learned_beside_hand_set_and_chance():
    layers = ["layer 0", "layer 1", "layer 2"]
    weights = mix_weights([0.1, 0.8, 0.1], [1 / 3] * 3, layers)
    assert [t.name for t in weights.data] == ["learned for these senses", "hand-set (the sliders)"]
    fit = SimpleNamespace(layer_accuracy=np.array([0.5, 0.9, 0.6]), cv_accuracy=0.92, chance=0.5, scheme="x")
    accuracy = mix_accuracy(fit, layers)
    assert list(accuracy.data[0].x) == [*layers, "learned mix"]
    np.testing.assert_allclose(accuracy.data[0].y, [0.5, 0.9, 0.6, 0.92])
    assert accuracy.layout.shapes[0].y0 == 0.5
