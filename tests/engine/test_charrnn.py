"""The char-RNN (engine.models.charrnn) against a plain nn.Embedding + nn.RNN + nn.Linear built here."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from engine.models import charrnn
from engine.models.charlstm import CharLstmConfig
from engine.models.charrnn import CharRnn
from engine.validation import InputError, ModelLoadError

TEXT = 'He said, "the lamp was lit," and went in.\nNaïve café — ok?'


def shipped_or_random(shipped: bool = True) -> CharRnn:
    """The shipped char-RNN (checksums verified), or a small seeded one of the same architecture."""
    if shipped:
        return charrnn.load_default()
    chars = ["\u2047", "\n", " ", '"', ",", ".", "?", "H", "N", *"abcdefghiklmnorstvw", "é", "ï", "—"]
    return CharRnn.random(CharLstmConfig(chars, embedding_dim=8, hidden_size=16, num_layers=2), seed=5)


def plain_forward(model: CharRnn, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(probs [T, V], h [layers, T, H]) from torch's own modules loaded with the model's weights."""
    config = model.config
    embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
    layers = [
        nn.RNN(config.embedding_dim if k == 0 else config.hidden_size, config.hidden_size, nonlinearity="tanh")
        for k in range(config.num_layers)
    ]
    decoder = nn.Linear(config.hidden_size, config.vocab_size)
    state = model.model.state_dict()
    embedding.weight.data = state["embedding.weight"].clone()
    for k, rnn in enumerate(layers):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(rnn, f"{name}_l0").data = state[f"rnn.{name}_l{k}"].clone()
    decoder.weight.data, decoder.bias.data = state["decoder.weight"].clone(), state["decoder.bias"].clone()
    ids = [model.config.chars.index(ch) if ch in model.config.chars else 0 for ch in text]
    with torch.no_grad():
        x, hs = embedding(torch.tensor(ids)).unsqueeze(1), []  # [T, 1, E] (sequence first)
        for rnn in layers:
            x, _ = rnn(x)
            hs.append(x[:, 0])
        probs = torch.softmax(decoder(x[:, 0]), dim=-1)
    return probs.numpy(), torch.stack(hs).numpy()


@pytest.mark.parametrize("shipped", [True, False])
def test_predictions_match_a_plain_rnn_and_decoder(shipped):
    model = shipped_or_random(shipped)
    text = "".join(ch for ch in TEXT if ch in model.config.chars or ch == "ï")  # one unknown kept
    probs, h = plain_forward(model, text)
    np.testing.assert_allclose(model.next_char_probabilities(text), probs, rtol=1e-4, atol=1e-6)
    trace = model.trace(text)
    np.testing.assert_allclose(trace.probs, probs, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(trace.h, h, rtol=1e-4, atol=1e-6)
    assert "".join(trace.tokens) == text


def test_bits_per_char_is_the_mean_surprisal_of_the_plain_forward():
    model = shipped_or_random()
    text = "the lamp was lit, and he went in."
    probs, _ = plain_forward(model, text)
    ids = [model.config.chars.index(ch) if ch in model.config.chars else 0 for ch in text]
    expected = -np.mean([np.log2(probs[k, ids[k + 1]]) for k in range(len(text) - 1)])
    assert model.bits_per_char(text) == pytest.approx(expected, rel=1e-4)


def test_same_vocabulary_and_shape_as_the_char_lstm():
    from engine.models import charlstm

    rnn, lstm = charrnn.load_default(), charlstm.load_default()
    assert rnn.config.chars == lstm.config.chars
    assert (rnn.config.hidden_size, rnn.config.num_layers) == (lstm.config.hidden_size, lstm.config.num_layers)
    assert rnn.model.rnn.nonlinearity == "tanh"


def test_a_damaged_weights_file_is_refused(tmp_path):
    from engine import assets

    (tmp_path / "charrnn").mkdir()
    for name in ("config.json", "model.safetensors"):
        (tmp_path / "charrnn" / name).write_bytes((charrnn.ASSETS / "charrnn" / name).read_bytes())
    sums = tmp_path / "SHA256SUMS"
    sums.write_text((charrnn.ASSETS / "SHA256SUMS").read_text())
    assets.verify(tmp_path / "charrnn" / "model.safetensors", sums)  # intact: accepted
    with (tmp_path / "charrnn" / "model.safetensors").open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\x00\x01\x02\x03")
    with pytest.raises(ModelLoadError, match="not the recorded"):
        assets.verify(tmp_path / "charrnn" / "model.safetensors", sums)


def test_the_rnn_refuses_what_it_cannot_do_in_plain_words():
    model = shipped_or_random()
    with pytest.raises(InputError, match="empty"):
        model.trace("")
    with pytest.raises(InputError, match="no gates"):
        model.trace("abc", intervention=object())  # type: ignore[arg-type]
