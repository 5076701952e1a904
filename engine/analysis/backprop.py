"""Backpropagation through time for one layer of `nn.RNN` (tanh) or `nn.LSTM`, written out, from the
values of one forward pass.

Connectivity (engine.analysis.memory) needs the total derivative of one log-probability L with
respect to every state h_k (and c_k) besides the inputs x_k, which autograd through torch's fused
kernels does not expose. So the forward pass runs once, in the fused kernel (h, and for the LSTM the
gates and c read from it: `engine.models.lstm.trace_gates`), and the backward pass is the textbook
one (Werbos 1990), one matrix-vector product with W_hh per step (the only sequential part, as in
any backward pass) and one batched matrix product for the inputs. Steps k = 0 .. T-1, "direct" the
gradient reaching h_k from outside the layer's recurrence (the layer above, or the decoder):

Elman RNN, h_k = tanh(a_k), a_k = W_ih x_k + b_ih + W_hh h_{k-1} + b_hh:

    ∂L/∂h_k = direct_k + W_hhᵀ ∂L/∂a_{k+1}
    ∂L/∂a_k = ∂L/∂h_k ⊙ (1 - h_k²)
    ∂L/∂x_k = W_ihᵀ ∂L/∂a_k

LSTM (PyTorch's gate order i, f, g, o; z_k = W_ih x_k + b_ih + W_hh h_{k-1} + b_hh the pre-activations):

    ∂L/∂h_k = direct_k + W_hhᵀ ∂L/∂z_{k+1}
    ∂L/∂c_k = ∂L/∂h_k ⊙ o_k ⊙ (1 - tanh² c_k) + ∂L/∂c_{k+1} ⊙ f_{k+1}
    ∂L/∂z_k = [∂L/∂c_k ⊙ g_k ⊙ i_k(1 - i_k),  ∂L/∂c_k ⊙ c_{k-1} ⊙ f_k(1 - f_k),
               ∂L/∂c_k ⊙ i_k ⊙ (1 - g_k²),   ∂L/∂h_k ⊙ tanh(c_k) ⊙ o_k(1 - o_k)]
    ∂L/∂x_k = W_ihᵀ ∂L/∂z_k

with ∂L/∂z_T = 0, ∂L/∂c_T = 0 past the last step and c_{-1} = 0 (zero initial state).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["LayerGradient", "lstm_layer_backward", "rnn_layer_backward"]


@dataclass
class LayerGradient:
    """One layer's gradients, `[T, n]` tensors in the layer's dtype.

    inputs: `[T, in]` ∂L/∂x_k (the direct gradient of the layer below, or of the embeddings)
    hidden: `[T, H]` ∂L/∂h_k, the total derivative (direct + through the recurrence)
    cell:   `[T, H]` ∂L/∂c_k (LSTM) or None (RNN)
    """

    inputs: torch.Tensor
    hidden: torch.Tensor
    cell: torch.Tensor | None = None


@torch.no_grad()
def rnn_layer_backward(h: torch.Tensor, direct: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor) -> LayerGradient:
    """∂L/∂x, ∂L/∂h of a tanh `nn.RNN` layer from its outputs h `[T, H]` and the direct gradient
    `[T, H]`; w_ih `[H, in]`, w_hh `[H, H]` (nn.RNN's weight_ih_l{k}, weight_hh_l{k})."""
    slope = 1.0 - h * h  # [T, H]: tanh'(a_k)
    dh, da = torch.empty_like(h), torch.empty_like(h)  # [T, H]
    recurrent = torch.zeros_like(h[0])  # [H]: W_hhᵀ ∂L/∂a_{k+1}
    w_hh_t = w_hh.T.contiguous()  # [H, H] row-major: torch's matrix-vector product is fastest so
    # rows as lists of views, made once: indexing a tensor per step costs more than the step's arithmetic
    rows = zip(*(t.unbind(0)[::-1] for t in (direct, slope, dh, da)), strict=True)
    for direct_k, slope_k, dh_k, da_k in rows:  # k = T-1 .. 0
        torch.add(direct_k, recurrent, out=dh_k)
        torch.mul(dh_k, slope_k, out=da_k)
        torch.mv(w_hh_t, da_k, out=recurrent)
    return LayerGradient(inputs=da @ w_ih, hidden=dh)


@torch.no_grad()
def lstm_layer_backward(
    gates: dict[str, torch.Tensor], direct: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor
) -> LayerGradient:
    """∂L/∂x, ∂L/∂h, ∂L/∂c of an `nn.LSTM` layer (no projection) from its forward values `gates`
    ("i", "f", "g", "o", "c": `[T, H]` each, the gate activations and cell states of every step) and
    the direct gradient `[T, H]`; w_ih `[4H, in]`, w_hh `[4H, H]` (nn.LSTM's, rows i, f, g, o)."""
    i, f, g, o, c = (gates[k] for k in "ifgoc")
    steps, hidden = c.shape
    c_before = torch.cat([torch.zeros_like(c[:1]), c[:-1]])  # c_{k-1}, [T, H]
    tanh_c = torch.tanh(c)
    through_c = o * (1.0 - tanh_c * tanh_c)  # [T, H]: ∂c_k-part of ∂h_k = o_k ⊙ (1 - tanh² c_k)
    # [T, 3, H]: ∂z^(i, f, g)_k / ∂c_k, elementwise
    from_c = torch.stack([g * i * (1.0 - i), c_before * f * (1.0 - f), i * (1.0 - g * g)], dim=1)
    from_h = tanh_c * o * (1.0 - o)  # [T, H]: ∂z^o_k / ∂h_k
    dh, dc = torch.empty_like(c), torch.empty_like(c)  # [T, H]
    dz = torch.empty(steps, 4, hidden, dtype=c.dtype)  # [T, 4, H]
    recurrent, carried = torch.zeros_like(c[0]), torch.zeros_like(c[0])  # W_hhᵀ ∂L/∂z_{k+1}, ∂L/∂c_{k+1} ⊙ f_{k+1}
    w_hh_t = w_hh.T.contiguous()  # [H, 4H] row-major: torch's matrix-vector product is fastest so
    # rows as lists of views, made once: indexing a tensor per step costs more than the step's arithmetic
    tensors = (direct, through_c, from_c, from_h, f, dh, dc, dz[:, :3], dz[:, 3], dz.view(steps, -1))
    for direct_k, through_c_k, from_c_k, from_h_k, f_k, dh_k, dc_k, dz_ifg, dz_o, dz_k in zip(
        *(t.unbind(0)[::-1] for t in tensors), strict=True
    ):  # k = T-1 .. 0
        torch.add(direct_k, recurrent, out=dh_k)
        torch.addcmul(carried, dh_k, through_c_k, out=dc_k)
        torch.mul(from_c_k, dc_k, out=dz_ifg)
        torch.mul(from_h_k, dh_k, out=dz_o)
        torch.mv(w_hh_t, dz_k, out=recurrent)
        torch.mul(dc_k, f_k, out=carried)
    return LayerGradient(inputs=dz.view(steps, -1) @ w_ih, hidden=dh, cell=dc)
