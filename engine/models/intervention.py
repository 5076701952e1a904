"""A char-LSTM's trace with its next-character probabilities, and "switch a unit off" inside the recurrence.

`nn.LSTM` (Hochreiter & Schmidhuber 1997) steps, per layer, c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t and
h_t = o_t ⊙ tanh(c_t); the char-LSTM's decoder turns the top layer's h_t into p(x_{t+1} | x_{≤t}) =
softmax(W h_t + b) (Karpathy et al. 2015). An `Intervention` changes chosen units of one layer from
step `start` on, *inside* the recurrence, so the changed value is what the next step reads:

- "clamp c to 0" / "clamp c to a value": after c_t is computed, c_t[units] := value; h_t = o_t ⊙ tanh(c_t)
  then reads the clamped memory, and so does step t + 1.
- "freeze h": h_t[units] := h_{start-1}[units] (0 when start = 0) for every t ≥ start; c keeps its own
  recurrence, but the layer's next step and the layer above read the frozen output.

Steps before `start` are the plain run's own arrays, copied (bit-identical). The changed layer is
stepped one step at a time from the plain run's state at `start - 1`; the layers above it run the
fused kernel (`trace_gates`) from their own plain state at `start - 1`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from engine.models.lstm import GateTrace, layer_weights, single_layer, trace_gates
from engine.validation import InputError
from i18n import _

MODES = ("clamp c to 0", "clamp c to a value", "freeze h")


@dataclass(frozen=True)
class Intervention:
    """Which units to change, how, and from which step on (all indices 0-based).

    `layer`: the layer (0 = the one reading the characters); `units`: its units; `mode`: one of MODES;
    `start`: the first step whose state is changed; `value`: c's clamp value ("clamp c to a value").
    """

    layer: int
    units: tuple[int, ...]
    mode: str = "clamp c to 0"
    start: int = 0
    value: float = 0.0

    def check(self, layers: int, hidden: int, steps: int) -> None:
        """Raise InputError naming the problem and the limit."""
        if self.mode not in MODES:
            raise InputError(
                _("Unknown intervention {mode!r}; choose one of {value}.").format(
                    mode=self.mode, value=", ".join(MODES)
                )
            )
        if not 0 <= self.layer < layers:
            raise InputError(
                _("Layer {value} does not exist: the model has layers 1 to {layers}.").format(
                    value=self.layer + 1, layers=layers
                )
            )
        if not self.units:
            raise InputError(_("Choose at least one unit to switch off."))
        bad = [u for u in self.units if not 0 <= u < hidden]
        if bad:
            raise InputError(
                _("Unit(s) {bad} do not exist: units count from 0 to {value}.").format(bad=bad, value=hidden - 1)
            )
        if not 0 <= self.start < steps:
            raise InputError(
                _("Step {start} is outside the text: steps count from 0 to {value}.").format(
                    start=self.start, value=steps - 1
                )
            )

    @property
    def clamp_value(self) -> float:
        return 0.0 if self.mode == "clamp c to 0" else float(self.value)


@dataclass
class LanguageModelTrace(GateTrace):
    """A `GateTrace` `[layers, 1, 1, T, units]` plus what the model predicts after each step.

    probs: float32 `[T, V]`, row t = p(next character | characters 0..t), softmax over the vocabulary.
    intervention: the change this run was made with (None: the plain run).
    """

    probs: np.ndarray | None = None
    intervention: Intervention | None = None


@torch.inference_mode()
def decode(decoder: nn.Linear, h_top: np.ndarray) -> np.ndarray:
    """Next-character distributions `[T, V]` from the top layer's outputs `[T, hidden]`."""
    logits = torch.addmm(decoder.bias, torch.from_numpy(h_top), decoder.weight.T)
    return torch.softmax(logits, dim=-1).numpy()


