"""trace_gates against nn.LSTM itself: the reported h and c are the LSTM's own, in every configuration."""

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from engine.models import lstm as lstm_engine
from engine.models.lstm import GateTrace, previous_steps, trace_gates

CONFIGS = list(itertools.product([1, 2], [False, True], [False, True], [0, 3]))


def copy_layers(lstm: nn.LSTM, first: int, count: int, input_size: int) -> nn.LSTM:
    """An nn.LSTM made of `count` layers of `lstm` starting at layer `first` (weights copied)."""
    part = nn.LSTM(
        input_size, lstm.hidden_size, num_layers=count, bidirectional=lstm.bidirectional, proj_size=lstm.proj_size
    )
    with torch.no_grad():
        for name, param in part.named_parameters():
            layer = int(name.split("_l")[1].split("_")[0])
            param.copy_(getattr(lstm, name.replace(f"_l{layer}", f"_l{layer + first}")))
    return part


def reference_states(lstm: nn.LSTM, x: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """h and c of every layer/direction/step, read off nn.LSTM's own returned (h_n, c_n).

    Layer k's input is the output of nn.LSTM made of the layers below it; then a one-layer nn.LSTM
    with layer k's weights is run on each prefix (forward direction) and each suffix (backward): the
    state it returns is the state after step t. Nothing is recomputed by hand.
    """
    seq = x.transpose(0, 1) if lstm.batch_first else x  # [T, B, in]
    steps, batch = seq.shape[:2]
    dirs = 2 if lstm.bidirectional else 1
    out = lstm.proj_size or lstm.hidden_size
    hs = np.zeros((lstm.num_layers, dirs, batch, steps, out), np.float32)
    cs = np.zeros((lstm.num_layers, dirs, batch, steps, lstm.hidden_size), np.float32)
    with torch.no_grad():
        for layer in range(lstm.num_layers):
            inputs = seq if layer == 0 else copy_layers(lstm, 0, layer, lstm.input_size)(seq)[0]
            single = copy_layers(lstm, layer, 1, inputs.shape[-1])
            for t in range(steps):
                for direction, part in ((0, inputs[: t + 1]), (1, inputs[t:]))[:dirs]:
                    _, (h_n, c_n) = single(part)
                    hs[layer, direction, :, t] = h_n[direction].numpy()
                    cs[layer, direction, :, t] = c_n[direction].numpy()
    return hs, cs


@pytest.mark.parametrize("kernel_gates", [True, False], ids=["kernel-gates", "recomputed-gates"])
@pytest.mark.parametrize("layers,bidirectional,batch_first,proj_size", CONFIGS)
def test_trace_matches_nn_lstm(layers, bidirectional, batch_first, proj_size, kernel_gates):
    torch.manual_seed(layers * 100 + bidirectional * 10 + batch_first + proj_size)
    lstm = nn.LSTM(5, 7, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, proj_size=proj_size)
    x = torch.randn(3, 6, 5) * 2  # [batch, T, in] or [T, batch, in]: shapes are fine either way
    trace = trace_gates(lstm, x, kernel_gates=kernel_gates)
    # the kernel's own gates wherever torch's oneDNN kernel runs it (no projection, CPU float32)
    reads_kernel = kernel_gates and proj_size == 0 and torch.backends.mkldnn.is_available()
    assert trace.gate_source == ("kernel" if reads_kernel else "recomputed")
    dirs = 2 if bidirectional else 1
    batch = x.shape[0] if batch_first else x.shape[1]
    steps = x.shape[1] if batch_first else x.shape[0]
    assert trace.i.shape == (layers, dirs, batch, steps, 7)
    assert trace.h.shape == (layers, dirs, batch, steps, proj_size or 7)

    # the top layer's h for every step is nn.LSTM's output
    with torch.no_grad():
        output, (h_n, c_n) = lstm(x)
    output = output if batch_first else output.transpose(0, 1)  # [B, T, D*out]
    top = trace.h[-1].transpose(1, 2, 0, 3).reshape(batch, steps, -1)
    np.testing.assert_allclose(top, output.numpy(), atol=1e-5)
    # the final h and c of every layer and direction are nn.LSTM's h_n and c_n
    h_n = h_n.view(layers, dirs, batch, -1).numpy()
    c_n = c_n.view(layers, dirs, batch, -1).numpy()
    np.testing.assert_allclose(trace.h[:, 0, :, -1], h_n[:, 0], atol=1e-5)
    np.testing.assert_allclose(trace.c[:, 0, :, -1], c_n[:, 0], atol=1e-5)
    if bidirectional:
        np.testing.assert_allclose(trace.h[:, 1, :, 0], h_n[:, 1], atol=1e-5)
        np.testing.assert_allclose(trace.c[:, 1, :, 0], c_n[:, 1], atol=1e-5)
    # every layer, direction and step: nn.LSTM's own state after reading up to that step
    hs, cs = reference_states(lstm, x)
    np.testing.assert_allclose(trace.h, hs, atol=1e-5)
    np.testing.assert_allclose(trace.c, cs, atol=1e-5)


def test_trace_with_initial_state_matches():
    torch.manual_seed(0)
    lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True, batch_first=True, proj_size=2)
    x = torch.randn(2, 5, 4)
    state = (torch.randn(4, 2, 2), torch.randn(4, 2, 6))
    trace = trace_gates(lstm, x, state)
    with torch.no_grad():
        output, (_h_n, c_n) = lstm(x, state)
    top = trace.h[-1].transpose(1, 2, 0, 3).reshape(2, 5, -1)
    np.testing.assert_allclose(top, output.numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.c[:, 0, :, -1], c_n.view(2, 2, 2, 6)[:, 0].numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.c[:, 1, :, 0], c_n.view(2, 2, 2, 6)[:, 1].numpy(), atol=1e-5)


