"""figures.inside: every stage draws the model's own numbers; repeated words keep bars of their own."""

import numpy as np
import pytest

from engine.analysis import ablation, inside
from engine.models import transformer
from figures import inside as FI
from tests.app.conftest import array

TEXT = "the bank by the bank"


@pytest.fixture(scope="module")
def opened():
    return inside.open_layer(transformer.load(), TEXT, 2, 3)


def test_every_stage_draws_and_says_its_numbers(opened):
    query = 2  # "bank"
    titles = set()
    for stage in FI.STAGES:
        fig = FI.stage_figure(opened, query, stage)
        titles.add(fig.layout.title.text)
        assert FI.stage_sentence(opened, query, stage)
    assert len(titles) == len(FI.STAGES)
    softmax = FI.stage_figure(opened, query, "softmax").to_plotly_json()
    np.testing.assert_allclose(array(softmax["data"][0]["y"]), opened.weights[query], atol=1e-7)
    assert array(softmax["data"][0]["y"]).sum() == pytest.approx(1.0, abs=1e-5)
    top = int(np.argmax(opened.scores[query]))
    assert f"{opened.scores[query, top]:.2f}" in FI.stage_sentence(opened, query, "scores")
    played = FI.stage_figure(opened, query, "softmax", play=True)
    assert len(played.frames) == len(opened.tokens) and played.layout.updatemenus[0].buttons[0].label.startswith("▶")
    np.testing.assert_allclose(np.asarray(played.frames[4].data[0].y, dtype=float), opened.weights[4], atol=1e-7)
    with pytest.raises(ValueError, match="Unknown stage"):
        FI.stage_figure(opened, query, "nope")


def test_repeated_words_get_their_own_bars():
    result = ablation.HeadsOffResult({6: frozenset({2})}, ["the", "bank", "the"], np.array([0.1, 0.2, 0.3]),
                                     [], np.zeros(0), 0.9, 0.8, 32)  # fmt: skip
    fig = FI.heads_off(result)
    assert list(fig.data[0].x) == ["the (1)", "bank (2)", "the (3)"]
    assert "layer 6: heads 2 off" in fig.layout.title.text
