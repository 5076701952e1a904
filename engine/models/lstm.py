"""Exact gate values for any `torch.nn.LSTM`, without stepping a matrix product through time.

`nn.LSTM` (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000) computes per step

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)        input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)        forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)     cell candidate
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)        output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)            (then h_t = W_hr h_t when proj_size > 0)

but returns only h (and the last c). `trace_gates` gets every gate back exactly. It runs the fused
`nn.LSTM` kernel one layer at a time to get h for all steps (the only sequential part, in torch's own
kernel), and then

- on CPU float32 without projection (torch's oneDNN kernel, the usual case), reads i, f, g and o
  straight from the kernel: asked for its training workspace, oneDNN keeps every gate it computed,
  so nothing is recomputed; a consistency check (h_t = o_t ⊙ tanh(c_t) against the kernel's own h)
  guards the reading, and any mismatch falls back to the next way;
- elsewhere (proj_size > 0, float64, another device, no oneDNN) computes all gates of a layer at
  once from (x_t, h_{t-1}) with one batched matmul per direction.

Either way c then follows from the gates by the elementwise recurrence above.

`trace_gates` takes exactly what `nn.LSTM` takes and refuses what it refuses (input and state
sizes, dims, dtypes, devices), with `nn.LSTM`'s own message, as a `TraceInputError` (both the
project's `InputError` and a `RuntimeError`). The one `nn.LSTM` setting it does not reproduce is
dropout between layers in training mode (random): the trace is the eval-mode one, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from engine.models.lstm_checks import TraceInputError, check_inputs

__all__ = ["GATE_NAMES", "QUANTITIES", "GateTrace", "TraceInputError", "previous_steps", "trace_gates"]

GATE_NAMES = ("i", "f", "g", "o")
QUANTITIES = ("i", "f", "g", "o", "c", "h")


@dataclass
class GateTrace:
    """Every gate and state of an LSTM, for every layer, direction, sequence, step and unit.

    i, f, g, o, c: float32 `[layers, directions, batch, T, hidden_size]`
    h:             float32 `[layers, directions, batch, T, proj_size or hidden_size]`
    Direction 1 (backward) is stored in the text's own order: step t of it has read t..T-1.
    `tokens` (optional) labels the T steps; `layer_names` and `direction_names` label the axes.
    `gate_source` says how `trace_gates` got the gates: "kernel" (read from the fused kernel) or
    "recomputed" (from h, one matmul per layer and direction); other engines leave it empty.
    `c_initial` float32 `[layers, directions, batch, hidden_size]`: the cell state before each
    direction's first step (c_0 given to the LSTM, or the state a window of a longer trace starts
    from); None means zeros.

    Identities every trace satisfies: kept + written = c (after the clip, where a model clips c),
    and h = o ⊙ tanh(c) for each cell's own output (before any projection).
    """

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    tokens: list[str] = field(default_factory=list)
    layer_names: list[str] = field(default_factory=list)
    direction_names: list[str] = field(default_factory=list)
    gate_source: str = ""
    c_initial: np.ndarray | None = None

    def __post_init__(self) -> None:
        layers, directions = self.i.shape[:2]
        if not self.layer_names:
            self.layer_names = [f"layer {k + 1}" for k in range(layers)]
        if not self.direction_names:
            self.direction_names = ["forward", "backward"][:directions]

    def get(self, quantity: str) -> np.ndarray:
        if quantity not in QUANTITIES:
            raise KeyError(f"unknown quantity {quantity!r}; choose one of {QUANTITIES}")
        return getattr(self, quantity)

    @property
    def kept(self) -> np.ndarray:
        """f_t ⊙ c_{t-1}: the part of the memory carried over at each step (the ledger's "kept");
        c_{-1} is `c_initial` (the state the trace starts from), zeros when that is None."""
        return self.f * previous_steps(self.c, self.c_initial)

    @property
    def written(self) -> np.ndarray:
        """i_t ⊙ g_t: what each step writes into the memory (the ledger's "written")."""
        return self.i * self.g

    @property
    def shape(self) -> tuple[int, ...]:
        return self.i.shape


def previous_steps(states: np.ndarray, initial: np.ndarray | None = None) -> np.ndarray:
    """s_{t-1} for every t along axis -2 (in each direction's order), with `initial`
    `[layers, directions, batch, n]` (zeros when None) before the first step.

    The forward direction's predecessor of step t is t-1, the backward direction's is t+1.
    """
    prev = np.zeros_like(states)
    prev[:, 0, :, 1:] = states[:, 0, :, :-1]
    if states.shape[1] > 1:
        prev[:, 1, :, :-1] = states[:, 1, :, 1:]
    if initial is not None and states.shape[-2] > 0:
        prev[:, 0, :, 0] = initial[:, 0]
        if states.shape[1] > 1:
            prev[:, 1, :, -1] = initial[:, 1]
    return prev


def layer_weights(lstm: nn.LSTM, layer: int, direction: int) -> dict[str, torch.Tensor]:
    """One layer and direction's parameters as named in `nn.LSTM`: "weight_ih" `[4H, in]`, "weight_hh"
    `[4H, P or H]`, "bias" `[4H]` (b_ih + b_hh, zeros without biases), and "weight_hr" `[P, H]` with a
    projection. Gate rows in PyTorch's order i, f, g, o."""
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    weights = {name: getattr(lstm, f"{name}{suffix}") for name in ("weight_ih", "weight_hh")}
    weights["bias"] = (
        getattr(lstm, f"bias_ih{suffix}") + getattr(lstm, f"bias_hh{suffix}")
        if lstm.bias
        else torch.zeros(4 * lstm.hidden_size, dtype=weights["weight_ih"].dtype)
    )
    if lstm.proj_size > 0:
        weights["weight_hr"] = getattr(lstm, f"weight_hr{suffix}")
    return weights


def single_layer(lstm: nn.LSTM, layer: int) -> nn.LSTM:
    """A one-layer `nn.LSTM` sharing layer `layer`'s parameters, to run the fused kernel layer by layer."""
    input_size = lstm.input_size if layer == 0 else lstm.proj_size or lstm.hidden_size
    input_size *= 1 if layer == 0 else (2 if lstm.bidirectional else 1)
    single = nn.LSTM(
        input_size,
        lstm.hidden_size,
        num_layers=1,
        bias=lstm.bias,
        batch_first=False,
        bidirectional=lstm.bidirectional,
        proj_size=lstm.proj_size,
        device="meta",  # no storage and no random initialisation: the parameters are replaced below
        dtype=lstm.weight_ih_l0.dtype,
    )
    for name in single._flat_weights_names:
        source = name.replace("_l0", f"_l{layer}")
        setattr(single, name, getattr(lstm, source))
    single._init_flat_weights()
    return single


@torch.inference_mode()
def trace_gates(
    lstm: nn.LSTM,
    x: torch.Tensor,
    state: tuple[torch.Tensor, torch.Tensor] | None = None,
    *,
    kernel_gates: bool = True,
) -> GateTrace:
    """Input, forget, cell-candidate and output gates, c and h of `lstm` on `x`, for every step and unit.

    `x` is what `lstm` takes: `[T, batch, input]`, `[batch, T, input]` when `batch_first`, or
    unbatched `[T, input]` (traced as a batch of one); `state` is the optional `(h_0, c_0)` of shapes
    `[layers * directions, batch, proj_size or hidden]` and `[layers * directions, batch, hidden]`
    (without the batch axis for unbatched input), zeros when omitted, exactly as `nn.LSTM` takes it.
    The trace's h and c equal what `lstm(x, state)` computes (to float32 rounding); its `c_initial`
    is c_0, so kept + written = c holds at the first step too.
    `kernel_gates=False` always recomputes the gates (the portable way; for tests and the bench).

    Raises `TraceInputError` (an `InputError` and a `RuntimeError`) with nn.LSTM's own message for
    any input nn.LSTM refuses; warns when dropout in training mode makes nn.LSTM's output random.
    """
    x, state = check_inputs(lstm, x, state)
    seq = x.transpose(0, 1) if lstm.batch_first else x  # [T, B, input]
    steps, batch = seq.shape[:2]
    directions = 2 if lstm.bidirectional else 1
    out_size = lstm.proj_size or lstm.hidden_size
    if state is None:
        h0 = seq.new_zeros(lstm.num_layers * directions, batch, out_size)
        c0 = seq.new_zeros(lstm.num_layers * directions, batch, lstm.hidden_size)
    else:
        h0, c0 = state

    trace = _empty_trace(lstm.num_layers, directions, batch, steps, lstm.hidden_size, out_size)
    if batch == 0:  # nn.LSTM returns an empty output; so does the trace
        trace.c_initial = np.zeros((lstm.num_layers, directions, 0, lstm.hidden_size), np.float32)
        return trace
    read_from_kernel = kernel_gates and _kernel_keeps_gates(lstm, seq)
    layer_input = seq
    for layer in range(lstm.num_layers):
        rows = slice(layer * directions, (layer + 1) * directions)
        views = [_trace_views(trace, layer, d) for d in range(directions)]
        layer_output = None
        if read_from_kernel:
            layer_output = _layer_from_kernel(lstm, layer, layer_input, h0[rows], c0[rows], views)
            read_from_kernel = layer_output is not None
        if layer_output is None:
            layer_output = _layer_recomputed(lstm, layer, layer_input, h0[rows], c0[rows], views)
        layer_input = layer_output
    trace.gate_source = "kernel" if read_from_kernel else "recomputed"
    trace.c_initial = c0.detach().float().cpu().numpy().reshape(lstm.num_layers, directions, batch, -1).copy()
    return trace


def _empty_trace(layers: int, directions: int, batch: int, steps: int, hidden: int, out: int) -> GateTrace:
    """The trace's arrays, to be written in place. One block for all six: numpy backs a block of
    4 MB or more with huge pages, which spares thousands of page faults on a fresh trace."""
    shape = (layers, directions, batch, steps)
    block = np.empty((6 if out == hidden else 5, *shape, hidden), np.float32)
    arrays = dict(zip(QUANTITIES, block, strict=False))
    if out != hidden:
        arrays["h"] = np.empty((*shape, out), np.float32)
    return GateTrace(**arrays)


def _trace_views(trace: GateTrace, layer: int, direction: int) -> dict[str, torch.Tensor]:
    """Torch views `[T, B, n]` of one layer and direction of the trace's arrays, written in place."""
    return {k: torch.from_numpy(trace.get(k)[layer, direction]).transpose(0, 1) for k in QUANTITIES}


# -- gates read from the fused kernel ------------------------------------------------------------


def _kernel_keeps_gates(lstm: nn.LSTM, seq: torch.Tensor) -> bool:
    """Whether torch's oneDNN LSTM kernel runs this LSTM, so that its gates can be read back."""
    return (
        seq.device.type == "cpu"
        and seq.dtype == torch.float32
        and lstm.weight_ih_l0.dtype == torch.float32
        and lstm.proj_size == 0
        and seq.shape[0] > 0
        and torch.backends.mkldnn.is_available()
        and hasattr(torch.ops.aten, "mkldnn_rnn_layer")
    )


def _workspace_gates_row(gates: int) -> int:
    """Floats per row of oneDNN's gates workspace: rounded up to 64 bytes, plus 64 more when a
    multiple of 256 floats (against 4K aliasing), as oneDNN's `rnn_utils::get_good_ld` pads it."""
    row = -(-gates // 16) * 16
    return row + 16 if row % 256 == 0 else row


def _layer_from_kernel(
    lstm: nn.LSTM,
    layer: int,
    inputs: torch.Tensor,  # [T, B, in]
    h0: torch.Tensor,  # [D, B, hidden]
    c0: torch.Tensor,  # [D, B, hidden]
    views: list[dict[str, torch.Tensor]],  # per direction, [T, B, hidden] views written here
) -> torch.Tensor | None:
    """One layer, every direction: h and the gates as the oneDNN kernel computed them, then c.
    Returns the layer's output `[T, B, D*hidden]`, or None if the kernel's gates failed the check."""
    steps, batch = inputs.shape[:2]
    hidden = lstm.hidden_size
    inputs = inputs.contiguous()  # the kernel reads it as plain [T, B, in]
    outputs = []
    for direction, into in enumerate(views):
        w = layer_weights(lstm, layer, direction)
        # the kernel adds b_ih and b_hh; their sum and zeros give it the same bias, bit for bit
        bias_ih, bias_hh = w["bias"], torch.zeros_like(w["bias"])
        # oneDNN keeps its gates in the workspace of a training-mode forward, which torch asks for
        # only while grad mode is on; nothing here requires grad, so no autograd graph is built.
        try:
            with torch.enable_grad():
                hs, _, c_last, workspace = torch.ops.aten.mkldnn_rnn_layer(
                    inputs,
                    w["weight_ih"].detach(),
                    w["weight_hh"].detach(),
                    bias_ih.detach(),
                    bias_hh,
                    h0[direction].contiguous(),
                    c0[direction].contiguous(),
                    direction == 1,  # reverse
                    [],  # batch_sizes: not a packed sequence
                    2,  # oneDNN's LSTM cell kind
                    hidden,
                    1,  # one layer
                    True,  # has biases
                    False,  # bidirectional: each direction is its own call
                    False,  # batch_first: inputs are [T, B, in]
                    True,  # train: keep the workspace
                )
        except RuntimeError:  # a configuration this private kernel entry point refuses
            return None
        row = _workspace_gates_row(4 * hidden)
        if workspace is None or workspace.numel() < steps * batch * row * 4:
            return None
        # [T, B, row] floats in the kernel's step order (the backward direction steps from T-1 down)
        gates = workspace[: steps * batch * row * 4].view(torch.float32).view(steps, batch, row)
        gates = gates[:, :, : 4 * hidden].view(steps, batch, 4, hidden)
        if direction == 1:
            gates = gates.flip(0)
        for k, name in enumerate(GATE_NAMES):
            into[name].copy_(gates[:, :, k])
        into["h"].copy_(hs)
        _cell_states(into, c0[direction], direction)
        if not _consistent_with_kernel(into, c_last, direction):
            return None
        outputs.append(hs)
    return torch.cat(outputs, dim=-1)


def _consistent_with_kernel(into: dict[str, torch.Tensor], c_last: torch.Tensor, direction: int) -> bool:
    """Gates read from the kernel must give back its own h at every step and its own final c."""
    last = -1 if direction == 0 else 0
    h_error = (into["o"] * torch.tanh(into["c"]) - into["h"]).abs().max()
    c_error = (into["c"][last] - c_last).abs().max()
    return bool(h_error <= 1e-5 and c_error <= 1e-4 * (1 + c_last.abs().max()))


# -- gates recomputed from h ---------------------------------------------------------------------


def _layer_recomputed(
    lstm: nn.LSTM,
    layer: int,
    inputs: torch.Tensor,  # [T, B, in]
    h0: torch.Tensor,  # [D, B, out]
    c0: torch.Tensor,  # [D, B, hidden]
    views: list[dict[str, torch.Tensor]],
) -> torch.Tensor:
    """One layer, every direction: h from the fused kernel, every gate recomputed from (x_t, h_{t-1})."""
    steps, batch = inputs.shape[:2]
    layer_output, _ = single_layer(lstm, layer)(inputs, (h0, c0))  # [T, B, D*out]
    hs = layer_output.view(steps, batch, len(views), -1)
    for direction, into in enumerate(views):
        into["h"].copy_(hs[:, :, direction])
        _gates_from_h(lstm, layer, direction, inputs, hs[:, :, direction], into, h0[direction])
        _cell_states(into, c0[direction], direction)
    return layer_output


def _gates_from_h(
    lstm: nn.LSTM,
    layer: int,
    direction: int,
    inputs: torch.Tensor,  # [T, B, in]
    hs: torch.Tensor,  # [T, B, out]: h_t of this direction, in text order
    into: dict[str, torch.Tensor],  # [T, B, n] float32 views of the trace's arrays, written here
    h0: torch.Tensor,  # [B, out]
) -> None:
    """All gates of one layer and direction at once from (x_t, h_{t-1})."""
    w = layer_weights(lstm, layer, direction)
    steps, batch = inputs.shape[:2]
    # one batched matmul per weight for all steps: z = b + x W_ih^T + h_{t-1} W_hh^T, [T, B, 4*hidden]
    z = torch.addmm(w["bias"], inputs.reshape(steps * batch, -1), w["weight_ih"].T).view(steps, batch, -1)
    # h_{t-1}: the forward direction's previous step is t-1, the backward direction's is t+1
    first, rest, previous = (0, slice(1, None), hs[:-1]) if direction == 0 else (-1, slice(None, -1), hs[1:])
    z[rest].view(-1, z.shape[-1]).addmm_(previous.reshape(-1, previous.shape[-1]), w["weight_hh"].T)
    z[first].addmm_(h0, w["weight_hh"].T)
    i, f, g, o = z.chunk(4, dim=-1)
    torch.sigmoid(i, out=into["i"])
    torch.sigmoid(f, out=into["f"])
    torch.tanh(g, out=into["g"])
    torch.sigmoid(o, out=into["o"])


def _cell_states(into: dict[str, torch.Tensor], c0: torch.Tensor, direction: int) -> None:
    """c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t for every step, in the direction's own order (elementwise only;
    numpy, whose per-step overhead is small)."""
    i, f, g, c = (into[k].numpy() for k in ("i", "f", "g", "c"))
    written = i * g  # i_t ⊙ g_t for all steps at once
    c_prev = c0.float().numpy()
    order = range(len(c)) if direction == 0 else range(len(c) - 1, -1, -1)
    for t in order:
        np.multiply(f[t], c_prev, out=c[t])
        c[t] += written[t]
        c_prev = c[t]
