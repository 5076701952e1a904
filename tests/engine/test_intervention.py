"""The char-LSTM's predictions and interventions against plain references written here.

Predictions: nn.LSTM + the decoder, run as a model forward. Interventions: a per-step loop over
every layer that applies the change by hand (c-clamp, h-freeze; layers 1 and 2)."""

import numpy as np
import pytest
import torch

from engine.models import charlstm
from engine.models.intervention import Intervention
from engine.models.lstm import trace_gates
from engine.validation import InputError

TEXT = 'He said "meet me at the bank" and left.'


@pytest.fixture(scope="module")
def model():
    return charlstm.load_default()


@torch.no_grad()
def reference_loop(model, text: str, change: Intervention | None) -> dict[str, np.ndarray]:
    """Every layer stepped one character at a time, the change applied inside the loop."""
    lstm, net = model.model.lstm, model.model
    layer_input = net.embedding(model.encode(text))  # [T, E]
    steps = layer_input.shape[0]
    out = {k: np.zeros((lstm.num_layers, steps, lstm.hidden_size), np.float32) for k in "ifgoch"}
    for layer in range(lstm.num_layers):
        w_ih, w_hh = getattr(lstm, f"weight_ih_l{layer}"), getattr(lstm, f"weight_hh_l{layer}")
        bias = getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
        h, c = torch.zeros(lstm.hidden_size), torch.zeros(lstm.hidden_size)
        active = change is not None and change.layer == layer
        frozen = None
        outputs = []
        for t in range(steps):
            if active and t == change.start:
                frozen = h[list(change.units)].clone()
            i, f, g, o = (w_ih @ layer_input[t] + w_hh @ h + bias).chunk(4)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            if active and t >= change.start and change.mode.startswith("clamp"):
                c[list(change.units)] = change.clamp_value
            h = o * torch.tanh(c)
            if active and t >= change.start and change.mode == "freeze h":
                h[list(change.units)] = frozen
            for name, value in zip("ifgoch", (i, f, g, o, c, h), strict=True):
                out[name][layer, t] = value.numpy()
            outputs.append(h)
        layer_input = torch.stack(outputs)
    out["probs"] = torch.softmax(net.decoder(layer_input), dim=-1).numpy()
    return out


def test_predictions_match_nn_lstm_and_decoder(model):
    trace = model.trace(TEXT)
    with torch.no_grad():
        logits, _ = model.model(model.encode(TEXT).unsqueeze(0))  # nn.LSTM + decoder, as trained
    expected = torch.softmax(logits[0], dim=-1).numpy()
    assert trace.probs.shape == (len(TEXT), model.config.vocab_size)
    np.testing.assert_allclose(trace.probs, expected, atol=1e-5)
    np.testing.assert_allclose(trace.probs.sum(axis=1), 1, atol=1e-5)


def test_no_intervention_is_todays_trace(model):
    trace = model.trace(TEXT)
    with torch.inference_mode():
        gates = trace_gates(model.model.lstm, model.model.embedding(model.encode(TEXT).unsqueeze(0)))
    for name in "ifgoch":
        assert np.array_equal(trace.get(name), gates.get(name)), name
    assert trace.intervention is None and trace.tokens == list(TEXT)


CHANGES = [
    Intervention(layer, (3, 77, 200), mode, start, value)
    for layer in (0, 1)
    for mode, start, value in (("clamp c to 0", 9, 0.0), ("clamp c to a value", 0, 2.5), ("freeze h", 9, 0.0))
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: f"layer{c.layer + 1}-{c.mode}-from{c.start}")
def test_intervention_matches_the_per_step_loop(model, change):
    got = model.trace(TEXT, change)
    expected = reference_loop(model, TEXT, change)
    for name in "ifgoch":
        # c is unbounded (|c| reaches ~30 here): float32 rounding is relative for it
        np.testing.assert_allclose(
            got.get(name)[:, 0, 0], expected[name], atol=1e-5, rtol=1e-5 if name == "c" else 0, err_msg=name
        )
    np.testing.assert_allclose(got.probs, expected["probs"], atol=1e-5)
    units = list(change.units)
    if change.mode.startswith("clamp"):
        assert (got.c[change.layer, 0, 0, change.start :, units] == change.clamp_value).all()
    # the change mattered: the model's predictions after it are different
    assert np.abs(got.probs[change.start + 1 :] - model.trace(TEXT).probs[change.start + 1 :]).max() > 1e-3


@pytest.mark.parametrize("change", CHANGES[:3] + CHANGES[4:5], ids=lambda c: f"layer{c.layer + 1}-{c.mode}")
def test_steps_before_the_intervention_are_bit_identical(model, change):
    change = Intervention(change.layer, change.units, change.mode, 20, change.value)
    plain, got = model.trace(TEXT), model.trace(TEXT, change)
    for name in "ifgoch":
        assert np.array_equal(got.get(name)[..., :20, :], plain.get(name)[..., :20, :]), name
    assert np.array_equal(got.probs[:20], plain.probs[:20])
    assert not np.array_equal(got.probs[20:], plain.probs[20:])


@pytest.mark.parametrize(
    "change, expected",
    [
        (Intervention(2, (1,)), "layers 1 to 2"),
        (Intervention(0, (512,)), "from 0 to 511"),
        (Intervention(0, ()), "at least one unit"),
        (Intervention(0, (1,), start=len(TEXT)), f"from 0 to {len(TEXT) - 1}"),
        (Intervention(0, (1,), mode="unplug"), "choose one of"),
    ],
)
def test_bad_interventions_are_named(model, change, expected):
    with pytest.raises(InputError, match=expected):
        model.trace(TEXT, change)
