"""The same bad inputs on every page: a clear message with the limit, no traceback, the text kept."""

import pytest

from tests.app.conftest import messages, plotly_specs, run_page

PAGES = {
    "pages/1_LSTM_gates.py": "text",
    "pages/1_LSTM_step_by_step.py": "text",
    "pages/2_ELMo_senses.py": "sentences",
    "pages/3_Transformer_attention.py": "text",
    "pages/3_Inside_attention.py": "text",
}


@pytest.mark.parametrize("page, key", PAGES.items())
def test_a_hundred_thousand_characters(page, key):
    text = "The river bank. " * 6_250  # 100,000 characters
    at = run_page(page, params={key: text, "preset": "my own sentences", "compare": "false"})
    assert not at.exception
    errors = " ".join(messages(at, "error"))
    assert "100,000 characters" in errors and "at most" in errors and "nothing was cut" in errors
    assert not plotly_specs(at)
    assert at.text_area(key=key).value == text


@pytest.mark.parametrize("page, key", PAGES.items())
def test_only_white_space_and_control_characters(page, key):
    at = run_page(page, params={key: " \t\x00\x07 \n ", "preset": "my own sentences", "compare": "false"})
    assert not at.exception
    assert any("empty" in e for e in messages(at, "error"))
