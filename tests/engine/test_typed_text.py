"""Issue 13, kinds 1, 2, 4 and 8: text as people type it (white space, combining marks, invisible
characters) and models as people bring them (a config asking for sdpa, a tokenizer without offsets)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from engine.analysis import attention as A
from engine.models import transformer as T
from engine.models.words import bytes_to_unicode, display_token, token_words
from engine.text import char_role, reading_form, steps, tokenize, tokenize_with_spans

BPE_CORPUS = ["the bank of the river", "the river bank flooded", "money in the bank", "a café by the river\tbank\n"]


def tiny_byte_level_gpt2(tmp_path):
    """A 2-layer GPT-2 with random weights and a byte-level BPE tokenizer trained here (no download)."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2Model, GPT2TokenizerFast

    core = ByteLevelBPETokenizer()
    core.train_from_iterator(BPE_CORPUS * 20, vocab_size=300, min_frequency=1, special_tokens=["<|endoftext|>"])
    core.save(str(tmp_path / "tokenizer.json"))
    tokenizer = GPT2TokenizerFast(tokenizer_file=str(tmp_path / "tokenizer.json"), eos_token="<|endoftext|>")
    tokenizer.save_pretrained(tmp_path)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=64, n_embd=16, n_layer=2, n_head=2)
    GPT2Model(config).save_pretrained(tmp_path, safe_serialization=True)
    return tmp_path


def tiny_ctrl(tmp_path):
    """A 1-layer CTRL with random weights and its slow-only BPE tokenizer (vocab + merges written here)."""
    from transformers import CTRLConfig, CTRLModel, CTRLTokenizer

    vocab = {"the": 0, "bank": 1, "of": 2, "river": 3, "ban@@": 4, "k": 5, "r@@": 6, "iver": 7, "<unk>": 8}
    (tmp_path / "vocab.json").write_text(json.dumps(vocab))
    (tmp_path / "merges.txt").write_text("#version: 0.2\nb a\nba n@@\nr i\ni v\niv e\nive r</w>\n")
    tokenizer = CTRLTokenizer(str(tmp_path / "vocab.json"), str(tmp_path / "merges.txt"))
    tokenizer.save_pretrained(tmp_path)
    torch.manual_seed(0)
    config = CTRLConfig(vocab_size=len(vocab), n_positions=32, n_embd=16, dff=32, n_layer=1, n_head=2)
    CTRLModel(config).save_pretrained(tmp_path, safe_serialization=True)
    return tmp_path


def _assert_words_cover_text(result, text):
    assert all(w.strip() for w in result.words), result.words
    assert [text[a:b] for a, b in result.word_spans] == result.words
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(result.word_spans, result.word_spans[1:], strict=False))
    assert [t.text for t in tokenize_with_spans(text)] == [t for w in result.words for t in tokenize(w)]


# -- kind 1: white-space tokens never become words --------------------------------------------
@pytest.fixture(scope="module")
def gpt2(tmp_path_factory):
    return T.load(str(tiny_byte_level_gpt2(tmp_path_factory.mktemp("gpt2"))))


@pytest.mark.parametrize(
    "text, words",
    [
        ("the  bank", ["the", "bank"]),  # the input: two spaces
        ("the\t\tbank \n\n river  ", ["the", "bank", "river"]),  # tabs, newlines, trailing spaces
        ("  the bank", ["the", "bank"]),  # leading spaces
    ],
)
def test_white_space_tokens_never_become_words(gpt2, text, words):
    result = gpt2.run(text)
    assert any(set(t) <= {"Ġ", "ĉ", "Ċ"} for t in result.tokens)  # the tokenizer does make such tokens
    assert result.words == words
    _assert_words_cover_text(result, text)
    view = A.view_matrix(result.attentions, result.display_tokens, result.word_ids, result.words,
                         result.special_mask, word_level=True, causal=True)  # fmt: skip
    assert view.labels == words and view.title.endswith(", words")
    np.testing.assert_allclose(view.matrix.sum(-1), 1.0, atol=1e-5)


def test_token_view_shows_white_space_the_same_way_for_every_tokenizer(gpt2):
    shown = gpt2.run("the\tbank\nof  river").display_tokens
    assert "".join(shown) == "the⇥bank↵of␣␣river" and not any(c in "".join(shown) for c in "ĠĉĊ")
    assert display_token("▁bank", None) == "␣bank" and display_token("a\tb\n", None) == "a⇥b↵"
    decoder = {c: b for b, c in bytes_to_unicode().items()}
    assert display_token("Ġcaf", decoder) == "␣caf" and display_token("ĉĊ", decoder) == "⇥↵"


# -- kind 4: combining marks and invisible characters ------------------------------------------
def test_a_combining_accent_stays_in_its_word_on_the_attention_page():
    model = T.load()
    text = "cafe\u0301 river bank"
    result = model.run(text)
    assert result.words[0] == "cafe\u0301" and result.word_spans[0] == (0, 5)
    _assert_words_cover_text(result, text)


@pytest.mark.parametrize(
    "text, words",
    [
        ("co\u00adoperate and bank", ["co\u00adoperate", "and", "bank"]),  # soft hyphen
        ("river\u200b bank \u200b end", ["river\u200b", "bank", "end"]),  # zero-width space, alone too
        ("\ufeffthe bank", ["\ufeffthe", "bank"]),  # a byte-order mark at the start
        ("nai\u0308ve bank", ["nai\u0308ve", "bank"]),  # combining diaeresis
    ],
)
def test_invisible_characters_never_make_words(gpt2, text, words):
    assert tokenize(text) == words
    for model in (gpt2, T.load()):
        result = model.run(text)
        assert result.words == words, model.name
        _assert_words_cover_text(result, text)


