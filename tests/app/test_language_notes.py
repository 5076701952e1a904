"""A note per model when the text is not English (issue 23: French and Chinese were read as English without a word)."""

from __future__ import annotations

import pytest

from tests.app.conftest import messages, run_page
from ui.words import MODEL_NOTES

FRENCH = "Je suis allé à la banque pour déposer de l'argent."


@pytest.mark.parametrize(
    "page, model",
    [("pages/1_LSTM_gates.py", "char-LSTM"), ("pages/3_Transformer_attention.py", "MiniLM")],
)
def test_a_french_text_gets_the_models_note_and_english_gets_none(page, model):
    notes = messages(run_page(page, params={"text": FRENCH}), "info")
    assert any("looks like another language" in n and MODEL_NOTES[model] in n for n in notes)
    assert not any("another language" in n for n in messages(run_page(page), "info"))
