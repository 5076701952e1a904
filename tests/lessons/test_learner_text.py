"""engine.learner_text: the language check the lessons (and any page) show a note from, and the first
part of an over-long text, cut where a reader would cut it."""

from __future__ import annotations

import pytest

from engine.learner_text import MODELS, first_part, language_check


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我去银行存钱，然后在河岸上散步。", "Chinese, Japanese or Korean"),
        ("L'avocat est allé à la banque pour déposer de l'argent.", "French"),
        ("Der Hund ist nicht in dem Haus und sie auch nicht.", "German"),
        ("Я пошёл в банк.", "Cyrillic"),
    ],
)
def test_text_in_another_language_gets_a_note_for_every_model(text, language):
    check = language_check(text)
    assert not check.english and check.language == language
    assert set(check.notes) == set(MODELS)
    assert "<UNK>" in check.notes["ELMo"] and "WordPiece" in check.notes["MiniLM"]
    if language.startswith("Chinese"):
        assert "⁇" in check.notes["char-LSTM"] and "one token" in check.notes["MiniLM"]


@pytest.mark.parametrize(
    "text",
    [
        "She sat on the bank of the river.",
        'He said, "I will go home now." Then she left.',
        "The café on the bank serves crème brûlée.",  # English with a few accented words
        "Hi.",  # too short to judge: no note
    ],
)
def test_english_text_gets_no_note(text):
    assert language_check(text).english


def test_the_first_part_ends_at_a_sentence_then_a_space_and_is_never_longer_than_the_limit():
    text = "One two. Three four five six. Seven eight nine ten eleven."
    assert first_part(text, 40) == "One two. Three four five six."
    assert first_part("aaaa bbbb cccc dddd", 12) == "aaaa bbbb"
    assert first_part("x" * 50, 10) == "x" * 10
    assert first_part(text, 500) == text
    long = "The river rose. " * 100
    for limit in (1, 17, 300, 600):
        cut = first_part(long, limit)
        assert len(cut) <= limit and long.startswith(cut)
    with pytest.raises(ValueError, match="at least 1"):
        first_part(text, 0)
