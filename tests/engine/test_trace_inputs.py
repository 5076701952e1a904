"""Issue 13, kinds 7 and 9: `trace_gates` refuses what nn.LSTM refuses, and every trace keeps its
ledger identities (kept + written = c, h = o ⊙ tanh(c)) at the edges, whichever options are passed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from engine.models.elmo import Elmo
from engine.models.lstm import TraceInputError, trace_gates
from engine.validation import InputError
from tests.engine.test_elmo import write_model


def _nn_lstm_message(lstm, *args) -> str:
    with pytest.raises((RuntimeError, ValueError)) as refused:
        lstm(*args)
    return str(refused.value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: (torch.randn(4, 1, 7), None),  # the input: input.size(-1) != input_size
        lambda: (torch.randn(4, 2, 2), None),  # too few features
        lambda: (torch.randn(4, 1, 3, 2), None),  # 4-D
        lambda: (torch.randn(3), None),  # 1-D
        lambda: (torch.randn(4, 1, 3, dtype=torch.float64), None),  # dtype
        lambda: (torch.ones(4, 1, 3, dtype=torch.long), None),  # integer input
        lambda: (torch.randn(0, 1, 3), None),  # no steps
        lambda: (torch.randn(4, 1, 3), (torch.zeros(1, 2, 5), torch.zeros(1, 2, 5))),  # state batch
        lambda: (torch.randn(4, 1, 3), (torch.zeros(1, 1, 4), torch.zeros(1, 1, 5))),  # h_0 size
        lambda: (torch.randn(4, 1, 3), (torch.zeros(1, 1, 5), torch.zeros(2, 1, 5))),  # c_0 layers
        lambda: (torch.randn(4, 1, 3), (torch.zeros(1, 5), torch.zeros(1, 5))),  # 2-D state, 3-D input
        lambda: (torch.randn(4, 3), (torch.zeros(1, 1, 5), torch.zeros(1, 1, 5))),  # 3-D state, 2-D input
        lambda: (torch.randn(4, 1, 3, device="meta"), None),  # another device than the weights
    ],
)
def test_trace_gates_refuses_what_nn_lstm_refuses_with_its_words(make):
    lstm = nn.LSTM(3, 5)
    x, state = make()
    expected = _nn_lstm_message(lstm, x, state)
    with pytest.raises(TraceInputError) as refused:
        trace_gates(lstm, x, state)
    assert isinstance(refused.value, InputError) and isinstance(refused.value, RuntimeError)
    message = str(refused.value)
    assert message
    # nn.LSTM's own words, or (for dtypes of the state, which nn.LSTM reports from deep in its kernel) ours
    if any(words in expected for words in ("Expected", "must be equal", "dtype", "same device")):
        assert message == expected


def test_trace_gates_refuses_a_state_of_another_dtype_and_non_lstms():
    lstm = nn.LSTM(3, 5)
    with pytest.raises(TraceInputError, match=r"h_0 is torch\.float64"):
        trace_gates(lstm, torch.randn(4, 1, 3), (torch.zeros(1, 1, 5, dtype=torch.float64), torch.zeros(1, 1, 5)))
    with pytest.raises(TraceInputError, match=r"torch\.nn\.LSTM"):
        trace_gates(nn.GRU(3, 5), torch.randn(4, 1, 3))
    packed = nn.utils.rnn.pack_sequence([torch.randn(4, 3), torch.randn(2, 3)])
    with pytest.raises(TraceInputError, match="PackedSequence"):
        trace_gates(lstm, packed)


def test_unbatched_input_is_traced_like_nn_lstm_traces_it():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True).eval()
    x = torch.randn(6, 3)
    state = (torch.randn(4, 5), torch.randn(4, 5))
    out, _ = lstm(x, state)
    trace = trace_gates(lstm, x, state)
    assert trace.h.shape == (2, 2, 1, 6, 5)
    np.testing.assert_allclose(trace.h[1, 0, 0], out[:, :5].detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.h[1, 1, 0], out[:, 5:].detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.kept + trace.written, trace.c, atol=1e-5)


def test_dropout_in_training_mode_is_warned_about():
    lstm = nn.LSTM(3, 5, num_layers=2, dropout=0.5)  # training mode by default
    with pytest.warns(UserWarning, match="dropout"):
        trace_gates(lstm, torch.randn(4, 1, 3))
    lstm.eval()
    trace_gates(lstm, torch.randn(4, 1, 3))  # no warning in eval mode (pytest -W error would catch one)


@pytest.mark.parametrize("kernel_gates", [True, False])
def test_kept_uses_the_given_initial_state(kernel_gates):
    """With a non-zero (h_0, c_0), kept at the first step is f ⊙ c_0 (it was f ⊙ 0)."""
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True).eval()
    state = (torch.randn(4, 2, 4), torch.randn(4, 2, 4) * 2)
    trace = trace_gates(lstm, torch.randn(5, 2, 3), state, kernel_gates=kernel_gates)
    np.testing.assert_allclose(trace.kept + trace.written, trace.c, atol=1e-5)
    c0 = state[1].numpy().reshape(2, 2, 2, 4)
    np.testing.assert_allclose(trace.kept[:, 0, :, 0], trace.f[:, 0, :, 0] * c0[:, 0], atol=1e-6)
    np.testing.assert_allclose(trace.kept[:, 1, :, -1], trace.f[:, 1, :, -1] * c0[:, 1], atol=1e-6)


def _assert_elmo_identities(trace, cell_clip: float) -> None:
    np.testing.assert_allclose(np.clip(trace.kept + trace.written, -cell_clip, cell_clip), trace.c, atol=1e-5)


@pytest.mark.parametrize("with_boundaries", [False, True])
@pytest.mark.parametrize("scale", [1.0, 4.0])
def test_elmo_ledger_holds_at_the_edges(tmp_path, with_boundaries, scale):
    """Issue 13, kind 9: the first forward step and the last backward step of `gates(...)` (the
    engine default drops <S> and </S>) start from the state the boundaries left, not from zeros."""
    options, weights = write_model(tmp_path, scale=scale)[:2]
    elmo = Elmo.from_files(options, weights)
    for sentence in (["We", "sat", "on", "the", "bank", "."], ["bank"]):
        trace = elmo.gates(sentence, with_boundaries=with_boundaries)
        _assert_elmo_identities(trace, elmo.options.cell_clip or np.inf)
        # the window of the full trace, with the same numbers
        full = elmo.gates(sentence, with_boundaries=True)
        if not with_boundaries:
            np.testing.assert_allclose(trace.kept, full.kept[:, :, :, 1:-1], atol=1e-6)
