"""Connectivity (engine.analysis.memory) against independent references: float64 finite differences
on a tiny model, a plain per-step loop with autograd on the shipped models, and the trace's own f."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from engine.analysis.memory import connectivity, influence_by_distance
from engine.models.charlstm import CharLstm, CharLstmConfig
from engine.models.charrnn import CharRnn
from engine.models.lstm import trace_gates
from engine.validation import InputError

CHARS = ["\u2047", " ", '"', "a", "b", "c", "d", "e"]
TEXT = 'a "bad cab" dace'


def tiny(kind: type[CharLstm], seed: int = 3) -> CharLstm:
    model = kind.random(CharLstmConfig(CHARS, embedding_dim=3, hidden_size=4, num_layers=2), seed=seed)
    model.model.double()
    return model


def step_by_step(model: CharLstm, text: str, target: int) -> tuple[torch.Tensor, list, list, torch.Tensor]:
    """The reference: the recurrence written out one step at a time (formulas of nn.RNN / nn.LSTM's docs),
    every x_k, h_k, c_k a leaf or retained node, then autograd. Returns (log p, xs, hs, cs)."""
    network = model.model
    rnn = getattr(network, "lstm", None) or network.rnn
    is_lstm = isinstance(rnn, nn.LSTM)
    ids = model.encode(text)[: target + 1]
    xs = [network.embedding.weight[i].detach().clone().requires_grad_(True) for i in ids]
    hs = [[] for _ in range(rnn.num_layers)]
    cs = [[] for _ in range(rnn.num_layers)]
    inputs = xs
    for layer in range(rnn.num_layers):
        w_ih, w_hh = getattr(rnn, f"weight_ih_l{layer}"), getattr(rnn, f"weight_hh_l{layer}")
        b = getattr(rnn, f"bias_ih_l{layer}") + getattr(rnn, f"bias_hh_l{layer}")
        h = torch.zeros(rnn.hidden_size, dtype=w_ih.dtype)
        c = torch.zeros(rnn.hidden_size, dtype=w_ih.dtype)
        for x in inputs:
            pre = w_ih @ x + w_hh @ h + b
            if is_lstm:
                i, f, g, o = pre.chunk(4)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                c.retain_grad()
                cs[layer].append(c)
            else:
                h = torch.tanh(pre)
            h.retain_grad()
            hs[layer].append(h)
        inputs = hs[layer]
    log_p = torch.log_softmax(network.decoder(hs[-1][-1]), dim=-1)[model.encode(text)[target + 1]]
    log_p.backward()
    return log_p, xs, hs, cs


@pytest.mark.parametrize("kind", [CharLstm, CharRnn])
def test_connectivity_matches_float64_finite_differences(kind):
    model, target, eps = tiny(kind), 9, 1e-6
    result = connectivity(model, TEXT, target)
    network = model.model
    ids = model.encode(TEXT)

    def log_p(embedded: torch.Tensor) -> float:
        with torch.no_grad():
            output, _ = (getattr(network, "lstm", None) or network.rnn)(embedded.unsqueeze(0))
            return float(torch.log_softmax(network.decoder(output[0, -1]), dim=-1)[ids[target + 1]])

    base = network.embedding(ids[: target + 1]).detach()
    for k in range(target + 1):
        gradient = np.zeros(base.shape[1])
        for j in range(base.shape[1]):
            up, down = base.clone(), base.clone()
            up[k, j] += eps
            down[k, j] -= eps
            gradient[j] = (log_p(up) - log_p(down)) / (2 * eps)
        assert result.inputs[k] == pytest.approx(np.linalg.norm(gradient), rel=1e-4, abs=1e-9)
    assert result.log_prob == pytest.approx(log_p(base), abs=1e-6)


@pytest.mark.parametrize("kind", [CharLstm, CharRnn])
def test_state_gradients_match_a_step_by_step_loop_on_a_tiny_model(kind):
    model, target = tiny(kind), 12
    result = connectivity(model, TEXT, target)
    _, xs, hs, cs = step_by_step(model, TEXT, target)
    np.testing.assert_allclose(result.inputs, [float(x.grad.norm()) for x in xs], rtol=1e-5, atol=1e-12)
    expected_h = [[float(h.grad.norm()) for h in layer] for layer in hs]
    np.testing.assert_allclose(result.hidden, expected_h, rtol=1e-5, atol=1e-12)
    if kind is CharLstm:
        np.testing.assert_allclose(result.cell, [[float(c.grad.norm()) for c in layer] for layer in cs], rtol=1e-5)
    else:
        assert result.cell is None and result.forget_product is None


@pytest.mark.parametrize("which", ["charlstm", "charrnn"])
def test_shipped_models_match_a_step_by_step_loop(which):
    from engine.models import charlstm, charrnn

    model = {"charlstm": charlstm.load_default, "charrnn": charrnn.load_default}[which]()
    text = 'She said, "the lamp was lit before the night came," and went in.'
    target = 50
    result = connectivity(model, text, target)
    log_p, xs, hs, _ = step_by_step(model, text, target)
    assert result.log_prob == pytest.approx(float(log_p.detach()), abs=1e-4)
    np.testing.assert_allclose(result.inputs, [float(x.grad.norm()) for x in xs], rtol=2e-3, atol=1e-7)
    np.testing.assert_allclose(
        result.hidden, [[float(h.grad.norm()) for h in layer] for layer in hs], rtol=2e-3, atol=1e-7
    )


def test_forget_product_is_the_product_of_the_traces_own_forget_gates():
    model, target = tiny(CharLstm), 11
    result = connectivity(model, TEXT, target)
    with torch.no_grad():
        embedded = model.model.embedding(model.encode(TEXT)[: target + 1]).unsqueeze(0)
    f = trace_gates(model.model.lstm, embedded).f[:, 0, 0]  # [layers, T, units], the gate trace's own f
    for k in (0, 4, 10, target):
        expected = np.prod(f[:, k + 1 : target + 1], axis=1)  # empty product = 1 at k = target
        np.testing.assert_allclose(result.forget_product[:, k], expected, rtol=1e-5)


def test_influence_by_distance_counts_back_from_the_target():
    result = connectivity(tiny(CharRnn), TEXT, 9)
    distances, influence = influence_by_distance(result)
    assert list(distances) == list(range(10))
    assert influence[0] == pytest.approx(result.inputs[9] / result.inputs.max())
    assert influence.max() == pytest.approx(1.0)


@pytest.mark.parametrize("target", [-1, len(TEXT) - 1, 100])
def test_a_target_without_a_next_character_is_refused_with_the_limit(target):
    with pytest.raises(InputError, match=f"from 1 to {len(TEXT) - 1}"):
        connectivity(tiny(CharRnn), TEXT, target)


def test_memory_test_probabilities_are_the_models_own_probs_at_the_closing_place():
    from engine.analysis.memory import QUOTE, memory_test, probe_texts
    from engine.models import charlstm

    lstm = charlstm.load_default()
    rnn = CharRnn.random(lstm.config, seed=1)
    for model, unit in ((lstm, (1, 7)), (rnn, None)):
        result = memory_test(model, distances=(5, 50), per_distance=2, unit=unit)
        assert result.texts == [probe_texts(5, 2), probe_texts(50, 2)]
        quote = model.config.chars.index(QUOTE)
        for d, row in enumerate(result.texts):
            for k, text in enumerate(row):
                assert len(text) == result.distances[d] and QUOTE not in text and text[-1] in ",.;:!?"
                with torch.inference_mode():
                    logits, _ = model.model(model.encode(QUOTE + text).unsqueeze(0))
                    control, _ = model.model(model.encode(text).unsqueeze(0))
                assert result.p_quote[d, k] == pytest.approx(float(torch.softmax(logits[0, -1], -1)[quote]), rel=1e-4)
                assert result.p_control[d, k] == pytest.approx(
                    float(torch.softmax(control[0, -1], -1)[quote]), rel=1e-4
                )
                if unit is not None:
                    c = model.trace(QUOTE + text).c[1, 0, 0, -1, 7]
                    assert result.cell[d, k] == pytest.approx(float(c))
        assert (result.unit is None) == (model is rnn) and (result.cell is None) == (model is rnn)
