"""Reading and writing the official `weights.hdf5` (bilm-tf layout), with AllenNLP's exact conversions
of TF names and conventions (`shared/reference/ELMO_FORMAT.md` §4).
"""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import torch

from engine.models.elmo.bilm import ElmoBiLm
from engine.validation import ModelLoadError
from i18n import _


# ---------------------------------------------------------------------------------------------
# hdf5 <-> PyTorch, exactly AllenNLP's conversions (ELMO_FORMAT.md §4)
# ---------------------------------------------------------------------------------------------
def read_dataset(h5: h5py.File, name: str, path: Path, shape: tuple[int, ...] | None = None) -> torch.Tensor:
    if name not in h5:
        raise ModelLoadError(
            _("{path} has no dataset {name!r}: is it an ELMo weight file for these options?").format(
                path=path, name=name
            )
        )
    array = np.asarray(h5[name][...], dtype=np.float32)
    if shape is not None and array.shape != shape:
        raise ModelLoadError(
            _(
                "{name} in {path} has shape {shape} but options.json needs {shape2}: the options do not "
                "match these weights."
            ).format(name=name, path=path, shape=array.shape, shape2=shape)
        )
    return torch.from_numpy(array)


def _cell_prefix(direction: int, layer: int) -> str:
    return f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"


def _swap_forget_and_candidate(blocks: torch.Tensor, cell: int) -> torch.Tensor:
    """TF orders gate blocks i, j, f, o; ours are i, f, g, o (j = g). The swap is its own inverse."""
    i, j, f, o = blocks.split(cell, dim=0)
    return torch.cat([i, f, j, o], dim=0)


@torch.no_grad()
def load_hdf5_weights(bilm: ElmoBiLm, h5: h5py.File, path: Path) -> None:
    o = bilm.options
    d, n_f, p, c = o.char_embedding_dim, o.n_filters, o.projection_dim, o.dim
    cnn = bilm.char_cnn
    # character embedding: 261 stored rows (training ids 0..260) + a zero row for padding id 0
    table = read_dataset(h5, "char_embed", path, (o.n_characters - 1, d))
    cnn.char_embedding.weight.copy_(torch.cat([torch.zeros(1, d), table]))
    for k, (width, number) in enumerate(o.filters):
        weight = read_dataset(h5, f"CNN/W_cnn_{k}", path, (1, width, d, number))
        cnn.convs[k].weight.copy_(weight[0].permute(2, 1, 0))  # (1, w, D, n) -> (n, D, w)
        cnn.convs[k].bias.copy_(read_dataset(h5, f"CNN/b_cnn_{k}", path, (number,)))
    for k, highway in enumerate(cnn.highways):
        # TF: y = g ⊙ relu(x W_t + b_t) + (1 - g) ⊙ x with g = σ(x W_carry + b_carry); our gate is 1 - g
        w_t = read_dataset(h5, f"CNN_high_{k}/W_transform", path, (n_f, n_f))
        w_c = read_dataset(h5, f"CNN_high_{k}/W_carry", path, (n_f, n_f))
        highway.weight.copy_(torch.cat([w_t.T, -w_c.T], dim=0))
        b_t = read_dataset(h5, f"CNN_high_{k}/b_transform", path, (n_f,))
        b_c = read_dataset(h5, f"CNN_high_{k}/b_carry", path, (n_f,))
        highway.bias.copy_(torch.cat([b_t, -b_c]))
    cnn.projection.weight.copy_(read_dataset(h5, "CNN_proj/W_proj", path, (n_f, p)).T)
    cnn.projection.bias.copy_(read_dataset(h5, "CNN_proj/b_proj", path, (p,)))
    for direction, stack in enumerate((bilm.forward_layers, bilm.backward_layers)):
        for layer, cell in enumerate(stack):
            prefix = _cell_prefix(direction, layer)
            kernel = read_dataset(h5, f"{prefix}/W_0", path, (p + p, 4 * c))  # [x, h] · W_0
            kernel = _swap_forget_and_candidate(kernel.T, c)  # [4C, P + P]
            cell.input_linearity.weight.copy_(kernel[:, :p])
            cell.state_linearity.weight.copy_(kernel[:, p:])
            bias = read_dataset(h5, f"{prefix}/B", path, (4 * c,)).clone()
            bias[2 * c : 3 * c] += 1.0  # TF adds forget_bias = 1 at run time (block f is third in TF)
            cell.state_linearity.bias.copy_(_swap_forget_and_candidate(bias, c))
            cell.state_projection.weight.copy_(read_dataset(h5, f"{prefix}/W_P_0", path, (c, p)).T)


@torch.no_grad()
def save_hdf5_weights(bilm: ElmoBiLm, h5: h5py.File, dtype: np.dtype = np.float32) -> None:
    """The inverse of `load_hdf5_weights`: TF layout, 261-row char table, forget bias without the +1."""

    def put(name: str, tensor: torch.Tensor) -> None:
        h5.create_dataset(name, data=tensor.detach().float().numpy().astype(dtype))

    o, cnn = bilm.options, bilm.char_cnn
    c, n_f = o.dim, o.n_filters
    put("char_embed", cnn.char_embedding.weight[1:])
    for k, conv in enumerate(cnn.convs):
        put(f"CNN/W_cnn_{k}", conv.weight.permute(2, 1, 0).unsqueeze(0))
        put(f"CNN/b_cnn_{k}", conv.bias)
    for k, highway in enumerate(cnn.highways):
        put(f"CNN_high_{k}/W_transform", highway.weight[:n_f].T)
        put(f"CNN_high_{k}/W_carry", -highway.weight[n_f:].T)
        put(f"CNN_high_{k}/b_transform", highway.bias[:n_f])
        put(f"CNN_high_{k}/b_carry", -highway.bias[n_f:])
    put("CNN_proj/W_proj", cnn.projection.weight.T)
    put("CNN_proj/b_proj", cnn.projection.bias)
    for direction, stack in enumerate((bilm.forward_layers, bilm.backward_layers)):
        for layer, cell in enumerate(stack):
            prefix = _cell_prefix(direction, layer)
            kernel = torch.cat([cell.input_linearity.weight, cell.state_linearity.weight], dim=1)  # [4C, P + P]
            put(f"{prefix}/W_0", _swap_forget_and_candidate(kernel, c).T)
            bias = _swap_forget_and_candidate(cell.state_linearity.bias, c).clone()
            bias[2 * c : 3 * c] -= 1.0
            put(f"{prefix}/B", bias)
            put(f"{prefix}/W_P_0", cell.state_projection.weight.T)
