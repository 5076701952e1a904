"""ScalarMix, ELMo eq. (1): a task-specific weighted sum of the biLM's layers.

ELMo_k = γ · Σ_j s_j · h_{k,j}        s = softmax(w), j = 0..L
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn


class ScalarMix(nn.Module):
    """ELMo eq. (1): γ Σ_j s_j h_j with s = softmax(w); optional layer norm of each layer (masked)."""

    def __init__(
        self,
        mixture_size: int,
        do_layer_norm: bool = False,
        initial_scalar_parameters: Sequence[float] | None = None,
        trainable: bool = True,
    ) -> None:
        super().__init__()
        initial = list(initial_scalar_parameters or [0.0] * mixture_size)
        if len(initial) != mixture_size:
            raise ValueError(f"{len(initial)} initial weights for a mixture of {mixture_size} layers")
        self.do_layer_norm = do_layer_norm
        self.scalar_parameters = nn.Parameter(torch.tensor(initial, dtype=torch.float32), requires_grad=trainable)
        self.gamma = nn.Parameter(torch.tensor(1.0), requires_grad=trainable)

    def forward(self, tensors: Sequence[torch.Tensor], mask: torch.Tensor | None = None) -> torch.Tensor:
        weights = torch.softmax(self.scalar_parameters, dim=0)
        if self.do_layer_norm:
            if mask is None:
                mask = torch.ones(tensors[0].shape[:-1], dtype=torch.bool)
            tensors = [_masked_layer_norm(t, mask) for t in tensors]
        return self.gamma * sum(w * t for w, t in zip(weights, tensors, strict=True))


def _masked_layer_norm(tensor: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """AllenNLP's ScalarMix layer norm: one mean and variance over all unmasked elements of a layer."""
    m = mask.unsqueeze(-1).to(tensor.dtype)
    count = m.sum() * tensor.shape[-1]
    mean = (tensor * m).sum() / count
    variance = (((tensor * m) - mean) * m).pow(2).sum() / count
    return (tensor - mean) / torch.sqrt(variance + 1e-13)


MIX_PRESETS = {  # scalar parameters before the softmax
    "average": (0.0, 0.0, 0.0),  # equal weights: ElmoEmbedder --average
    "top": (-9e10, -9e10, 1.0),  # only the top layer: ElmoEmbedder --top
}


def scalar_mix(
    layers: np.ndarray, scalar_parameters: Sequence[float], gamma: float = 1.0, layer_norm: bool = False
) -> np.ndarray:
    """Mix `[layers, T, D]` ELMo layers into `[T, D]` with ScalarMix (weights before the softmax)."""
    mix = ScalarMix(len(layers), layer_norm, scalar_parameters, trainable=False)
    with torch.no_grad():
        mix.gamma.fill_(gamma)
        return mix(list(torch.from_numpy(np.asarray(layers, dtype=np.float32)))).numpy()
