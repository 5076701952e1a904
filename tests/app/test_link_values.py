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


def test_projector_mode_follows_the_link_and_names_a_value_that_does_not_exist():
    """Projector mode is read from `?projector=` on every run (ui/projector.py, kind 5): true in any case is
    on, the toggle writes the link, and another value is named once and dropped from the link."""
    at = run_page(params={"projector": "TRUE", "hide": "text"})
    assert not at.exception
    assert at.sidebar.toggle(key="projector").value is True
    at.sidebar.toggle(key="projector").set_value(False).run()
    assert "projector" not in at.query_params and at.query_params["hide"] in ("text", ["text"])
    at.sidebar.toggle(key="projector").set_value(True).run()
    assert at.query_params["projector"] in ("true", ["true"])
    at = run_page(params={"projector": "maybe"})
    warnings = [w for w in messages(at, "warning") if "does not exist" in w]
    assert warnings == ["Projector mode in the link: maybe does not exist (true or false); showing false."]
    assert at.sidebar.toggle(key="projector").value is False and "projector" not in at.query_params
