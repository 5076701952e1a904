"""The biLM (Peters et al. 2018, §3.1): the char-CNN token layer and two independent stacks of LSTMP
layers, a forward LM reading left to right and a backward LM reading right to left.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.elmo.char_cnn import CharCNN
from engine.models.elmo.lstm_projection import (
    LayerState,
    LstmCellWithProjection,
    reverse_index,
    reverse_rows,
    run_lstmp,
)
from engine.models.elmo.options import ElmoOptions


@dataclass
class BiLmOutput:
    layers: list[torch.Tensor]  # n_layers + 1 tensors [B, T + 2, 2P]: token layer, then each LSTM layer
    mask: torch.Tensor  # [B, T + 2] bool
    top_forward: torch.Tensor  # [B, T + 2, P]: the forward LM's top output (into the softmax)
    top_backward: torch.Tensor  # [B, T + 2, P]
    states: list[tuple[LayerState, LayerState]]  # per layer: (forward, backward) final states
    gates: list[tuple[dict, dict]] | None  # per layer: (forward, backward) recorded gates, in text order


class ElmoBiLm(nn.Module):
    """The character CNN and the two independent LSTMP stacks (forward and backward)."""

    def __init__(self, options: ElmoOptions) -> None:
        super().__init__()
        self.options = options
        self.char_cnn = CharCNN(options)
        p, c = options.projection_dim, options.dim

        def stack() -> nn.ModuleList:
            cells = (
                LstmCellWithProjection(p, c, p, options.cell_clip, options.proj_clip) for _ in range(options.n_layers)
            )
            return nn.ModuleList(cells)

        self.forward_layers, self.backward_layers = stack(), stack()

    def forward(
        self,
        char_ids: torch.Tensor,  # [B, T + 2, 50], boundaries included
        states: list[tuple[LayerState, LayerState]] | None = None,
        record_gates: bool = False,
        dropout: float = 0.0,
    ) -> BiLmOutput:
        batch, steps, _ = char_ids.shape
        mask = (char_ids > 0).any(dim=-1)  # [B, T + 2]
        # layer 0 depends on the word alone: run the CNN once per distinct word (padding included), then gather
        distinct, where = torch.unique(char_ids.view(-1, char_ids.shape[-1]), dim=0, return_inverse=True)
        tokens = self.char_cnn(distinct)[where].view(batch, steps, -1)  # [B, T + 2, P]
        return self.contextualize(tokens, mask, states, record_gates, dropout)

    def contextualize(
        self,
        tokens: torch.Tensor,  # [B, T + 2, P]: layer 0, the char-CNN token vectors
        mask: torch.Tensor,  # [B, T + 2] bool
        states: list[tuple[LayerState, LayerState]] | None = None,
        record_gates: bool = False,
        dropout: float = 0.0,
    ) -> BiLmOutput:
        """Run the forward and backward LSTM stacks over token vectors (training feeds them directly)."""
        # longest rows first, so each step computes only the rows still inside their sentence
        lengths = mask.sum(dim=1)
        order = torch.argsort(lengths, descending=True, stable=True)
        sorted_already = bool(torch.equal(order, torch.arange(len(order))))
        restore = torch.argsort(order)
        if not sorted_already:
            tokens, mask = tokens[order], mask[order]
            if states is not None:
                states = _take_rows(states, order)
        lengths_list = lengths[order].tolist()
        keep = mask.unsqueeze(-1).to(tokens.dtype)
        rev = reverse_index(mask)
        layers = [torch.cat([tokens, tokens], dim=-1) * keep]
        forward_in = backward_in = tokens
        new_states, gates = [], [] if record_gates else None
        for k in range(self.options.n_layers):
            if dropout and self.training:  # bilm-tf: dropout on each layer's input, before the residual
                forward_in, backward_in = F.dropout(forward_in, dropout, True), F.dropout(backward_in, dropout, True)
            state = None
            if states is not None:  # (forward, backward) -> stacked per direction
                (f_h, f_c), (b_h, b_c) = states[k]
                state = (torch.stack([f_h, b_h]), torch.stack([f_c, b_c]))
            both_in = torch.stack([forward_in, reverse_rows(backward_in, rev)])  # [2, B, T, P]
            cells = (self.forward_layers[k], self.backward_layers[k])
            out, (final_h, final_c), layer_gates = run_lstmp(cells, both_in, lengths_list, state, record_gates)
            f_out, b_out = out[0], reverse_rows(out[1], rev)
            if record_gates:
                gates.append(
                    (
                        {name: v[0] for name, v in layer_gates.items()},
                        {name: reverse_rows(v[1], rev) for name, v in layer_gates.items()},
                    )
                )
            if k > 0 and self.options.use_skip_connections:  # residual from the second layer up
                f_out, b_out = f_out + forward_in, b_out + backward_in
            layers.append(torch.cat([f_out, b_out], dim=-1) * keep)
            new_states.append(((final_h[0], final_c[0]), (final_h[1], final_c[1])))
            forward_in, backward_in = f_out, b_out
        top_forward, top_backward = forward_in * keep, backward_in * keep
        if not sorted_already:  # back to the caller's row order
            layers = [layer[restore] for layer in layers]
            mask, top_forward, top_backward = mask[restore], top_forward[restore], top_backward[restore]
            new_states = _take_rows(new_states, restore)
            if gates is not None:
                gates = [tuple({n: v[restore] for n, v in d.items()} for d in layer) for layer in gates]
        return BiLmOutput(layers, mask, top_forward, top_backward, new_states, gates)


def _take_rows(states: list[tuple[LayerState, LayerState]], rows: torch.Tensor) -> list[tuple[LayerState, LayerState]]:
    """Per-layer (forward, backward) states with their batch rows reordered."""
    return [tuple((h[rows], c[rows]) for h, c in layer) for layer in states]
