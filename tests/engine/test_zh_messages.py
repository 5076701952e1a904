"""Engine messages a learner reads, in Chinese (issue 29): every kind of validation problem, the language notes
and the minimal pair's summary have no English left but names, and the notes for Chinese text say what each
model does with it. A Problem computed in one language reads in the language of whoever reads it (cached
results are shared by sessions in both languages)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import i18n
from engine.analysis import homographs, senses
from engine.compare.alignment import pair_words
from engine.learner_text import MODELS, language_check, notes_for
from engine.text import language_note
from engine.validation import (
    Problem,
    check_alphabet,
    check_count,
    check_model_dir,
    check_non_ascii,
    check_text,
    clamp_choice,
    clean_text,
)
from tests.i18n_words import untranslated

CHINESE = "我去银行存钱，然后在河岸上散步。"
HAN = re.compile(r"[\u4e00-\u9fff]")
# names and file names the messages keep in every language; the text the learner typed
KEPT = [
    "config.json",
    "model.safetensors",
    "pytorch_model.bin",
    "Hugging Face",
    "ASCII",
    "pickle",
    "Penn Treebank",
    "banks",
    "bank",
    "river",
    "book",
    "text",
    "the",
    "no",
    "such",
    "word",
    "x",
    "y",
    "The",
    "Bank",
    "of",
]
FOLDERS = ["nope", "a_file", "no_config", "empty", "pickled"]  # the model folders the checks are given


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.use("zh")
    yield
    i18n.use("en")


def model_folders(tmp_path: Path) -> dict[str, Path]:
    file = tmp_path / "a_file"
    file.write_text("x")
    no_config = tmp_path / "no_config"
    no_config.mkdir()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "config.json").write_text("{}")
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "config.json").write_text("{}")
    (pickled / "pytorch_model.bin").write_bytes(b"")
    return {"missing": tmp_path / "nope", "file": file, "no config": no_config, "no weights": empty, "pickles": pickled}


def every_problem(tmp_path: Path) -> dict[str, Callable[[], list[Problem]]]:
    """Each kind of problem engine.validation and the input parsers report, by name."""
    folders = model_folders(tmp_path)
    alphabet = "abcdefghijklmnopqrstuvwxyz "
    lines = "the bank\nthe bank\nthe bank\nthe river\nThe Bank of the bank\n" + "x" * 300
    return {
        "empty": lambda: check_text("", max_chars=10, what="sentence"),
        "too long": lambda: check_text("word " * 30, max_chars=100, what="list of sentences"),
        "one control character": lambda: clean_text("a\x01b")[1],
        "control characters": lambda: clean_text("a\x01b\x02c\x03d\x04")[1],
        "format characters": lambda: check_text("a\u200bb\u200bc", max_chars=100),
        "too many units": lambda: check_count(300, limit=200, unit="words", model="this view of ELMo"),
        "too many units, with a note": lambda: check_count(
            9, limit=3, unit="steps", model="the char-LSTM", note="Need at least two characters to score a text."
        ),
        "outside the alphabet": lambda: check_alphabet(CHINESE, alphabet, model="the char-LSTM", unknown="⁇"),
        "one outside the alphabet": lambda: check_alphabet("a中", alphabet, model="the char-LSTM", unknown="⁇"),
        "non-ASCII": lambda: check_non_ascii("café ☕", model="the char-LSTM", consequence="the char-LSTM"),
        "no folder": lambda: check_model_dir(""),
        **{f"folder: {name}": (lambda p=path: check_model_dir(p)) for name, path in folders.items()},
        "setting out of range": lambda: clamp_choice(99, low=1, high=6, what="layer")[1],
        "senses: no word": lambda: senses.parse_sentences("the bank", "").problems,
        "senses: two words": lambda: senses.parse_sentences("the bank", "river bank").problems,
        "senses: line notes": lambda: senses.parse_sentences(lines, "bank").problems,
        "senses: too few": lambda: senses.parse_sentences("the bank", "bank").problems,
        "homographs: notes": lambda: (
            homographs.parse("the book/XX\nno such word\n" + "y" * 400, "book", ["NN", "VB"]).problems
        ),
    }


def test_every_problem_kind_reads_in_chinese(tmp_path, zh):
    found = every_problem(tmp_path)
    for name, check in found.items():
        problems = check()
        assert problems, f"{name}: no problem reported"
        for problem in problems:
            message = problem.message
            assert HAN.search(message), f"{name}: {message}"
            assert untranslated(message, allowed=[*KEPT, *FOLDERS, str(tmp_path)]) == [], f"{name}: {message}"


def test_the_same_problems_read_in_english_without_a_catalogue(tmp_path):
    """The check above can fail: in English the messages are English, word for word as before issue 29."""
    assert check_text("", max_chars=10, what="sentence")[0].message == "The sentence is empty: type at least one word."
    assert (
        clean_text("a\x01b")[1][0].message
        == "The text contains 1 control character ('\\x01' (U+0001)); it is read as spaces."
    )
    assert (
        clamp_choice(99, low=1, high=6, what="layer")[1][0].message
        == "layer 99 does not exist (valid: 1–6); showing 6."
    )
    for check in every_problem(tmp_path).values():
        assert all(untranslated(p.message, allowed=[*KEPT, *FOLDERS, str(tmp_path)]) for p in check())


def test_a_problem_made_in_one_language_reads_in_the_language_of_its_reader(zh):
    """A cached result's problems are shared by sessions in both languages: the text is built when read."""
    problem = check_text("x" * 50, max_chars=10)[0]
    assert HAN.search(problem.message)
    i18n.use("en")
    assert problem.message.startswith("The text has 50 characters; this view reads at most 10.")


