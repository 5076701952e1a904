"""What `trace_gates` accepts: exactly what `torch.nn.LSTM` accepts, refused with nn.LSTM's own words."""

from __future__ import annotations

import warnings

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from engine.validation import InputError


class TraceInputError(InputError, RuntimeError):
    """What `nn.LSTM` refuses, refused by `trace_gates` with the same words (an `InputError` for the
    app, a `RuntimeError` like `nn.LSTM`'s own for code that catches that)."""


def check_inputs(
    lstm: nn.LSTM, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None
) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor] | None]:
    """Refuse, with nn.LSTM's own message, every input nn.LSTM refuses; an unbatched `[T, input]`
    input (and its 2-D state) comes back as a batch of one. Returns (x, state), batched."""
    if not isinstance(lstm, nn.LSTM):
        raise TraceInputError(f"trace_gates reads a torch.nn.LSTM, not {type(lstm).__name__}.")
    if isinstance(x, PackedSequence):
        raise TraceInputError(
            "trace_gates takes a padded tensor, not a PackedSequence: trace each sequence on its own, "
            "or pad them (torch.nn.utils.rnn.pad_packed_sequence) and read each row up to its length."
        )
    if not isinstance(x, torch.Tensor):
        raise TraceInputError(f"x must be a torch.Tensor, not {type(x).__name__}.")
    weight = lstm.weight_ih_l0
    if x.dim() not in (2, 3):
        raise TraceInputError(f"LSTM: Expected input to be 2D or 3D, got {x.dim()}D instead")
    if x.dtype != weight.dtype:
        raise TraceInputError(
            f"RNN input dtype ({x.dtype}) does not match weight dtype ({weight.dtype}). Convert input: "
            f"input.to({weight.dtype}), or convert model: model.to({x.dtype})"
        )
    if x.device != weight.device:
        raise TraceInputError(
            f"Input and parameter tensors are not at the same device, found input tensor at "
            f"{x.device} and parameter tensor at {weight.device}"
        )
    batched = x.dim() == 3
    if state is not None:
        if not (isinstance(state, (tuple, list)) and len(state) == 2):
            raise TraceInputError("state must be a tuple (h_0, c_0), as nn.LSTM takes it.")
        h0, c0 = state
        want = 3 if batched else 2
        if h0.dim() != want or c0.dim() != want:
            kind = "batched 3-D" if batched else "unbatched 2-D"
            raise TraceInputError(
                f"For {kind} input, hx and cx should also be {want}-D but got ({h0.dim()}-D, {c0.dim()}-D) tensors"
            )
        for name, tensor in (("h_0", h0), ("c_0", c0)):
            if tensor.dtype != x.dtype or tensor.device != x.device:
                raise TraceInputError(
                    f"{name} is {tensor.dtype} on {tensor.device}; the input is {x.dtype} on {x.device}: "
                    "nn.LSTM needs them alike."
                )
        if not batched:
            state = (h0.unsqueeze(1), c0.unsqueeze(1))
    if not batched:
        x = x.unsqueeze(1 if not lstm.batch_first else 0)
    steps = x.shape[1] if lstm.batch_first else x.shape[0]
    if steps == 0:
        raise TraceInputError("Expected sequence length to be larger than 0 in RNN")
    try:
        lstm.check_forward_args(x, state if state is not None else _zero_state(lstm, x), None)
    except (RuntimeError, ValueError) as exc:
        raise TraceInputError(str(exc)) from exc
    if lstm.training and lstm.dropout > 0 and lstm.num_layers > 1:
        warnings.warn(
            f"This LSTM is in training mode with dropout {lstm.dropout} between layers: nn.LSTM would drop units "
            "at random, the trace does not (it is the eval-mode trace). Call lstm.eval() to compare them.",
            stacklevel=3,
        )
    return x, state


def _zero_state(lstm: nn.LSTM, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    batch = x.shape[0] if lstm.batch_first else x.shape[1]
    rows = lstm.num_layers * (2 if lstm.bidirectional else 1)
    return (
        x.new_zeros(rows, batch, lstm.proj_size or lstm.hidden_size),
        x.new_zeros(rows, batch, lstm.hidden_size),
    )
