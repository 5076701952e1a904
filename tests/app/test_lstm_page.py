"""The LSTM gates page under AppTest: charts for the char-LSTM and ELMo, URL-restored settings, bad input."""

import pytest

from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/1_LSTM_gates.py"
TEXT = 'She said "hi" twice.'  # 20 characters


def charts(at):
    specs = plotly_specs(at)
    assert len(specs) == 4, "gates heatmap, unit lines, ledger, saturation"
    return specs


def test_char_lstm_page_draws_every_chart():
    at = run_page(PAGE, params={"text": TEXT})
    assert not at.exception
    heatmap, lines, ledger, saturation = charts(at)
    assert len(saturation["data"]) == 3 * 3  # 2 layers + the diagonal, in each of the 3 gate panels
    z = array(heatmap["data"][0]["z"])
    assert z.shape == (16, 20)  # the 16 units that best follow the quote × 20 characters (issue 23: was 48 by variance)
    assert heatmap["layout"]["title"]["text"].startswith("cell state c, layer 1: 16 of 512 units by pattern")
    assert [(s["x0"], s["x1"]) for s in heatmap["layout"]["shapes"]] == [(8.5, 12.5)]  # '"hi"' marked above
    assert heatmap["data"][0]["x"][9] == '9:"'
    assert len(lines["data"]) == 5 and len(ledger["data"]) == 3
    assert "20 steps (characters)" in at.caption[0].value
    assert len(at.dataframe) == 1, "the pattern search found units (the default pattern marks the quote)"


def test_query_params_restore_the_view():
    at = run_page(PAGE, params={"text": TEXT, "layer": "2", "q": "c", "top": "10", "unit": "7", "order": "mean"})
    heatmap = charts(at)[0]
    assert array(heatmap["data"][0]["z"]).shape == (10, 20)
    assert heatmap["layout"]["title"]["text"].startswith("cell state c, layer 2: 10 of 512 units by mean")
    assert at.number_input(key="unit").value == 7
    assert "Unit 7" in charts(at)[1]["layout"]["title"]["text"]


@pytest.mark.parametrize("model", ["ELMo forward", "ELMo backward"])
def test_elmo_directions_use_words_as_steps(model):
    at = run_page(PAGE, params={"text": "The bank of the river flooded .", "model": model, "layer": "2"})
    assert not at.exception
    heatmap = charts(at)[0]
    assert heatmap["data"][0]["x"][0] == "0:&lt;S&gt;" and heatmap["data"][0]["x"][-1] == "8:&lt;/S&gt;"
    assert "9 steps (words" in at.caption[0].value


def test_elmo_output_of_a_unit_beyond_the_projection_size():
    """ELMo's LSTMP projects 512 cells to 128 outputs; unit 300's own output o ⊙ tanh(c) is still shown."""
    params = {"text": "The bank of the river flooded .", "model": "ELMo forward", "q": "h", "unit": "300"}
    at = run_page(PAGE, params=params)
    assert not at.exception
    heatmap, lines, _, _ = charts(at)
    assert "of 512 units" in heatmap["layout"]["title"]["text"]
    output = array(next(trace["y"] for trace in lines["data"] if trace["name"] == "output h"))
    assert output.shape == (9,) and (abs(output) <= 1).all()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"text": ""}, "empty"),
        ({"text": "a" * 2_500}, "at most 2,000"),
        ({"text": "word " * 450, "model": "ELMo forward"}, "at most 400 words"),
    ],
)
def test_bad_input_is_a_clear_error_and_the_text_stays(params, expected):
    at = run_page(PAGE, params=params)
    assert not at.exception
    assert any(expected in e for e in messages(at, "error")), messages(at, "error")
    assert not plotly_specs(at)
    assert at.text_area(key="text").value == params["text"]


def test_emoji_and_control_characters_are_warnings():
    at = run_page(PAGE, params={"text": "Pizza 🍕 time\x07 now"})
    warnings = " ".join(messages(at, "warning"))
    assert "U+1F355" in warnings and "U+0007" in warnings
    assert len(plotly_specs(at)) == 4
