"""The homograph view's input (word/TAG lines) and the token vectors the probes read (issue 26)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis import homographs as H
from engine.analysis import token_vectors as V

TAGS = ["NN", "VB", "VBP", "DT", "PRP", ".", "IN"]


def test_tagged_words_keep_their_tags_and_untagged_text_is_tokenized():
    parsed = H.parse("I read a book/NN .\nPlease book/VB a table, now.\nNo such word here.", "book", TAGS)
    assert parsed.sentences[0] == ["I", "read", "a", "book", "."]
    assert parsed.gold[0] == [None, None, None, "NN", None]
    assert parsed.sentences[1][:4] == ["Please", "book", "a", "table"]
    assert parsed.gold[1][1] == "VB"
    assert parsed.occurrences == [(0, 3), (1, 1)]
    assert parsed.lines == [1, 2]
    assert any("Line 3 does not use 'book'" in p.message for p in parsed.problems)


def test_bad_input_is_named():
    assert H.parse("the book/ZZ", "book", TAGS).problems[0].message.startswith("Unknown tag ZZ")
    assert "not one word" in H.parse("a book", "two words", TAGS).problems[0].message
    many = "\n".join(["a book"] * (H.MAX_LINES + 1))
    assert f"at most {H.MAX_LINES}" in H.parse(many, "book", TAGS).problems[0].message
    assert H.parse("nothing here", "book", TAGS).problems[-1].level == "error"


def test_presets_tag_every_use_of_their_word():
    for word, text in H.PRESETS.items():
        parsed = H.parse(text, word, [*TAGS, "VBZ"])
        tags = {parsed.gold[s][k] for s, k in parsed.occurrences}
        assert None not in tags and {H.coarse(t) for t in tags} == {"noun", "verb"}


def test_transformer_token_vectors_agree_with_word_vectors():
    """Every word's vector in one batch equals the one-word-at-a-time reference (`word_vectors`)."""
    from engine.models import transformer

    model = transformer.load()
    sentences = [["I", "read", "a", "book", "."], ["Please", "book", "tables", "!"]]
    names, vectors = V.transformer_token_vectors(model, sentences)
    assert vectors.shape == (model.num_layers + 1, 9, 384) and names[0] == "embeddings"
    reference = model.word_vectors([sentences[0], sentences[1], sentences[1]], [3, 1, 2])  # [L+1, 3, D]
    np.testing.assert_allclose(vectors[:, [3, 6, 7]], reference, atol=1e-4)


def test_elmo_mix_is_the_average_of_its_layers():
    from engine.models import elmo

    model = elmo.load_default()
    names, vectors = V.elmo_token_vectors(model, [["the", "bank", "closed"]])
    assert names[-1] == "mix (average)"
    np.testing.assert_allclose(vectors[3], vectors[:3].mean(axis=0), atol=1e-5)
    assert vectors[0, 1] == pytest.approx(model.embed([["a", "bank"]])[0][0, 1], abs=1e-5)  # layer 0: no context
