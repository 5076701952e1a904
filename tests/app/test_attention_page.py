"""The Transformer attention page under AppTest: charts, URL-restored settings, bad input."""

import numpy as np
import pytest

from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/3_Transformer_attention.py"
TEXT = "The bank of the river flooded."  # [CLS] the bank of the river flooded . [SEP] = 9 tokens


def heatmap(at):
    specs = plotly_specs(at)
    assert len(specs) == 2, "the heads grid and one heatmap"
    return specs[1]


def heatmap_size(spec) -> int:
    z = array(spec["data"][0]["z"])
    assert z.shape == (len(spec["data"][0]["y"]), len(spec["data"][0]["x"]))
    return z.shape[0]


def test_page_draws_the_grid_and_one_heatmap():
    at = run_page(PAGE, params={"text": TEXT})
    assert not at.exception
    grid, focus = plotly_specs(at)
    assert len(array(grid["data"][0]["x"])) == 6 * 12
    assert heatmap_size(focus) == 9
    assert focus["data"][0]["y"][2] == "2:bank"
    assert focus["layout"]["title"]["text"] == "Layer 1, head 3"  # the previous-token head opens (issue 23)
    assert np.allclose(np.diagonal(array(focus["data"][0]["z"]), offset=-1)[1:-1], 1, atol=0.05)  # a[t, t-1] ≈ 1
    assert "9 tokens" in at.caption[0].value
    rows = at.dataframe[0].value
    assert len(rows) == 72 and {"entropy", "previous", "role"} <= set(rows.columns)


def test_query_params_restore_layer_head_and_view():
    at = run_page(PAGE, params={"text": TEXT, "layer": "4", "head": "6"})
    assert at.number_input(key="layer").value == 4 and at.number_input(key="head").value == 6
    assert heatmap(at)["layout"]["title"]["text"] == "Layer 4, head 6"
    at = run_page(PAGE, params={"text": TEXT, "mode": "rollout", "rollout": ["2", "5"]})
    assert heatmap(at)["layout"]["title"]["text"] == "Attention rollout, layers 2–5"


def test_hiding_special_tokens_and_merging_words():
    at = run_page(PAGE, params={"text": TEXT, "hide_special": "true"})
    spec = heatmap(at)
    assert heatmap_size(spec) == 7 and "[CLS]" not in " ".join(spec["data"][0]["y"])
    at = run_page(PAGE, params={"text": "Unbelievably, it flooded.", "words": "true"})
    labels = heatmap(at)["data"][0]["y"]
    assert "1:Unbelievably" in labels and not any("##" in label for label in labels)


def test_widgets_change_the_view():
    at = run_page(PAGE, params={"text": TEXT})
    at.number_input(key="layer").set_value(3).run()
    at.number_input(key="head").set_value(2).run()
    assert heatmap(at)["layout"]["title"]["text"] == "Layer 3, head 2"
    at.radio(key="mode").set_value("layer mean").run()
    assert heatmap(at)["layout"]["title"]["text"] == "Layer 3, mean of its 12 heads"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"text": ""}, "empty"),
        ({"text": "word " * 600}, "at most 512"),
        ({"text": TEXT, "model": "local folder", "folder": "/no/such/model"}, "does not exist"),
    ],
)
def test_bad_input_shows_a_clear_error_and_keeps_the_text(params, expected):
    at = run_page(PAGE, params=params)
    assert not at.exception
    errors = messages(at, "error")
    assert any(expected in e for e in errors), errors
    assert not plotly_specs(at)
    assert at.text_area(key="text").value == params["text"]


def test_emoji_is_a_warning_not_an_error():
    at = run_page(PAGE, params={"text": "I love 🍕 by the river bank."})
    assert any("🍕" in w for w in messages(at, "warning"))
    assert len(plotly_specs(at)) == 2


def test_a_local_decoder_folder_draws_its_causal_mask(tmp_path):
    import numpy as np

    from tests.engine.test_transformer import tiny_gpt2_folder

    folder = tiny_gpt2_folder(tmp_path)
    at = run_page(PAGE, params={"text": "the bank of the river", "model": "local folder", "folder": str(folder)})
    assert not at.exception, at.exception
    z = array(heatmap(at)["data"][0]["z"]).astype(float)
    assert z.shape == (5, 5)
    assert np.isnan(z[np.triu_indices(5, k=1)]).all() and not np.isnan(z[np.tril_indices(5)]).any()
    assert "causal" in at.caption[0].value
    assert len(at.dataframe[0].value) == 2 * 2  # 2 layers x 2 heads
