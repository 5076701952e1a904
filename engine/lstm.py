"""Exact gate values for any `torch.nn.LSTM`, without stepping a matrix product through time.

`nn.LSTM` (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000) computes per step

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)        input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)        forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)     cell candidate
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)        output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ tanh(c_t)            (then h_t = W_hr h_t when proj_size > 0)

but returns only h (and the last c). `trace_gates` gets every gate back exactly: it runs the fused
`nn.LSTM` one layer at a time to get h for all steps (that is the only sequential part, and it runs
in torch's own kernel), then computes all gates of a layer at once from (x_t, h_{t-1}) with one
batched matmul per direction, and finally c from the gates by the elementwise recurrence above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

GATE_NAMES = ("i", "f", "g", "o")
QUANTITIES = ("i", "f", "g", "o", "c", "h")


@dataclass
class GateTrace:
    """Every gate and state of an LSTM, for every layer, direction, sequence, step and unit.

    i, f, g, o, c: float32 `[layers, directions, batch, T, hidden_size]`
    h:             float32 `[layers, directions, batch, T, proj_size or hidden_size]`
    Direction 1 (backward) is stored in the text's own order: step t of it has read t..T-1.
    `tokens` (optional) labels the T steps; `layer_names` and `direction_names` label the axes.
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
        """f_t ⊙ c_{t-1}: the part of the memory carried over at each step (the ledger's "kept")."""
        return self.f * previous_steps(self.c)

    @property
    def written(self) -> np.ndarray:
        """i_t ⊙ g_t: what each step writes into the memory (the ledger's "written")."""
        return self.i * self.g

    @property
    def shape(self) -> tuple[int, ...]:
        return self.i.shape


def previous_steps(states: np.ndarray) -> np.ndarray:
    """s_{t-1} for every t along axis -2, with zeros before the first step (in each direction's order).

    The forward direction's predecessor of step t is t-1, the backward direction's is t+1.
    """
    prev = np.zeros_like(states)
    prev[:, 0, :, 1:] = states[:, 0, :, :-1]
    if states.shape[1] > 1:
        prev[:, 1, :, :-1] = states[:, 1, :, 1:]
    return prev


def _layer_weights(lstm: nn.LSTM, layer: int, direction: int) -> dict[str, torch.Tensor]:
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


def _single_layer(lstm: nn.LSTM, layer: int) -> nn.LSTM:
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
) -> GateTrace:
    """Input, forget, cell-candidate and output gates, c and h of `lstm` on `x`, for every step and unit.

    `x` is batched as `lstm` takes it (`[T, batch, input]`, or `[batch, T, input]` when `batch_first`);
    `state` is the optional `(h_0, c_0)` of shapes `[layers * directions, batch, proj_size or hidden]`
    and `[layers * directions, batch, hidden]`, zeros when omitted, exactly as `nn.LSTM` takes it.
    The trace's h and c equal what `lstm(x, state)` computes (to float32 rounding).
    """
    if x.dim() != 3:
        raise ValueError(f"x must be batched, [T, batch, input] or [batch, T, input]; got shape {tuple(x.shape)}")
    seq = x.transpose(0, 1) if lstm.batch_first else x  # [T, B, input]
    steps, batch = seq.shape[:2]
    directions = 2 if lstm.bidirectional else 1
    out_size = lstm.proj_size or lstm.hidden_size
    if state is None:
        h0 = seq.new_zeros(lstm.num_layers * directions, batch, out_size)
        c0 = seq.new_zeros(lstm.num_layers * directions, batch, lstm.hidden_size)
    else:
        h0, c0 = state

    # every quantity is written in place into its final [layers, directions, batch, T, units] array
    shape = (lstm.num_layers, directions, batch, steps)
    trace = GateTrace(
        **{k: np.empty((*shape, lstm.hidden_size), np.float32) for k in ("i", "f", "g", "o", "c")},
        h=np.empty((*shape, out_size), np.float32),
    )
    layer_input = seq
    for layer in range(lstm.num_layers):
        rows = slice(layer * directions, (layer + 1) * directions)
        # 1. the fused kernel gives h for every step of this layer (both directions)
        layer_output, _ = _single_layer(lstm, layer)(layer_input, (h0[rows], c0[rows]))  # [T, B, D*out]
        hs = layer_output.view(steps, batch, directions, out_size)
        for d in range(directions):
            # 2. every gate at once, 3. c by its elementwise recurrence
            into = {k: torch.from_numpy(getattr(trace, k)[layer, d]).transpose(0, 1) for k in QUANTITIES}  # [T, B, n]
            into["h"].copy_(hs[:, :, d])
            _gates_from_h(lstm, layer, d, layer_input, hs[:, :, d], into, h0[rows][d], c0[rows][d])
        layer_input = layer_output
    return trace


def _gates_from_h(
    lstm: nn.LSTM,
    layer: int,
    direction: int,
    inputs: torch.Tensor,  # [T, B, in]
    hs: torch.Tensor,  # [T, B, out]: h_t of this direction, in text order
    into: dict[str, torch.Tensor],  # [T, B, n] float32 views of the trace's arrays, written here
    h0: torch.Tensor,  # [B, out]
    c0: torch.Tensor,  # [B, hidden]
) -> None:
    """All gates of one layer and direction at once from (x_t, h_{t-1}); then c by its recurrence."""
    w = _layer_weights(lstm, layer, direction)
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
    i, f, g, c = (into[k].numpy() for k in ("i", "f", "g", "c"))
    written = i * g  # i_t ⊙ g_t for all steps at once
    c_prev = c0.float().numpy()
    order = range(steps) if direction == 0 else range(steps - 1, -1, -1)
    for t in order:  # elementwise only: c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t (numpy: little per-step overhead)
        np.multiply(f[t], c_prev, out=c[t])
        c[t] += written[t]
        c_prev = c[t]


def load_default(untrained: bool = False):
    """The LSTM page's default model: the char-LSTM shipped in assets/charlstm (checksums verified).

    `untrained=True` gives the same architecture with seeded random weights (the control).
    """
    from engine import ASSETS
    from engine.assets import verify
    from engine.charlstm import CharLstm

    directory = ASSETS / "charlstm"
    for name in ("config.json", "model.safetensors"):
        verify(directory / name)
    model = CharLstm.load(directory, name="char-LSTM")
    return CharLstm.random(model.config, seed=0) if untrained else model
