"""Issue 24, kind 4: a hand-edited link value that does not exist is named once, the page shows the
default in its place, and the rest of the link is kept (ui/inputs.py decides it for every bound input)."""

from tests.app.conftest import messages, plotly_specs, run_page

ATTENTION = "pages/3_Transformer_attention.py"
GATES = "pages/1_LSTM_gates.py"
TEXT = "The bank of the river flooded."


def test_a_head_that_does_not_exist_is_named_and_the_rest_kept():
    at = run_page(ATTENTION, params={"text": TEXT, "layer": "4", "head": "13"})
    assert not at.exception
    warnings = [w for w in messages(at, "warning") if "does not exist" in w]
    assert warnings == ["Head in the link: 13 does not exist (from 1 to 12); showing 3."], warnings
    assert at.number_input(key="layer").value == 4  # the rest of the link is kept
    assert plotly_specs(at)[1]["layout"]["title"]["text"] == "Layer 4, head 3"
    assert at.query_params["text"] == [TEXT] or at.query_params["text"] == TEXT


def test_a_layer_choice_that_does_not_exist_is_named():
    """Chosen second input: a choice (not a number) in a wrong form, on another page."""
    at = run_page(GATES, params={"text": TEXT, "layer": "three"})
    assert not at.exception
    warnings = [w for w in messages(at, "warning") if "does not exist" in w]
    assert len(warnings) == 1 and "three does not exist (one of 1, 2); showing 1" in warnings[0], warnings
    assert at.sidebar.text_area[0].value == TEXT
