"""The sense-labelled sentence sets in assets/senses: well-formed, two balanced senses, one clean target word each."""

import re
from pathlib import Path

import pytest

SENSES_DIR = Path(__file__).resolve().parents[2] / "assets" / "senses"
FILES = sorted(SENSES_DIR.glob("*.tsv"))
MIN_PER_LABEL = 10
MIN_WORDS, MAX_WORDS = 8, 25


def load(path: Path) -> tuple[str, list[tuple[str, str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        label, sep, sentence = line.partition("\t")
        assert sep, f"{path.name}:{number}: no tab between label and sentence"
        rows.append((label, sentence))
    return header, rows


def test_the_five_sets_are_there():
    assert {path.stem for path in FILES} >= {"bank", "plant", "spring", "bat", "play"}


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_sense_set(path: Path):
    word = path.stem
    raw = path.read_bytes()
    assert raw.isascii(), f"{path.name}: non-ASCII bytes"
    header, rows = load(path)
    assert header.startswith("#") and word in header, f"{path.name}: first line must be a '#' comment about {word!r}"

    labels = [label for label, _ in rows]
    counts = {label: labels.count(label) for label in set(labels)}
    assert len(counts) == 2, f"{path.name}: expected two labels, got {counts}"
    assert all(n >= MIN_PER_LABEL for n in counts.values()), f"{path.name}: too few sentences per label: {counts}"
    half = len(rows) // 2
    assert len(set(labels[:half])) == 2, f"{path.name}: labels are not interleaved"

    sentences = [sentence for _, sentence in rows]
    assert len(set(sentences)) == len(sentences), f"{path.name}: duplicate sentences"

    exact = re.compile(rf"\b{re.escape(word)}\b")
    any_case = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    inflected = re.compile(rf"\b{re.escape(word)}[a-z]", re.IGNORECASE)
    hyphenated = re.compile(rf"-{re.escape(word)}\b|\b{re.escape(word)}-", re.IGNORECASE)
    for label, sentence in rows:
        where = f"{path.name} [{label}] {sentence!r}"
        assert label and label.strip() == label, f"{where}: bad label"
        assert "\t" not in sentence, f"{where}: tab inside the sentence"
        assert sentence == sentence.strip(), f"{where}: stray whitespace"
        assert len(exact.findall(sentence)) == 1, f"{where}: {word!r} must occur exactly once"
        assert len(any_case.findall(sentence)) == 1, f"{where}: {word!r} also occurs capitalised"
        assert not inflected.search(sentence), f"{where}: inflected form of {word!r}"
        assert not hyphenated.search(sentence), f"{where}: hyphenated {word!r}"
        assert not sentence.lower().startswith(word), f"{where}: starts with {word!r}"
        assert MIN_WORDS <= len(sentence.split()) <= MAX_WORDS, f"{where}: {len(sentence.split())} words"