@torch.inference_mode()
def intervene(
    lstm: nn.LSTM, decoder: nn.Linear, x: torch.Tensor, plain: LanguageModelTrace, change: Intervention
) -> LanguageModelTrace:
    """The run of `lstm` + `decoder` on `x` (`[T, input]`, one sequence) with `change` applied.

    `plain` is the same model's plain trace of `x` (with probs); it is not modified. Returns a new
    trace whose steps before `change.start` are copies of `plain`'s.
    """
    steps = x.shape[0]
    change.check(lstm.num_layers, lstm.hidden_size, steps)
    arrays = {k: plain.get(k).copy() for k in "ifgoch"}
    start, layer = change.start, change.layer
    layer_input = x if layer == 0 else torch.from_numpy(arrays["h"][layer - 1, 0, 0])
    _step_changed_layer(lstm, layer, layer_input, arrays, change)
    for above in range(layer + 1, lstm.num_layers):
        _rerun_layer(lstm, above, torch.from_numpy(arrays["h"][above - 1, 0, 0]), arrays, start)
    probs = plain.probs.copy()
    probs[start:] = decode(decoder, np.ascontiguousarray(arrays["h"][-1, 0, 0, start:]))
    return LanguageModelTrace(
        **arrays,
        tokens=list(plain.tokens),
        gate_source=plain.gate_source,
        probs=probs,
        intervention=change,
    )


def _state_before(arrays: dict[str, np.ndarray], layer: int, start: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(h_{start-1}, c_{start-1}) of a layer in the plain run, zeros before the first step."""
    if start == 0:
        hidden = arrays["c"].shape[-1]
        return torch.zeros(arrays["h"].shape[-1]), torch.zeros(hidden)
    return torch.from_numpy(arrays["h"][layer, 0, 0, start - 1].copy()), torch.from_numpy(
        arrays["c"][layer, 0, 0, start - 1].copy()
    )


def _step_changed_layer(
    lstm: nn.LSTM, layer: int, inputs: torch.Tensor, arrays: dict[str, np.ndarray], change: Intervention
) -> None:
    """Step the changed layer from `change.start` to the end, one step at a time, writing into `arrays`."""
    w = layer_weights(lstm, layer, 0)
    start, hidden = change.start, lstm.hidden_size
    units = torch.tensor(change.units, dtype=torch.long)
    h, c = _state_before(arrays, layer, start)
    frozen = h[units].clone()
    # the input part of every step at once: b + W_ih x_t, [T - start, 4 * hidden]
    z_in = torch.addmm(w["bias"], inputs[start:], w["weight_ih"].T)
    # one row per step holding i, f, g, o, c, h side by side: each step writes its row in place
    rows = torch.empty(len(z_in), 6, hidden)
    clamp = change.mode != "freeze h"
    value = change.clamp_value
    for k in range(len(z_in)):
        row = rows[k]
        z = torch.addmv(z_in[k], w["weight_hh"], h)
        torch.sigmoid(z.view(4, hidden), out=row[:4])  # i, f, (g overwritten next), o
        torch.tanh(z[2 * hidden : 3 * hidden], out=row[2])
        c = torch.mul(row[1], c, out=row[4]).addcmul_(row[0], row[2])  # c_t = f ⊙ c_{t-1} + i ⊙ g
        if clamp:
            c.index_fill_(0, units, value)
        h = torch.tanh(c, out=row[5]).mul_(row[3])  # h_t = o ⊙ tanh(c_t)
        if not clamp:
            h.index_copy_(0, units, frozen)
    for q, name in enumerate("ifgoch"):
        arrays[name][layer, 0, 0, start:] = rows[:, q].numpy()


def _rerun_layer(lstm: nn.LSTM, layer: int, inputs: torch.Tensor, arrays: dict[str, np.ndarray], start: int) -> None:
    """A layer above the changed one: the fused kernel from its plain state at `start - 1`, on the new input."""
    h0, c0 = _state_before(arrays, layer, start)
    single = single_layer(lstm, layer)
    part = trace_gates(single, inputs[start:].unsqueeze(1), (h0.view(1, 1, -1), c0.view(1, 1, -1)))
    for name in "ifgoch":
        arrays[name][layer, 0, 0, start:] = part.get(name)[0, 0, 0]
