"""The shared validation: every bad input gets one clear message naming the problem and the limit."""

from engine.validation import (
    check_alphabet,
    check_count,
    check_model_dir,
    check_text,
    clamp_choice,
    clean_text,
    has_errors,
)


def test_empty_and_blank_text_are_errors():
    for text in ["", "   \n\t", None]:
        problems = check_text(text, max_chars=100)
        assert has_errors(problems)
        assert "empty" in problems[0].message


def test_text_over_the_limit_names_both_numbers_and_is_not_cut():
    problems = check_text("a" * 100_000, max_chars=2_000)
    assert has_errors(problems)
    message = problems[0].message
    assert "100,000" in message and "2,000" in message and "98,000" in message


def test_control_characters_are_replaced_by_spaces_and_reported():
    # a zero-width space is a format character (Cf), not a control: it stays, joined to its word (issue 13)
    text, problems = clean_text("bell\x07 and null\x00 and zero-width\u200b here\nnext line\ttab")
    assert text == "bell  and null  and zero-width\u200b here\nnext line\ttab"
    assert [p.level for p in problems] == ["warning"]
    assert "2 control characters" in problems[0].message and "U+0007" in problems[0].message
    notes = check_text("zero-width\u200b here", max_chars=100)
    assert [p.level for p in notes] == ["info"] and "U+200B" in notes[0].message
    assert not has_errors(check_text("ok\x07", max_chars=10))


def test_emoji_outside_an_alphabet_is_a_warning_that_shows_the_character():
    problems = check_alphabet("I love 🍕 and café", "abcdefghijklmnopqrstuvwxyzI ", model="the char-LSTM", unknown="⍰")
    assert [p.level for p in problems] == ["warning"]
    assert "2 characters" in problems[0].message and "U+1F355" in problems[0].message


def test_token_count_over_limit():
    assert check_count(512, limit=512, unit="subword tokens", model="MiniLM") == []
    problems = check_count(700, limit=512, unit="subword tokens", model="MiniLM")
    assert has_errors(problems) and "700" in problems[0].message and "512" in problems[0].message


def test_model_folder_problems(tmp_path):
    assert "does not exist" in check_model_dir(tmp_path / "nope")[0].message
    assert "empty" not in check_model_dir("")[0].message
    (tmp_path / "f.txt").write_text("x")
    assert "is a file" in check_model_dir(tmp_path / "f.txt")[0].message
    assert "config.json" in check_model_dir(tmp_path)[0].message
    (tmp_path / "config.json").write_text("{}")
    assert "no weight file" in check_model_dir(tmp_path)[0].message
    (tmp_path / "pytorch_model.bin").write_bytes(b"x")
    assert "pickled" in check_model_dir(tmp_path)[0].message
    assert check_model_dir(tmp_path, allow_pickle=True) == []
    (tmp_path / "model.safetensors").write_bytes(b"x")
    assert check_model_dir(tmp_path) == []


def test_clamp_choice_reports_out_of_range_settings():
    assert clamp_choice(3, low=1, high=6, what="Layer") == (3, [])
    value, problems = clamp_choice(99, low=1, high=6, what="Layer")
    assert value == 6 and "Layer 99 does not exist" in problems[0].message
