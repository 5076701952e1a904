"""ELMo's LSTM with projection and clipping (LSTMP; Sak et al. 2014, as in bilm-tf and AllenNLP's
`LstmCellWithProjection`): one direction of one layer, stepped for both directions at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn


class LstmCellWithProjection(nn.Module):
    """The parameters of one direction of one ELMo layer: an LSTM of C cells whose output is
    projected to P (LSTMP). `run_lstmp` steps it (both directions of a layer at once):

        z = W_x x_t + W_h h_{t-1} + b                 blocks: i, f, g (cell candidate), o
        c_t = clip(σ(i) ⊙ tanh(g) + σ(f) ⊙ c_{t-1}, cell_clip)
        h_t = clip(W_p (σ(o) ⊙ tanh(c_t)), proj_clip)
    """

    def __init__(
        self, input_size: int, cell_size: int, projection_size: int, cell_clip: float | None, proj_clip: float | None
    ) -> None:
        super().__init__()
        self.cell_size, self.projection_size = cell_size, projection_size
        self.cell_clip, self.proj_clip = cell_clip, proj_clip
        self.input_linearity = nn.Linear(input_size, 4 * cell_size, bias=False)
        self.state_linearity = nn.Linear(projection_size, 4 * cell_size, bias=True)
        self.state_projection = nn.Linear(cell_size, projection_size, bias=False)


def run_lstmp(
    cells: Sequence[LstmCellWithProjection],
    x: torch.Tensor,  # [D, B, T, input]: one input per cell (direction); each row's valid steps first
    lengths: Sequence[int],  # [B] valid steps per row, longest first
    state: tuple[torch.Tensor, torch.Tensor] | None = None,  # h [D, B, P], c [D, B, C]
    record_gates: bool = False,
) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor], dict[str, torch.Tensor] | None]:
    """Step D same-sized LSTMP cells side by side over their inputs (the forward and the backward
    direction of a layer: independent, so one batched matmul serves both).

    Rows are sorted longest first, so at step t only the rows still inside their sentence are
    computed, and a finished row keeps its last state. Returns outputs `[D, B, T, P]` (zero past each
    row's length), the state after each row's last valid step, and, with `record_gates`, i, f, g, o,
    c `[D, B, T, C]` and h `[D, B, T, P]` (zero past each row's length).
    """
    directions, batch, steps, _ = x.shape
    cell_size, projection_size = cells[0].cell_size, cells[0].projection_size
    cell_clip, proj_clip = cells[0].cell_clip, cells[0].proj_clip
    if state is None:
        h, c = x.new_zeros(directions, batch, projection_size), x.new_zeros(directions, batch, cell_size)
    else:
        h, c = state
    # the gate blocks reordered to i, f, o, g: one sigmoid covers the three gates
    ifog = torch.cat([torch.arange(2 * cell_size), torch.arange(3 * cell_size, 4 * cell_size),
                      torch.arange(2 * cell_size, 3 * cell_size)])  # fmt: skip
    w_x = torch.stack([cell.input_linearity.weight[ifog].t() for cell in cells])  # [D, input, 4C]
    w_h = torch.stack([cell.state_linearity.weight[ifog].t() for cell in cells])  # [D, P, 4C]
    bias = torch.stack([cell.state_linearity.bias[ifog] for cell in cells]).unsqueeze(1)  # [D, 1, 4C]
    w_p = torch.stack([cell.state_projection.weight.t() for cell in cells])  # [D, C, P]
    x_steps = x.transpose(1, 2).contiguous()  # [D, T, B, input]
    # W_x x_t + b: for all steps in one matmul when rows are few (W_x is then read once), else per step,
    # since the [D, T, B, 4C] buffer costs more memory traffic than W_x (100 MB at 200 sentences)
    all_at_once = x.shape[-1] >= 2 * batch
    if all_at_once:
        x_part = torch.baddbmm(bias, x_steps.view(directions, steps * batch, -1), w_x).view(
            directions, steps, batch, 4 * cell_size
        )

    finished: list[tuple[torch.Tensor, torch.Tensor]] = []  # states of rows past their end, last rows first
    outputs, records = [], []
    active = batch
    for t in range(steps):
        still = active
        while still > 0 and lengths[still - 1] <= t:
            still -= 1
        if still < active:  # the shortest rows ended: set their final state aside
            finished.append((h[:, still:active], c[:, still:active]))
            h, c, active = h[:, :still], c[:, :still], still
        if active == 0:
            break
        if all_at_once:  # z = W_x x_t + b + W_h h_{t-1}, [D, n, 4C]
            z = torch.baddbmm(x_part[:, t, :active], h, w_h)
        else:
            z = torch.baddbmm(bias, x_steps[:, t, :active], w_x).baddbmm_(h, w_h)
        gates = torch.sigmoid(z[..., : 3 * cell_size])
        i, f, o = gates.chunk(3, dim=-1)
        g = torch.tanh(z[..., 3 * cell_size :])
        c = torch.addcmul(f * c, i, g)
        if cell_clip:
            c = torch.clamp(c, -cell_clip, cell_clip)
        h = torch.bmm(o * torch.tanh(c), w_p)  # [D, n, P]
        if proj_clip:
            h = torch.clamp(h, -proj_clip, proj_clip)
        outputs.append(h)
        if record_gates:
            records.append((i, f, g, o, c, h))
    finished.append((h, c))
    final_h = torch.cat([part[0] for part in reversed(finished)], dim=1)
    final_c = torch.cat([part[1] for part in reversed(finished)], dim=1)

    def over_time(per_step: list[torch.Tensor], size: int) -> torch.Tensor:
        """Steps of shrinking row counts -> `[D, B, T, size]`, zeros where a row had ended."""
        padded = [F.pad(v, (0, 0, 0, batch - v.shape[1])) if v.shape[1] < batch else v for v in per_step]
        padded += [x.new_zeros(directions, batch, size)] * (steps - len(per_step))
        return torch.stack(padded, dim=2) if padded else x.new_zeros(directions, batch, 0, size)

    output = over_time(outputs, projection_size)
    recorded = None
    if record_gates:
        sizes = {"h": projection_size}
        recorded = {
            name: over_time([r[k] for r in records], sizes.get(name, cell_size)) for k, name in enumerate("ifgoch")
        }
    return output, (final_h, final_c), recorded


def reverse_index(mask: torch.Tensor) -> torch.Tensor:
    """`[B, T]` positions that reverse each row's own valid part (and leave its padding in place).

    The backward LM starts at each sentence's own end, not at the end of the padded batch.
    """
    lengths = mask.sum(dim=1, keepdim=True)
    positions = torch.arange(mask.shape[1], device=mask.device).expand_as(mask)
    return torch.where(positions < lengths, lengths - 1 - positions, positions)


def reverse_rows(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    return x.gather(1, index.unsqueeze(-1).expand(-1, -1, x.shape[-1]))


LayerState = tuple[torch.Tensor, torch.Tensor]  # (h [B, P], c [B, C])
