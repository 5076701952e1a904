"""engine.text.language_note: English passes silently, other scripts and other languages are named."""

import pytest

from engine.text import language_note


@pytest.mark.parametrize(
    "text",
    [
        "I sat on the bank of the river .",
        'The trophy did not fit in the suitcase because it was too big. He said, "I will go home now."',
        "Hi",
        "Café au lait, please.",  # a French loan word in English
        "",
    ],
)
def test_english_gets_no_note(text):
    assert language_note(text) == ""


def test_chinese_is_named_by_its_script():
    note = language_note("我去银行存钱然后在河岸上散步")
    assert "not in the Latin alphabet (100% of its letters)" in note


def test_french_is_named_for_missing_common_english_words():
    note = language_note("Je suis allé à la banque pour déposer de l'argent .")
    assert "None of this text's" in note and "another language" in note


def test_a_short_latin_text_is_not_judged():
    assert language_note("Bonjour madame") == ""  # two words say too little
