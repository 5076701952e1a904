"""How far back a recurrent character model remembers: connectivity and a quote memory test.

Connectivity (Madsen 2019, "Visualizing memorization in RNNs", Distill) is the size of the gradient
of one prediction with respect to every earlier input. For a target step t,

    L = log p(x_{t+1} | x_0 .. x_t)
    inputs[k] = ‖∂L / ∂e_k‖       e_k: the input embedding of character k, k = 0 .. t
    hidden[l, k] = ‖∂L / ∂h_k^l‖  the total derivative through every later use of h_k (layer l)
    cell[l, k] = ‖∂L / ∂c_k^l‖    LSTM only

For a plain RNN, ∂h_t/∂h_k is a product of t - k Jacobians diag(1 - h_j²) W_hh, so the gradient
shrinks (or grows) geometrically with t - k (Bengio, Simard & Frasconi 1994). The LSTM's cell state
has a path whose Jacobian is diagonal, ∂c_t/∂c_k ⊇ ∏_{j=k+1..t} f_j (the forget gates: Hochreiter &
Schmidhuber 1997's "constant error carousel", with the forget gate of Gers et al. 2000); that product
is `forget_product`, with f recomputed from the same forward pass (equal to the gate trace's f).

Everything comes from one forward and ONE backward pass through torch's own fused `nn.RNN` /
`nn.LSTM` kernels. The gradient with respect to h_k along the recurrence is read with a zero input
z_{k+1} that enters each gate exactly where h_k does (each layer's input becomes [x, z] and its
W_ih becomes [W_ih | W_hh]); ∂L/∂c_k then follows from ∂L/∂h_k by the LSTM's elementwise chain rule
∂L/∂c_k = ∂L/∂h_k ⊙ o_k ⊙ (1 - tanh² c_k) + ∂L/∂c_{k+1} ⊙ f_{k+1}, with f_k and o_k from one matrix
product over the same pass's inputs and outputs and tanh c_k = h_k / o_k (no second run of the
recurrence).
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from engine import ASSETS
from engine.text import steps
from engine.validation import InputError
from i18n import _

__all__ = [
    "DISTANCES",
    "Connectivity",
    "MemoryTest",
    "connectivity",
    "held_out_stream",
    "influence_at",
    "influence_by_distance",
    "memory_test",
    "quote_unit",
    "surprisal",
]


@dataclass
class Connectivity:
    """The gradient of one prediction with respect to everything before it.

    inputs:         float32 `[target+1]`, ‖∂ log p(next character) / ∂ input embedding at step k‖
    hidden:         float32 `[layers, target+1]`, ‖∂ log p / ∂ h_k‖ per layer (the total derivative)
    cell:           float32 `[layers, target+1]` (LSTM) or None (RNN): ‖∂ log p / ∂ c_k‖
    forget_product: float32 `[layers, target+1, units]` (LSTM) or None: ∏_{j=k+1..t} f_j per unit,
                    1 at k = t (how much of c_k survives, unchanged by writes, into c_t)
    tokens:         the steps 0..target as typed (`engine.text.steps`)
    target:         t, the step whose prediction is differentiated (0-based)
    next_char:      the character the text has at t + 1 (the one whose log-probability is used)
    log_prob:       log p(next_char | steps 0..t), natural log
    """

    inputs: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    forget_product: np.ndarray | None
    tokens: list[str]
    target: int
    next_char: str
    log_prob: float

    @property
    def distances(self) -> np.ndarray:
        """`[target+1]` int: t - k for each step k (0 at the target itself)."""
        return self.target - np.arange(self.target + 1)


def recurrence_of(model) -> nn.RNN | nn.LSTM:
    """The `nn.RNN` or `nn.LSTM` of a char model (engine.models.charlstm / charrnn)."""
    network = model.model
    for name in ("lstm", "rnn"):
        module = getattr(network, name, None)
        if isinstance(module, nn.RNN | nn.LSTM):
            return module
    raise TypeError(f"{type(network).__name__} has no nn.RNN or nn.LSTM to differentiate")


def connectivity(model, text: str, target: int) -> Connectivity:
    """Connectivity of the prediction after step `target` of `text`, for a char-LSTM or char-RNN
    (any layer count): see the module docstring for the formulas.

    Steps are characters as the model reads them (`engine.text.steps`); `target` counts from 0 and
    must leave a next character in the text to predict (0 <= target <= steps - 2).
    Raises InputError for a text or target outside those limits.
    """
    ids = model.encode(text)
    if len(ids) < 2:
        raise InputError(_("Connectivity needs at least two characters: one to read and the next one to predict."))
    if not 0 <= target <= len(ids) - 2:
        raise InputError(
            _(
                "The target step {value} is outside the text: choose a character from 1 to {value2} (the "
                "last one, {count}, has no next character to predict)."
            ).format(value=target + 1, value2=len(ids) - 1, count=len(ids))
        )
    rnn, network = recurrence_of(model), model.model
    with torch.no_grad():
        x = network.embedding(ids[: target + 1]).unsqueeze(0)  # [1, T, E]
    x.requires_grad_(True)
    probes, inputs, outputs, layer_input = [], [], [], x
    for layer in range(rnn.num_layers):
        z = torch.zeros(1, target + 1, rnn.hidden_size, dtype=x.dtype, requires_grad=True)  # [1, T, H]
        inputs.append(layer_input)
        layer_input, _ignored = _probed_layer(rnn, layer)(torch.cat([layer_input, z], dim=-1))  # [1, T, H]
        probes.append(z)
        outputs.append(layer_input)
    log_probs = torch.log_softmax(network.decoder(layer_input[0, target]), dim=-1)  # [V]
    next_id = int(ids[target + 1])
    grads = torch.autograd.grad(log_probs[next_id], [x, *probes, *outputs])  # the one backward pass
    dx, dz, dout = grads[0][0], grads[1 : 1 + rnn.num_layers], grads[1 + rnn.num_layers :]
    # ∂L/∂h_k = (upward and decoder path: through the layer's output) + (recurrent path: via z_{k+1})
    dh = torch.stack([dout[layer][0] for layer in range(rnn.num_layers)])  # [layers, T, H]
    dh[:, :-1] += torch.stack([dz[layer][0, 1:] for layer in range(rnn.num_layers)])
    cell = forget_product = None
    if isinstance(rnn, nn.LSTM):
        f, o, tanh_c = _gates_of_the_same_pass(rnn, inputs, outputs)  # [layers, T, H] each
        cell = np.linalg.norm(_cell_gradient(dh.numpy().astype(np.float64), f, o, tanh_c), axis=-1)
        forget_product = _forget_product(f).astype(np.float32)
    return Connectivity(
        inputs=dx.norm(dim=-1).numpy().astype(np.float32),
        hidden=dh.norm(dim=-1).numpy().astype(np.float32),
        cell=None if cell is None else cell.astype(np.float32),
        forget_product=forget_product,
        tokens=[s.text for s in steps(text)][: target + 1],
        target=target,
        next_char=model.config.chars[next_id],
        log_prob=float(log_probs[next_id].detach()),
    )


def _probed_layer(rnn: nn.RNN | nn.LSTM, layer: int) -> nn.RNN | nn.LSTM:
    """Layer `layer` of `rnn` as a one-layer module of the same kind whose input is [x, z]: W_ih' =
    [W_ih | W_hh], so z_k enters every gate exactly where h_{k-1} does, and ∂L/∂z_k = ∂L/∂h_{k-1}
    along the recurrence."""
    if getattr(rnn, "proj_size", 0):
        raise TypeError("connectivity does not handle LSTMs with a projection (proj_size > 0)")
    size = rnn.input_size if layer == 0 else rnn.hidden_size
    kind = {"nonlinearity": rnn.nonlinearity} if isinstance(rnn, nn.RNN) else {}
    weight = next(rnn.parameters())
    # built on the meta device: the weights are overwritten below, so the random initialisation is skipped
    one = type(rnn)(
        size + rnn.hidden_size, rnn.hidden_size, 1, bias=rnn.bias, batch_first=True, device="meta", **kind
    ).to_empty(device=weight.device)
    one = one.to(dtype=weight.dtype)
    with torch.no_grad():
        w_ih, w_hh = getattr(rnn, f"weight_ih_l{layer}"), getattr(rnn, f"weight_hh_l{layer}")
        one.weight_ih_l0.copy_(torch.cat([w_ih, w_hh], dim=1))
        one.weight_hh_l0.copy_(w_hh)
        if rnn.bias:
            one.bias_ih_l0.copy_(getattr(rnn, f"bias_ih_l{layer}"))
            one.bias_hh_l0.copy_(getattr(rnn, f"bias_hh_l{layer}"))
    return one.requires_grad_(False)


def _gates_of_the_same_pass(
    rnn: nn.LSTM, inputs: list[torch.Tensor], outputs: list[torch.Tensor]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(f, o, tanh c), float64 `[layers, T, H]` each, of the forward pass connectivity already ran, read
    from each layer's own input `[1, T, in]` and output h `[1, T, H]`, without running the recurrence
    again: the forget and output gates' pre-activations W_ih x_k + W_hh h_{k-1} + b for every k are one
    matrix product (PyTorch's nn.LSTM gate order i, f, g, o), and h_k = o_k ⊙ tanh(c_k) gives
    tanh(c_k) = h_k / o_k (o_k > 0: a sigmoid; where it underflows to 0, h_k = 0 and so is the
    term it multiplies in `_cell_gradient`)."""
    hidden = rnn.hidden_size
    f_and_o = torch.cat([torch.arange(hidden, 2 * hidden), torch.arange(3 * hidden, 4 * hidden)])  # [2H] rows
    f_all, o_all, tanh_c_all = [], [], []
    with torch.no_grad():
        for layer, (x, h) in enumerate(zip(inputs, outputs, strict=True)):
            x, h = x[0], h[0]  # [T, in], [T, H], in the model's own dtype
            h_before = torch.cat([torch.zeros_like(h[:1]), h[:-1]])  # h_{k-1}, zero before the first step
            w_ih = getattr(rnn, f"weight_ih_l{layer}")[f_and_o]  # [2H, in]
            w_hh = getattr(rnn, f"weight_hh_l{layer}")[f_and_o]  # [2H, H]
            pre = x @ w_ih.T + h_before @ w_hh.T  # [T, 2H]
            if rnn.bias:
                pre = pre + (getattr(rnn, f"bias_ih_l{layer}") + getattr(rnn, f"bias_hh_l{layer}"))[f_and_o]
            gates = torch.sigmoid(pre.double()).numpy()  # [T, 2H]: σ(f pre-activation), σ(o pre-activation)
            f, o = gates[:, :hidden], gates[:, hidden:]
            h = h.double().numpy()
            tanh_c = np.clip(np.divide(h, o, out=np.zeros_like(h), where=o > 0), -1.0, 1.0)
            f_all.append(f)
            o_all.append(o)
            tanh_c_all.append(tanh_c)
    return np.stack(f_all), np.stack(o_all), np.stack(tanh_c_all)


