"""What a page checks before a stored view, read without the model (issue 24, kind 8), against the model.

`ui.cached.transformer_reader` answers `check(text)` and `description` from MiniLM's JSON files and the
stored forward pass; `char_lstm_facts` gives the char-LSTM's name and alphabet from its JSON config.
Both must say exactly what the loaded model says (the reference), on texts with and without problems.
"""

from __future__ import annotations

import pytest

from engine.models import charlstm, transformer
from engine.models.transformer_facts import minilm_facts, stored_check
from ui import cached, viewcache

TEXTS = [
    "The trophy did not fit in the suitcase because it was too big.",
    'He said "meet me at the bank" ☃ and ☂ left.',  # characters MiniLM reads as [UNK]: a warning
    "naïve café façade",
]


@pytest.fixture(scope="module")
def minilm():
    return transformer.load()


@pytest.mark.parametrize("text", TEXTS)
def test_a_stored_forward_pass_checks_like_the_model(minilm, text):
    result = minilm.run(text)
    assert stored_check(result, text, minilm_facts()) == minilm.check(text)


def test_minilm_facts_describe_it_like_the_model(minilm):
    facts = minilm_facts()
    assert facts.description == minilm.description
    assert (facts.num_layers, facts.num_heads, facts.max_tokens) == (minilm.num_layers, minilm.num_heads, 512)
    assert facts.unk_token == minilm.tokenizer.unk_token and facts.is_causal is minilm.is_causal


def test_the_reader_uses_the_stored_view_only_for_its_own_text(minilm, tmp_path, monkeypatch):
    monkeypatch.setattr(viewcache, "FOLDER", tmp_path)
    text = TEXTS[1]
    viewcache.save(viewcache.path_of("attention", ("", False, text)), minilm.run(text))
    reader = cached.transformer_reader("", False, text)
    assert not isinstance(reader, transformer.TransformerModel)  # no model loaded for it
    assert reader.check(text) == minilm.check(text) and reader.check(text)[0].level == "warning"
    assert reader.description == minilm.description
    long_text = "word " * 600  # another text: the model's own check (an error: over 512 tokens)
    assert reader.check(long_text) == minilm.check(long_text) and reader.check(long_text)[0].level == "error"


def test_the_char_lstm_facts_are_the_models():
    model = charlstm.load_default()
    facts = cached.char_lstm_facts()
    assert facts.alphabet == model.alphabet and facts.name == model.name
