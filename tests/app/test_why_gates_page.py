"""The "Why gates?" page under AppTest: the models' own numbers in every chart, URL inputs, bad input."""

import numpy as np
import pytest

from engine.analysis import memory
from engine.models import charlstm, charrnn
from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/1_Why_gates.py"
TEXT = 'He said, "I will go home now." Then she left.'  # the closing quote is character 30


@pytest.fixture(scope="module")
def models():
    return {"plain RNN": charrnn.load_default(), "LSTM": charlstm.load_default()}


def test_page_draws_connectivity_memory_test_and_surprisal_from_the_models(models):
    at = run_page(PAGE, params={"text": TEXT})
    assert not at.exception
    strip, distance, paths, curve, surprisal = plotly_specs(at)
    target = 28  # predicting the closing quote (character 30) from characters 1..29
    for row, name in enumerate(["plain RNN", "LSTM"]):
        expected = memory.connectivity(models[name], TEXT, target).inputs
        z = array(strip["data"][0]["z"])[row]
        np.testing.assert_allclose(10**z, np.maximum(expected / expected.max(), 1e-6), rtol=1e-3)
        np.testing.assert_allclose(array(distance["data"][row]["y"])[::-1], 10**z, rtol=1e-3)
        bits = memory.surprisal(models[name], TEXT)
        np.testing.assert_allclose(array(surprisal["data"][row]["y"]), bits, rtol=1e-4)
    assert (
        "Influence of each character on predicting '&quot;'" in strip["layout"]["title"]["text"]
        or '"' in (strip["layout"]["title"]["text"])
    )
    assert len(paths["data"]) == 3
    lstm_test = memory.memory_test(models["LSTM"])
    np.testing.assert_allclose(array(curve["data"][2]["y"]), lstm_test.p_quote.ravel(), rtol=1e-4)


def test_target_character_from_the_url_and_a_clear_message_outside_the_text():
    at = run_page(PAGE, params={"text": TEXT, "predict": "10"})
    assert not at.exception
    assert any("Predicting character 10" in m.value for m in at.markdown)
    at = run_page(PAGE, params={"text": TEXT, "predict": "300"})
    assert not at.exception
    assert any(
        "Character 300 is outside the text: it has 45 characters, so choose 2 to 45" in m for m in messages(at, "error")
    )
    assert at.sidebar.text_area[0].value == TEXT  # the typed text is kept


def test_too_long_text_is_refused_not_cut():
    long_text = "word " * 120
    at = run_page(PAGE, params={"text": long_text})
    assert not at.exception
    assert any("600 characters; this view reads at most 500" in m for m in messages(at, "error"))
    assert not plotly_specs(at)