needs_onednn = pytest.mark.skipif(not torch.backends.mkldnn.is_available(), reason="torch built without oneDNN")


@needs_onednn
@pytest.mark.parametrize("bidirectional", [False, True])
def test_kernel_gates_equal_recomputed_gates(bidirectional):
    torch.manual_seed(3)
    lstm = nn.LSTM(6, 40, num_layers=2, bidirectional=bidirectional)  # 4 x 40 gates: a padded workspace row
    x = torch.randn(30, 3, 6)
    state = (torch.randn(2 * (1 + bidirectional), 3, 40), torch.randn(2 * (1 + bidirectional), 3, 40))
    read = trace_gates(lstm, x, state)
    recomputed = trace_gates(lstm, x, state, kernel_gates=False)
    assert (read.gate_source, recomputed.gate_source) == ("kernel", "recomputed")
    for quantity in "ifgoch":
        np.testing.assert_allclose(read.get(quantity), recomputed.get(quantity), atol=2e-6)


@needs_onednn
def test_misread_kernel_gates_fall_back_to_recomputing(monkeypatch):
    """The consistency check catches gates read from the wrong place; the trace is still exact."""
    torch.manual_seed(4)
    lstm = nn.LSTM(5, 8, num_layers=2)
    x = torch.randn(6, 2, 5)
    expected = trace_gates(lstm, x, kernel_gates=False)
    monkeypatch.setattr(lstm_engine, "_workspace_gates_row", lambda gates: gates + 16)  # one row off
    trace = trace_gates(lstm, x)
    assert trace.gate_source == "recomputed"
    for quantity in "ifgoch":
        np.testing.assert_allclose(trace.get(quantity), expected.get(quantity), atol=1e-6)


def test_other_dtypes_recompute_the_gates():
    torch.manual_seed(5)
    lstm = nn.LSTM(3, 4).double()
    x = torch.randn(5, 1, 3, dtype=torch.float64)
    trace = trace_gates(lstm, x)
    assert trace.gate_source == "recomputed"
    with torch.no_grad():
        output, _ = lstm(x)
    np.testing.assert_allclose(trace.h[0, 0, 0], output[:, 0].numpy(), atol=1e-6)


def test_gate_ranges_and_cell_recurrence():
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 8, num_layers=2, bidirectional=True)
    trace = trace_gates(lstm, torch.randn(9, 2, 3) * 3)
    for gate in (trace.i, trace.f, trace.o):
        assert gate.min() > 0 and gate.max() < 1
    assert trace.g.min() > -1 and trace.g.max() < 1
    np.testing.assert_allclose(trace.c, trace.kept + trace.written, atol=1e-6)
    np.testing.assert_allclose(trace.h, trace.o * np.tanh(trace.c), atol=1e-6)


def test_previous_steps_runs_each_direction_in_its_own_order():
    states = np.arange(2 * 2 * 1 * 3 * 1, dtype=np.float32).reshape(2, 2, 1, 3, 1)
    prev = previous_steps(states)
    assert prev[0, 0, 0, :, 0].tolist() == [0, 0, 1]
    assert prev[0, 1, 0, :, 0].tolist() == [4, 5, 0]


def test_trace_is_a_plain_dataclass_of_numpy():
    trace = trace_gates(nn.LSTM(2, 3), torch.zeros(4, 1, 2))
    assert isinstance(trace, GateTrace)
    assert all(isinstance(trace.get(q), np.ndarray) and trace.get(q).dtype == np.float32 for q in "ifgoch")
