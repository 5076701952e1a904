"""engine.text: the one tokenizer the corpus and the app share."""

from engine.text import detokenize, normalize, split_sentences, tokenize


def test_normalize_straightens_quotes_and_joins_typewriter_dashes():
    assert tokenize(normalize("“Well,” he said -- ‘quite’ so.")) == [
        '"', "Well", ",", '"', "he", "said", "—", "'", "quite", "'", "so", ".",
    ]  # fmt: skip
    assert detokenize(tokenize('He said, "Meet me at the bank (by the river)."')) == (
        'He said, "Meet me at the bank (by the river)."'
    )


def test_tokenize_keeps_contractions_and_splits_punctuation():
    assert tokenize('"Don\'t panic," he said.') == ['"', "Don't", "panic", ",", '"', "he", "said", "."]


def test_split_sentences_respects_abbreviations_and_paragraphs():
    text = 'Mr. Darcy came in. "Is it you?" she asked. Gov. Smith nodded.\n\nNew paragraph'
    assert split_sentences(text) == [
        "Mr. Darcy came in.", '"Is it you?" she asked.', "Gov. Smith nodded.", "New paragraph",
    ]  # fmt: skip
