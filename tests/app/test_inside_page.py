"""The Inside attention page under AppTest: the stages carry the model's own numbers, stepping does not
rerun the page, positions and heads switched off are drawn, bad input gets a message."""

import numpy as np
import pytest

from engine.analysis import inside
from engine.models import transformer
from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/3_Inside_attention.py"
TEXT = "I sat on the bank of the river."


@pytest.fixture(scope="module")
def model():
    return transformer.load()


def test_stages_step_without_rerunning_the_page(model):
    at = run_page(PAGE, params={"text": TEXT, "stage": "2", "off_heads": "1"})
    assert not at.exception
    opened = inside.open_layer(model, TEXT, 1, 1)
    query = opened.shown_tokens.index("bank")
    scores = plotly_specs(at)[0]
    assert scores["layout"]["title"]["text"].startswith("raw scores q·k")
    np.testing.assert_allclose(array(scores["data"][0]["y"]), opened.scores[query], atol=1e-5)
    assert any('class="page-runs" style="display:none">1<' in el.proto.body for el in at.get("html"))
    at.button(key="forward").click().run()  # the right arrow's button: stage 3, in the fragment only
    at.button(key="forward").click().run()
    softmax = plotly_specs(at)[0]
    assert softmax["layout"]["title"]["text"].startswith("softmax")
    np.testing.assert_allclose(array(softmax["data"][0]["y"]), opened.weights[query], atol=1e-6)
    # (AppTest reruns the whole script on a click; the browser test checks that stepping runs only the fragment)
    titles = [s["layout"]["title"]["text"] for s in plotly_specs(at)]
    assert titles[1] == "Cosine similarity of every pair of positions"
    assert titles[2].startswith("Words 1 and 2 swapped")
    assert titles[3].startswith("How far each word's final vector moved (layer 6: heads 1 off)")


def test_out_of_range_heads_and_empty_text_get_messages():
    at = run_page(PAGE, params={"text": TEXT, "off_heads": "3, 99, x"})
    assert not at.exception
    assert any("Not a head between 1 and 12, not used: '99', 'x'" in w for w in messages(at, "warning"))
    at = run_page(PAGE, params={"text": "   "})
    assert not at.exception and any("empty" in e.lower() for e in messages(at, "error"))