def test_one_rule_per_unicode_category():
    assert [char_role(c) for c in " \t\n\u00a0\u2028"] == ["space"] * 5
    assert [char_role(c) for c in "\u0301\u0903\u20dd\u00ad\u200b\u200d\ufeff\u2060\u200e"] == ["join"] * 9
    assert [char_role(c) for c in "\x00\x07\x7f"] == ["control"] * 3
    assert [char_role(c) for c in "aé1.$😀\ue000"] == ["visible"] * 7
    assert reading_form("cafe\u0301") == "café" and reading_form("co\u00adoperate") == "cooperate"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cafe\u0301", ["c", "a", "f", "e\u0301"]),
        ("co\u00adop", ["c", "o\u00ad", "o", "p"]),
        ("\u200bab", ["\u200ba", "b"]),  # nothing before: joins the next
        ("a \u200b b", ["a", " \u200b", " ", "b"]),
        ("👩\u200d💻!", ["👩\u200d💻", "!"]),  # a ZWJ sequence is one step
    ],
)
def test_char_lstm_steps_keep_marks_and_invisibles_with_their_character(text, expected):
    found = steps(text)
    assert [s.text for s in found] == expected and "".join(s.text for s in found) == text


def test_char_lstm_trace_has_one_step_per_character_as_typed():
    from engine.models import charlstm

    model = charlstm.load_default()
    decomposed, composed = model.trace("cafe\u0301 bank"), model.trace("café bank")
    assert decomposed.tokens[3] == "e\u0301" and len(decomposed.tokens) == len(composed.tokens) == 9
    np.testing.assert_allclose(decomposed.h, composed.h, atol=1e-6)  # the model reads é either way
    soft = model.trace("co\u00adoperate")
    assert len(soft.tokens) == len("cooperate")
    np.testing.assert_allclose(soft.h, model.trace("cooperate").h, atol=1e-6)


# -- kind 2: a config asking for sdpa ----------------------------------------------------------
def _folder_with_config(tmp_path, **changes):
    folder = tmp_path / "minilm"
    shutil.copytree(T.default_model_dir(), folder)
    config = json.loads((folder / "config.json").read_text()) | changes
    (folder / "config.json").write_text(json.dumps(config))
    return folder


@pytest.mark.parametrize("implementation", ["sdpa", "flash_attention_2"])
def test_a_config_cannot_switch_off_the_attention_weights(tmp_path, implementation):
    folder = _folder_with_config(tmp_path, _attn_implementation=implementation)
    text = "The river bank was muddy ."
    result = T.load(str(folder)).run(text)
    expected = T.load().run(text)
    assert result.attentions.shape[:2] == (6, 12)
    np.testing.assert_allclose(result.attentions, expected.attentions, atol=1e-5)


def test_a_model_that_returns_no_attention_says_so_in_words():
    model = T.load()
    original = model.model.forward

    def without_attentions(*args, **kwargs):
        out = original(*args, **kwargs)
        out.attentions = None
        return out

    model.model.forward = without_attentions
    with pytest.raises(T.ModelLoadError, match="returned no attention weights"):
        model.run("the bank")


# -- kind 8: a tokenizer without offsets -------------------------------------------------------
def test_a_slow_tokenizer_gets_a_visible_note_not_a_false_word_view(tmp_path):
    model = T.load(str(tiny_ctrl(tmp_path)))
    assert not model.tokenizer.is_fast
    result = model.run("the bank of river")
    note = str(result.word_note)
    assert result.words == [] and "not available" in note and model.name in note
    view = A.view_matrix(result.attentions, result.display_tokens, result.word_ids, result.words,
                         result.special_mask, word_level=True, word_note=result.word_note)  # fmt: skip
    assert view.note == note and "words" not in view.title.replace("no word merging", "")
    assert view.labels == result.display_tokens


def test_token_words_without_offsets_says_why():
    words = token_words("a b", [], [True, False, False], "some model")
    assert words.texts == [] and "some model" in str(words.note)
    words = token_words("ab cd", [(0, 0), (0, 1), (1, 3), (3, 5), (0, 0)], [True, False, False, False, True], "m")
    assert words.texts == ["ab", "cd"] and words.word_ids == [None, 0, 0, 1, None]
    # a token spanning two words makes them one; a token over white space only joins the next word
    words = token_words("ab cd ef", [(0, 1), (1, 4), (4, 5), (5, 6), (6, 8)], [False] * 5, "m")
    assert words.texts == ["ab cd", "ef"] and words.word_ids == [0, 0, 0, 1, 1]


def tiny_sentencepiece_bert(tmp_path):
    """A 2-layer BERT with random weights and a SentencePiece-style BPE tokenizer (Metaspace `▁`)."""
    from tokenizers import SentencePieceBPETokenizer
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    core = SentencePieceBPETokenizer()
    core.train_from_iterator(BPE_CORPUS * 20, vocab_size=80, min_frequency=1, special_tokens=["<unk>", "<pad>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>", pad_token="<pad>")
    tokenizer.save_pretrained(tmp_path)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)  # fmt: skip
    BertModel(config).save_pretrained(tmp_path, safe_serialization=True)
    return tmp_path


def test_a_lone_sentencepiece_space_is_never_a_word(tmp_path):
    model = T.load(str(tiny_sentencepiece_bert(tmp_path)))
    text = "the  bank \t river"
    result = model.run(text)
    assert "▁" in result.tokens  # a lone ▁ token, and an <unk> for the tab
    assert result.words == ["the", "bank", "river"]
    _assert_words_cover_text(result, text)
    assert result.display_tokens[:3] == ["␣the", "␣", "␣bank"]