def _cell_gradient(dh: np.ndarray, f: np.ndarray, o: np.ndarray, tanh_c: np.ndarray) -> np.ndarray:
    """∂L/∂c_k `[layers, T, H]` from ∂L/∂h_k (total), backwards in k:
    ∂L/∂c_k = ∂L/∂h_k ⊙ o_k ⊙ (1 - tanh² c_k) + ∂L/∂c_{k+1} ⊙ f_{k+1}."""
    local = dh * o * (1.0 - tanh_c**2)
    dc = np.empty_like(local)
    dc[:, -1] = local[:, -1]
    for k in range(local.shape[1] - 2, -1, -1):
        dc[:, k] = local[:, k] + dc[:, k + 1] * f[:, k + 1]
    return dc


def _forget_product(f: np.ndarray) -> np.ndarray:
    """`[layers, T, H]`: ∏_{j=k+1..T-1} f_j for each k (1 at the last step)."""
    product = np.ones_like(f)
    product[:, :-1] = np.flip(np.cumprod(np.flip(f[:, 1:], axis=1), axis=1), axis=1)
    return product


def influence_by_distance(result: Connectivity, relative: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(distances `[target+1]` ascending from 0, influence `[target+1]`): `inputs` by t - k, divided by
    its peak (the largest over k) when `relative`."""
    influence = result.inputs[::-1].astype(np.float64)
    if relative:
        peak = influence.max()
        influence = influence / peak if peak > 0 else influence
    return np.arange(result.target + 1), influence


# ---------------------------------------------------------------------------------------------
# the memory test: an opening quote, N characters of held-out text, the place where it closes
# ---------------------------------------------------------------------------------------------
SAMPLE = ASSETS / "corpus_sample.txt.gz"
DISTANCES = (5, 20, 50, 100, 200, 400)
QUOTE = '"'


@dataclass
class MemoryTest:
    """P(closing quote) where it belongs, N characters after an opening quote, on held-out text.

    distances: the D values of N (characters between the opening quote and the closing place)
    texts:     `[D][K]` the N characters of each probe (held-out prose without quote marks)
    p_quote:   float32 `[D, K]` P('"' next) after '"' + text: the model's own probs at the last step
    p_control: float32 `[D, K]` the same after the text alone (no opening quote): the baseline
    cell:      float32 `[D, K]` (LSTM) or None: c of the quote unit at the closing place, with the quote
    unit:      (layer, unit), 0-based, of the LSTM's quote unit, or None for the RNN
    """

    distances: list[int]
    texts: list[list[str]]
    p_quote: np.ndarray
    p_control: np.ndarray
    cell: np.ndarray | None = None
    unit: tuple[int, int] | None = None

    @property
    def lift(self) -> np.ndarray:
        """`[D, K]` p_quote / p_control: how many times likelier the closing quote is because one was opened."""
        return self.p_quote / np.maximum(self.p_control, 1e-12)


@functools.lru_cache(maxsize=1)
def held_out_stream() -> str:
    """The shipped held-out sample (assets/corpus_sample.txt.gz: sentences of the corpus's validation and
    test documents, never trained on) as running prose: its sentences that start with a capital, end
    with . ! or ?, are at least 40 characters long and hold no double quote, joined by spaces."""
    lines = gzip.decompress(SAMPLE.read_bytes()).decode("utf-8").splitlines()
    prose = [s for s in (line.strip() for line in lines) if len(s) >= 40 and QUOTE not in s]
    return " ".join(s for s in prose if s[0].isupper() and s[-1] in ".!?")


def probe_texts(distance: int, count: int, skip: int = 0) -> list[str]:
    """`count` spans of exactly `distance` characters of `held_out_stream()`, each starting at a sentence
    start and ending with a punctuation mark (, . ; : ! ?) that the text follows with a space: where a
    closing quote belongs in English prose. The first `skip` such spans are passed over (the quote
    unit is chosen on those); spans do not overlap."""
    stream = held_out_stream()
    found: list[str] = []
    start = 0
    while len(found) < count + skip and start + distance < len(stream):
        end = start + distance
        if stream[end - 1] in ",.;:!?" and stream[end] == " ":
            found.append(stream[start:end])
            start = end
        next_start = stream.find(". ", start) + 2
        if next_start == 1:
            break
        start = next_start
    return found[skip:]


def memory_test(
    model, distances: tuple[int, ...] = DISTANCES, per_distance: int = 8, unit: tuple[int, int] | None = None
) -> MemoryTest:
    """The quote memory test for a char-LSTM or char-RNN: see `MemoryTest`. For an LSTM the quote unit
    is `unit`, or when None the one `quote_unit` picks on other spans of the sample."""
    is_lstm = isinstance(recurrence_of(model), nn.LSTM)
    if is_lstm and unit is None:
        unit = quote_unit(model)
    quote_id = model.index[QUOTE]
    texts = [probe_texts(n, per_distance) for n in distances]
    p_quote = np.zeros((len(distances), per_distance), dtype=np.float32)
    p_control = np.zeros_like(p_quote)
    cell = np.zeros_like(p_quote) if is_lstm else None
    for d, row in enumerate(texts):
        for k, text in enumerate(row):
            trace = model.trace(QUOTE + text)
            p_quote[d, k] = trace.probs[-1, quote_id]
            p_control[d, k] = model.next_char_probabilities(text)[-1, quote_id]
            if cell is not None:
                cell[d, k] = trace.c[unit[0], 0, 0, -1, unit[1]]
    return MemoryTest(list(distances), texts, p_quote, p_control, cell, unit if is_lstm else None)


def quote_unit(model, distances: tuple[int, ...] = (20, 50), count: int = 12) -> tuple[int, int]:
    """(layer, unit) of the LSTM cell whose state at the closing place best tells "a quote is open" from
    "no quote": the largest |mean difference| of c after '"' + text and after ' ' + text (the same
    length, so a unit that counts characters does not win), divided by the spread of that difference,
    over `count` spans per distance that the memory test itself does not use."""
    differences = []
    for n in distances:
        for text in probe_texts(n, count, skip=8):
            with_quote, without = model.trace(QUOTE + text).c, model.trace(" " + text).c  # [layers, 1, 1, T, units]
            differences.append(with_quote[:, 0, 0, -1] - without[:, 0, 0, -1])  # [layers, units]
    stacked = np.stack(differences)  # [texts, layers, units]
    score = np.abs(stacked.mean(axis=0)) / (stacked.std(axis=0) + 1e-3)
    layer, index = np.unravel_index(int(np.argmax(score)), score.shape)
    return int(layer), int(index)


def influence_at(model, distances: tuple[int, ...] = (10, 50, 100), count: int = 20) -> dict[int, float]:
    """{distance: median over `count` targets of inputs[t - distance] / max_k inputs[k]}: how much an input
    that far back still moves the prediction, relative to the most influential input. Targets are
    the last-but-one steps of held-out spans of max(distances) + 21 characters."""
    texts = probe_texts(max(distances) + 21, count)
    rows = []
    for text in texts:
        result = connectivity(model, text, len(text) - 2)
        _ignored, influence = influence_by_distance(result)
        rows.append([influence[d] for d in distances])
    return {d: float(np.median([row[j] for row in rows])) for j, d in enumerate(distances)}


def surprisal(model, text: str) -> np.ndarray:
    """`[T-1]` float32: -log2 p(character k+1 | characters 0..k) under `model`, in bits, for k = 0..T-2
    (the model's own next-character probabilities). Raises InputError for fewer than two characters."""
    ids = model.encode(text)
    if len(ids) < 2:
        raise InputError(_("Surprisal needs at least two characters: one to read and the next one to score."))
    probs = model.next_char_probabilities(text)  # [T, V]
    return (-np.log2(probs[np.arange(len(ids) - 1), ids[1:].numpy()])).astype(np.float32)
