"""ELMo (Peters et al. 2018): deep contextualized word representations from a bidirectional LM.

Each word is spelled out in characters, turned into a context-free vector by a character CNN with
highway layers (layer 0), then read by two stacked LSTMs with projection in each direction
(layers 1 and 2). A word's ELMo vector is a learned mix of its three layers (eq. 1):

    ELMo_k = γ · Σ_j s_j · h_{k,j}        s = softmax(w), j = 0..L

This module is one code path for every size: it reads the official `options.json` and loads the
official AllenNLP/bilm-tf `weights.hdf5` (TF names and conventions converted exactly as AllenNLP
does), so `elmo_2x4096_512_2048cnn_2xhighway`, the small and medium models and the project's own
trained model are all the same class. The facts it follows are collected in
`shared/reference/ELMO_FORMAT.md`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from engine.lstm import GateTrace
from engine.validation import InputError, ModelLoadError, Problem

# ---------------------------------------------------------------------------------------------
# Character ids (bilm-tf UnicodeCharsVocabulary, AllenNLP ELMoCharacterMapper)
# ---------------------------------------------------------------------------------------------
MAX_CHARS = 50  # characters per token, begin/end-of-word markers included
BOS_CHAR, EOS_CHAR, BOW_CHAR, EOW_CHAR, PAD_CHAR = 256, 257, 258, 259, 260  # raw ids, before the +1
BOS, EOS, UNK = "<S>", "</S>", "<UNK>"
MAX_WORD_BYTES = MAX_CHARS - 2


def _char_row(values: Sequence[int]) -> np.ndarray:
    row = np.full(MAX_CHARS, PAD_CHAR, dtype=np.int64)
    row[0] = BOW_CHAR
    row[1 : 1 + len(values)] = values
    row[1 + len(values)] = EOW_CHAR
    return row + 1  # +1 so that 0 means "no token here" (sentence padding)


def word_char_ids(word: str) -> np.ndarray:
    """The 50 character ids of one token: UTF-8 bytes + 1 between begin/end-of-word markers.

    `<S>` and `</S>` get their own marker characters. Words longer than 48 bytes are read by their
    first 48 bytes, exactly as the official model reads them (see `check_sentences`).
    """
    if word == BOS:
        return _char_row([BOS_CHAR])
    if word == EOS:
        return _char_row([EOS_CHAR])
    return _char_row(list(word.encode("utf-8", "ignore")[:MAX_WORD_BYTES]))


def batch_to_ids(sentences: Sequence[Sequence[str]]) -> torch.Tensor:
    """Character ids `[batch, T_max + 2, 50]` with `<S>`/`</S>` around each sentence, 0 as padding."""
    longest = max((len(s) for s in sentences), default=0)
    ids = np.zeros((len(sentences), longest + 2, MAX_CHARS), dtype=np.int64)
    for row, sentence in enumerate(sentences):
        for position, word in enumerate([BOS, *sentence, EOS]):
            ids[row, position] = word_char_ids(word)
    return torch.from_numpy(ids)


# ---------------------------------------------------------------------------------------------
# options.json
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ElmoOptions:
    """The sizes read from the official options.json (other keys are kept but not used)."""

    projection_dim: int  # P: token vectors and LSTM outputs
    dim: int  # C: LSTM cells
    n_layers: int
    cell_clip: float | None
    proj_clip: float | None
    use_skip_connections: bool
    char_embedding_dim: int
    filters: tuple[tuple[int, int], ...]  # (width, number of filters)
    n_highway: int
    activation: str = "relu"
    max_characters_per_token: int = MAX_CHARS
    n_characters: int = 262

    @property
    def n_filters(self) -> int:
        return sum(n for _, n in self.filters)

    @property
    def output_dim(self) -> int:
        return 2 * self.projection_dim

    @classmethod
    def from_dict(cls, options: dict) -> ElmoOptions:
        try:
            lstm, cnn = options["lstm"], options["char_cnn"]
            opts = cls(
                projection_dim=int(lstm["projection_dim"]),
                dim=int(lstm["dim"]),
                n_layers=int(lstm["n_layers"]),
                cell_clip=float(lstm["cell_clip"]) if lstm.get("cell_clip") else None,
                proj_clip=float(lstm["proj_clip"]) if lstm.get("proj_clip") else None,
                use_skip_connections=bool(lstm.get("use_skip_connections", False)),
                char_embedding_dim=int(cnn["embedding"]["dim"]),
                filters=tuple((int(w), int(n)) for w, n in cnn["filters"]),
                n_highway=int(cnn.get("n_highway") or 0),
                activation=str(cnn.get("activation", "relu")),
                max_characters_per_token=int(cnn.get("max_characters_per_token", MAX_CHARS)),
                n_characters=int(cnn.get("n_characters", 262)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(
                f"options.json is missing or has a bad value for {exc}: is it an ELMo options file?"
            ) from exc
        if opts.max_characters_per_token != MAX_CHARS:
            raise ModelLoadError(f"options.json asks for {opts.max_characters_per_token} characters per token; only 50")
        if opts.activation not in ("relu", "tanh"):
            raise ModelLoadError(f"options.json asks for the activation {opts.activation!r}; only relu and tanh exist")
        return opts

    def to_dict(self) -> dict:
        return {
            "lstm": {
                "projection_dim": self.projection_dim,
                "dim": self.dim,
                "n_layers": self.n_layers,
                "cell_clip": self.cell_clip or 0,
                "proj_clip": self.proj_clip or 0,
                "use_skip_connections": self.use_skip_connections,
            },
            "char_cnn": {
                "activation": self.activation,
                "filters": [list(f) for f in self.filters],
                "n_highway": self.n_highway,
                "embedding": {"dim": self.char_embedding_dim},
                "n_characters": 262,  # 261 stored rows + the padding row added at load time
                "max_characters_per_token": self.max_characters_per_token,
            },
        }


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------
class CharCNN(nn.Module):
    """Character CNN → max-pool → activation → highway layers → projection: one vector per token.

    The context-free token representation x_k of the paper (layer 0).
    """

    def __init__(self, options: ElmoOptions) -> None:
        super().__init__()
        self.char_embedding = nn.Embedding(options.n_characters, options.char_embedding_dim, padding_idx=0)
        self.convs = nn.ModuleList(nn.Conv1d(options.char_embedding_dim, n, width) for width, n in options.filters)
        # Highway (Srivastava et al. 2015) in AllenNLP's form: first half nonlinear, second half carry gate
        self.highways = nn.ModuleList(
            nn.Linear(options.n_filters, 2 * options.n_filters) for _ in range(options.n_highway)
        )
        self.projection = nn.Linear(options.n_filters, options.projection_dim)
        self.activation = torch.relu if options.activation == "relu" else torch.tanh

    def forward(self, char_ids: torch.Tensor) -> torch.Tensor:
        """`[N, 50]` character ids -> `[N, projection_dim]` token vectors."""
        chars = self.char_embedding(char_ids).transpose(1, 2)  # [N, D, 50]
        pooled = [conv(chars).max(dim=-1).values for conv in self.convs]  # max over positions: [N, n_i]
        x = self.activation(torch.cat(pooled, dim=-1))  # [N, F]
        for highway in self.highways:
            nonlinear, gate = highway(x).chunk(2, dim=-1)
            gate = torch.sigmoid(gate)  # how much of x to carry
            x = gate * x + (1 - gate) * torch.relu(nonlinear)
        return self.projection(x)  # [N, P]


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


# ---------------------------------------------------------------------------------------------
# The public model
# ---------------------------------------------------------------------------------------------
@dataclass
class Predictions:
    """What the two LMs expect around each word of a sentence.

    `next_words[t]`: the forward LM's top-k guesses for the word after `tokens[t]` (`</S>` = end);
    `previous_words[t]`: the backward LM's guesses for the word before `tokens[t]` (`<S>` = start).
    `forward_logprob[t]` / `backward_logprob[t]`: log p of the actual next / previous word.
    """

    tokens: list[str]
    next_words: list[list[tuple[str, float]]]
    previous_words: list[list[tuple[str, float]]]
    forward_logprob: np.ndarray
    backward_logprob: np.ndarray


class Elmo:
    """A loaded ELMo biLM: embeddings, gate traces and (with a softmax) next/previous-word guesses.

    Thread-safe for the stateless calls (the app's way). `embed(..., stateful=True)` carries LSTM
    state per batch row across calls, as AllenNLP's `_ElmoBiLm` and bilm-tf do: that is how the
    official model was trained (states never reset), and why its outputs change over the first
    batches of a run; call `warm_up` first and `reset_states` to start over.
    """

    def __init__(
        self,
        options: ElmoOptions,
        bilm: ElmoBiLm | None = None,
        vocab: Sequence[str] | None = None,
        softmax: tuple[torch.Tensor, torch.Tensor] | None = None,
        name: str = "ELMo",
        lowercase_vocab: bool = False,
    ) -> None:
        self.options = options
        self.bilm = (bilm or ElmoBiLm(options)).eval()
        self.vocab = list(vocab) if vocab is not None else None
        self.word_index = {w: k for k, w in enumerate(self.vocab)} if self.vocab else {}
        self.softmax = softmax  # W [V, P], b [V]: shared by the forward and backward LM (bilm-tf)
        self.lowercase_vocab = lowercase_vocab
        self.name = name
        self._states: list[tuple[LayerState, LayerState]] | None = None
        self._state_lock = threading.Lock()
        if softmax is not None and self.vocab is not None and len(self.vocab) != softmax[0].shape[0]:
            raise ModelLoadError(f"the vocabulary has {len(self.vocab)} words but the softmax {softmax[0].shape[0]}")

    # -- loading and saving ------------------------------------------------------------------
    @classmethod
    def from_files(
        cls,
        options_json: str | Path,
        weights_hdf5: str | Path,
        vocab_file: str | Path | None = None,
        name: str | None = None,
    ) -> Elmo:
        """Load the official AllenNLP/bilm-tf files (or the project's own, saved in the same layout)."""
        options_path, weights_path = Path(options_json), Path(weights_hdf5)
        for path, what in ((options_path, "options file"), (weights_path, "weight file")):
            if not path.is_file():
                raise ModelLoadError(f"The ELMo {what} {path} does not exist.")
        try:
            raw_options = json.loads(options_path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelLoadError(f"{options_path} is not a JSON options file: {exc}") from exc
        options = ElmoOptions.from_dict(raw_options)
        bilm = ElmoBiLm(options)
        softmax = None
        try:
            with h5py.File(weights_path, "r") as h5:
                load_hdf5_weights(bilm, h5, weights_path)
                if "softmax" in h5:
                    softmax = (_read(h5, "softmax/W", weights_path), _read(h5, "softmax/b", weights_path))
        except OSError as exc:
            raise ModelLoadError(
                f"{weights_path} is not a readable HDF5 weight file (truncated or corrupt?): {exc}"
            ) from exc
        vocab = None
        if vocab_file is not None and Path(vocab_file).is_file():
            vocab = Path(vocab_file).read_text(encoding="utf-8").split("\n")
            vocab = [w for w in vocab if w]
        if softmax is not None and vocab is None:
            softmax = None  # a softmax without its vocabulary cannot name words
        lowercase = bool(raw_options.get("vocab", {}).get("lowercase", False))
        return cls(options, bilm, vocab, softmax, name=name or weights_path.parent.name, lowercase_vocab=lowercase)

    @classmethod
    def random(cls, options: ElmoOptions, seed: int = 0, name: str = "untrained ELMo") -> Elmo:
        """The same architecture with seeded random weights (PyTorch's default initialisation)."""
        with torch.random.fork_rng():  # seeded, without touching the caller's random state
            torch.manual_seed(seed)
            bilm = ElmoBiLm(options)
        return cls(options, bilm, name=name)

    def save_files(
        self, directory: str | Path, dtype: np.dtype = np.float32, extra_options: dict | None = None
    ) -> None:
        """Write options.json + weights.hdf5 (+ vocab.txt) in the official layout."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        options = self.options.to_dict() | (extra_options or {})
        if self.lowercase_vocab:
            options["vocab"] = {"lowercase": True}
        (directory / "options.json").write_text(json.dumps(options, indent=2) + "\n")
        with h5py.File(directory / "weights.hdf5", "w") as h5:
            save_hdf5_weights(self.bilm, h5, dtype)
            if self.softmax is not None:
                h5.create_dataset("softmax/W", data=self.softmax[0].numpy().astype(dtype))
                h5.create_dataset("softmax/b", data=self.softmax[1].numpy().astype(dtype))
        if self.vocab is not None:
            (directory / "vocab.txt").write_text("\n".join(self.vocab) + "\n", encoding="utf-8")

    # -- embeddings --------------------------------------------------------------------------
    def check_sentences(self, sentences: Sequence[Sequence[str]]) -> list[Problem]:
        """Warnings for words the model reads only in part (over 48 bytes of UTF-8)."""
        long_words = sorted({w for s in sentences for w in s if len(w.encode("utf-8")) > MAX_WORD_BYTES})
        if not long_words:
            return []
        shown = ", ".join(f"'{w[:20]}…' ({len(w.encode('utf-8'))} bytes)" for w in long_words[:3])
        return [Problem("warning", f"ELMo reads only the first {MAX_WORD_BYTES} bytes of a word: {shown}.")]

    @torch.inference_mode()
    def embed(self, sentences: Sequence[Sequence[str]], stateful: bool = False) -> list[np.ndarray]:
        """One float32 array `(3, T, 2P)` per sentence: layer 0 = the char-CNN vector duplicated
        (context-free), layers 1..L = concat(forward, backward) of each LSTM layer.

        Stateless by default: every sentence starts from a zero state, so the result is deterministic.
        With `stateful=True` row r of this batch starts from the state row r ended with last call.
        """
        if not sentences:
            raise InputError("No sentences given: ELMo needs at least one sentence (a list of words).")
        if stateful:
            with self._state_lock:
                output = self.bilm(batch_to_ids(sentences), self._batch_states(len(sentences)))
                self._store_states(output.states)
        else:
            output = self.bilm(batch_to_ids(sentences))
        stacked = torch.stack(output.layers, dim=1)  # [B, L + 1, T + 2, 2P]
        return [stacked[row, :, 1 : len(s) + 1].float().numpy().copy() for row, s in enumerate(sentences)]

    def embed_batches(
        self, sentences: Sequence[Sequence[str]], batch_size: int = 32, stateful: bool = False, progress=None
    ) -> list[np.ndarray]:
        """`embed` over consecutive batches of `batch_size` (the order matters when stateful)."""
        result: list[np.ndarray] = []
        starts = range(0, len(sentences), batch_size)
        for start in progress(starts) if progress else starts:
            result.extend(self.embed(sentences[start : start + batch_size], stateful=stateful))
        return result

    def reset_states(self) -> None:
        """Forget the LSTM state carried across `embed(..., stateful=True)` calls."""
        with self._state_lock:
            self._states = None

    def warm_up(self, sentences: Sequence[Sequence[str]], passes: int = 3, batch_size: int = 32) -> None:
        """Run sentences through the stateful model so its carried states settle (AllenNLP's advice)."""
        for _ in range(passes):
            self.embed_batches(sentences, batch_size, stateful=True)

    def _batch_states(self, batch: int) -> list[tuple[LayerState, LayerState]]:
        p, c = self.options.projection_dim, self.options.dim
        if self._states is None:
            zeros = [((torch.zeros(batch, p), torch.zeros(batch, c)),) * 2 for _ in range(self.options.n_layers)]
            self._states = zeros
        stored = self._states[0][0][0].shape[0]
        if stored < batch:  # grow with zero rows for a bigger batch
            grow = [
                tuple(
                    (torch.cat([h, h.new_zeros(batch - stored, p)]), torch.cat([cc, cc.new_zeros(batch - stored, c)]))
                    for h, cc in layer
                )
                for layer in self._states
            ]
            self._states = grow
        return [tuple((h[:batch], cc[:batch]) for h, cc in layer) for layer in self._states]

    def _store_states(self, new: list[tuple[LayerState, LayerState]]) -> None:
        """Rows used by this batch take their final states; rows beyond it keep theirs (bilm-tf)."""
        batch = new[0][0][0].shape[0]
        updated = []
        for layer_old, layer_new in zip(self._states, new, strict=True):
            updated.append(
                tuple(
                    (torch.cat([hn, ho[batch:]]), torch.cat([cn, co[batch:]]))
                    for (ho, co), (hn, cn) in zip(layer_old, layer_new, strict=True)
                )
            )
        self._states = updated

    # -- gates -------------------------------------------------------------------------------
    @torch.inference_mode()
    def gates(self, sentence: Sequence[str], with_boundaries: bool = False) -> GateTrace:
        """Every LSTMP gate (i, f, g, o), cell state c and projected output h, for every layer,
        direction and word, from the same stateless forward pass as `embed`.

        Shapes `[layers, 2, 1, T, C]` (h: `[layers, 2, 1, T, P]`); h is the cell's own output, before
        the residual connection, so `embed(...)[1]` equals concat(h_fwd, h_bwd) of layer 1.
        """
        output = self.bilm(batch_to_ids([sentence]), record_gates=True)
        window = slice(None) if with_boundaries else slice(1, len(sentence) + 1)
        arrays = {
            name: np.stack(
                [
                    np.stack([direction[name][:, window].float().numpy() for direction in layer])
                    for layer in output.gates
                ]
            )
            for name in "ifgoch"
        }
        tokens = [BOS, *sentence, EOS] if with_boundaries else list(sentence)
        names = [f"layer {k + 1}" for k in range(self.options.n_layers)]
        return GateTrace(**arrays, tokens=tokens, layer_names=names, direction_names=["forward", "backward"])

    # -- language model ----------------------------------------------------------------------
    @property
    def can_predict(self) -> bool:
        return self.softmax is not None and self.vocab is not None

    def word_id(self, word: str) -> int:
        key = word.lower() if self.lowercase_vocab and word not in (BOS, EOS, UNK) else word
        return self.word_index.get(key, self.word_index.get(UNK, 0))

    @torch.inference_mode()
    def predict(self, sentence: Sequence[str], k: int = 5) -> Predictions:
        """Top-k next words (forward LM) and previous words (backward LM) at every position."""
        if not self.can_predict:
            raise InputError(f"{self.name} has no softmax and vocabulary, so it cannot guess words.")
        if not sentence:
            raise InputError("The sentence is empty: type at least one word.")
        weight, bias = self.softmax
        output = self.bilm(batch_to_ids([sentence]))
        n = len(sentence)
        forward_logp = torch.log_softmax(output.top_forward[0, 1 : n + 1] @ weight.T + bias, dim=-1)  # [n, V]
        backward_logp = torch.log_softmax(output.top_backward[0, 1 : n + 1] @ weight.T + bias, dim=-1)
        targets = [self.word_id(w) for w in [BOS, *sentence, EOS]]
        rows = torch.arange(n)
        return Predictions(
            tokens=list(sentence),
            next_words=self._top_k(forward_logp, k),
            previous_words=self._top_k(backward_logp, k),
            forward_logprob=forward_logp[rows, torch.tensor(targets[2:])].numpy(),
            backward_logprob=backward_logp[rows, torch.tensor(targets[:n])].numpy(),
        )

    @torch.inference_mode()
    def perplexity(self, sentences: Sequence[Sequence[str]], batch_size: int = 64) -> dict[str, float]:
        """Full-softmax perplexity of the forward LM, the backward LM and their average (as bilm-tf
        reports it), stateless; words outside the vocabulary count as <UNK>."""
        if not self.can_predict:
            raise InputError(f"{self.name} has no softmax and vocabulary, so it has no perplexity.")
        weight, bias = self.softmax
        totals, count = {"forward": 0.0, "backward": 0.0}, 0
        ordered = sorted((s for s in sentences if s), key=len)
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start : start + batch_size]
            output = self.bilm(batch_to_ids(batch))
            targets = torch.tensor(
                [[self.word_id(w) for w in [BOS, *s, EOS]] + [0] * (output.mask.shape[1] - len(s) - 2) for s in batch]
            )
            valid = output.mask[:, 1:]
            for direction, hidden, target in (
                ("forward", output.top_forward[:, :-1], targets[:, 1:]),  # at t, the word at t + 1
                ("backward", output.top_backward[:, 1:], targets[:, :-1]),  # at t, the word at t - 1
            ):
                logits = hidden[valid] @ weight.T + bias
                totals[direction] += float(F.cross_entropy(logits, target[valid], reduction="sum"))
            count += int(valid.sum())
        result = {k: float(np.exp(v / count)) for k, v in totals.items()}
        result["average"] = float(np.exp((totals["forward"] + totals["backward"]) / (2 * count)))
        return result

    def _top_k(self, logp: torch.Tensor, k: int) -> list[list[tuple[str, float]]]:
        values, indices = logp.exp().topk(min(k, logp.shape[-1]), dim=-1)
        return [
            [(self.vocab[i], float(v)) for v, i in zip(vs, ids, strict=True)]
            for vs, ids in zip(values, indices, strict=True)
        ]

    def parameter_count(self) -> int:
        """Parameters of the biLM without the softmax (the figure the AllenNLP page gives)."""
        return sum(p.numel() for p in self.bilm.parameters())


# ---------------------------------------------------------------------------------------------
# hdf5 <-> PyTorch, exactly AllenNLP's conversions (ELMO_FORMAT.md §4)
# ---------------------------------------------------------------------------------------------
def _read(h5: h5py.File, name: str, path: Path, shape: tuple[int, ...] | None = None) -> torch.Tensor:
    if name not in h5:
        raise ModelLoadError(f"{path} has no dataset {name!r}: is it an ELMo weight file for these options?")
    array = np.asarray(h5[name][...], dtype=np.float32)
    if shape is not None and array.shape != shape:
        raise ModelLoadError(
            f"{name} in {path} has shape {array.shape} but options.json needs {shape}: the options do not match "
            "these weights."
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
    table = _read(h5, "char_embed", path, (o.n_characters - 1, d))
    cnn.char_embedding.weight.copy_(torch.cat([torch.zeros(1, d), table]))
    for k, (width, number) in enumerate(o.filters):
        weight = _read(h5, f"CNN/W_cnn_{k}", path, (1, width, d, number))
        cnn.convs[k].weight.copy_(weight[0].permute(2, 1, 0))  # (1, w, D, n) -> (n, D, w)
        cnn.convs[k].bias.copy_(_read(h5, f"CNN/b_cnn_{k}", path, (number,)))
    for k, highway in enumerate(cnn.highways):
        # TF: y = g ⊙ relu(x W_t + b_t) + (1 - g) ⊙ x with g = σ(x W_carry + b_carry); our gate is 1 - g
        w_t = _read(h5, f"CNN_high_{k}/W_transform", path, (n_f, n_f))
        w_c = _read(h5, f"CNN_high_{k}/W_carry", path, (n_f, n_f))
        highway.weight.copy_(torch.cat([w_t.T, -w_c.T], dim=0))
        b_t = _read(h5, f"CNN_high_{k}/b_transform", path, (n_f,))
        b_c = _read(h5, f"CNN_high_{k}/b_carry", path, (n_f,))
        highway.bias.copy_(torch.cat([b_t, -b_c]))
    cnn.projection.weight.copy_(_read(h5, "CNN_proj/W_proj", path, (n_f, p)).T)
    cnn.projection.bias.copy_(_read(h5, "CNN_proj/b_proj", path, (p,)))
    for direction, stack in enumerate((bilm.forward_layers, bilm.backward_layers)):
        for layer, cell in enumerate(stack):
            prefix = _cell_prefix(direction, layer)
            kernel = _read(h5, f"{prefix}/W_0", path, (p + p, 4 * c))  # [x, h] · W_0
            kernel = _swap_forget_and_candidate(kernel.T, c)  # [4C, P + P]
            cell.input_linearity.weight.copy_(kernel[:, :p])
            cell.state_linearity.weight.copy_(kernel[:, p:])
            bias = _read(h5, f"{prefix}/B", path, (4 * c,)).clone()
            bias[2 * c : 3 * c] += 1.0  # TF adds forget_bias = 1 at run time (block f is third in TF)
            cell.state_linearity.bias.copy_(_swap_forget_and_candidate(bias, c))
            cell.state_projection.weight.copy_(_read(h5, f"{prefix}/W_P_0", path, (c, p)).T)


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


DEFAULT_DIR = Path(__file__).resolve().parent.parent / "assets" / "elmo"


def load_default(untrained: bool = False) -> Elmo:
    """The project's own biLM, shipped in assets/elmo in the official layout (checksums verified).

    `untrained=True` gives the same architecture, softmax and vocabulary with seeded random weights:
    the control the senses page compares against.
    """
    from engine.assets import verify

    for name in ("options.json", "weights.hdf5", "vocab.txt"):
        verify(DEFAULT_DIR / name)
    trained = Elmo.from_files(DEFAULT_DIR / "options.json", DEFAULT_DIR / "weights.hdf5", DEFAULT_DIR / "vocab.txt")
    trained.name = "ELMo (this project's biLM)"
    if not untrained:
        return trained
    control = Elmo.random(trained.options, seed=0, name="untrained ELMo (control)")
    generator = torch.Generator().manual_seed(0)
    vocab_size, dim = trained.softmax[0].shape
    weight = torch.randn(vocab_size, dim, generator=generator) / dim**0.5
    control.vocab, control.word_index = trained.vocab, trained.word_index
    control.softmax, control.lowercase_vocab = (weight, torch.zeros(vocab_size)), trained.lowercase_vocab
    return control