def test_chinese_text_gets_a_note_per_model_saying_what_each_does_with_it(zh):
    check = language_check(CHINESE)
    assert not check.english and check.language == "Chinese, Japanese or Korean"
    assert i18n._(check.language) == "中文、日文或韩文"
    assert set(check.notes) == set(MODELS)
    assert "⁇" in check.notes["char-LSTM"] and "英文" in check.notes["char-LSTM"]  # read as unknown: English only
    assert "<UNK>" in check.notes["ELMo"] and "空格" in check.notes["ELMo"]  # one long "word" without spaces
    assert "WordPiece" in check.notes["MiniLM"] and "每个中文" in check.notes["MiniLM"]  # one token per character
    for note in check.notes.values():
        assert untranslated(note) == [], note


@pytest.mark.parametrize("language", ["French", "Cyrillic", "Chinese, Japanese or Korean"])
def test_every_language_note_is_chinese(zh, language):
    assert HAN.search(i18n._(language))
    for note in notes_for(language).values():
        assert HAN.search(note) and untranslated(note) == [], note


def test_the_page_notes_on_non_english_text_are_chinese(zh):
    for text in (CHINESE, "Je suis allé à la banque pour déposer de l'argent ."):
        note = language_note(text)
        assert HAN.search(note) and untranslated(note, allowed=["the, and, of, is"]) == [], note


def test_the_minimal_pair_summary_is_chinese_when_read(zh):
    pairing = pair_words(["I", "sat", "on", "the", "bank"], ["I", "sat", "on", "the", "river"])
    assert pairing.summary == "一个最小对：只有一个词不同，‹bank› → ‹river›。"
    i18n.use("en")
    assert pairing.summary == "A minimal pair: one word differs, ‹bank› → ‹river›."


def test_a_shared_servers_refusals_are_chinese(zh):
    from engine import policy

    for refusal in (policy.NO_FOLDERS, policy.PICKLES_REFUSED, policy.HUB_REFUSED):
        shown = i18n._(refusal)
        assert HAN.search(shown) and untranslated(shown, allowed=["pickle"]) == [], shown


def test_head_roles_and_gate_descriptions_are_chinese(zh):
    from engine.analysis import attention, gates

    keys = ("previous", "special", "self", "max")
    rows = [
        dict(zip(keys, values, strict=True))
        for values in ((0.9, 0, 0, 1), (0, 0.9, 0, 1), (0, 0, 0.9, 1), (0, 0, 0, 0.1))
    ]
    shown = [attention.head_role(row) for row in rows]
    shown += [i18n._(text) for text in (*gates.DESCRIPTIONS.values(), *gates.ORDERS, *attention.MODES)]
    shown += [i18n._(text) for text in attention.STATISTICS.values()]
    for text in shown:
        assert HAN.search(text) and untranslated(text, allowed=["CLS", "SEP"]) == [], text


def test_problems_kept_on_disk_by_the_view_cache_still_read_in_either_language(tmp_path):
    """ui.viewcache stores engine results (their problems included) as JSON + arrays: the English template and
    its arguments come back, and the message is built in the reader's language."""
    from ui import viewcache

    problems = check_text("x" * 30, max_chars=10) + senses.parse_sentences("the bank\nriver\nbank x", "bank").problems
    viewcache.save(tmp_path / "p.npz", problems)
    back = viewcache.load(tmp_path / "p.npz")
    assert back == problems
    assert back[0].message.startswith("The text has 30 characters")
    i18n.use("zh")
    try:
        assert back[0].message.startswith("文本有 30 个字符") and all(HAN.search(p.message) for p in back)
    finally:
        i18n.use("en")
