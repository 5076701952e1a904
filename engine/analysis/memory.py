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
is `forget_product`, with f the same forward pass's own (the gate trace's f).

Everything comes from ONE forward pass, in torch's own fused `nn.RNN` / `nn.LSTM` kernel layer by
layer (for the LSTM, the gates and c read from the kernel by `engine.models.lstm.trace_gates`), and
ONE backward pass: backpropagation through time written out (`engine.analysis.backprop`), one
matrix-vector product with W_hh per step, which gives ∂L/∂h_k and ∂L/∂c_k along the way, and one
batched matrix product per layer for its inputs. No autograd graph, no probes, no second forward.
"""

from __future__ import annotations

import functools
import gzip

import numpy as np
import torch
from torch import nn

from engine import ASSETS
from engine.analysis.backprop import LayerGradient, lstm_layer_backward, rnn_layer_backward
from engine.analysis.memory_results import Connectivity, MemoryTest  # torch-free: stored views
from engine.models.charrnn import single_layer
from engine.models.lstm import trace_gates
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
    next_id = int(ids[target + 1])
    with torch.no_grad():
        x = network.embedding(ids[: target + 1])  # [T, E]
        states = _forward_states(rnn, x)  # per layer: h (and the LSTM's gates and c), [T, H] each
        logits = network.decoder(states[-1]["h"][target])  # [V]
        log_probs = torch.log_softmax(logits, dim=-1)
        # ∂ log softmax(W h + b)[n] / ∂h = Wᵀ (e_n - p): the direct gradient of the top layer's last h
        d_logits = -torch.softmax(logits, dim=-1)
        d_logits[next_id] += 1.0
        direct = torch.zeros_like(states[-1]["h"])  # [T, H]
        direct[target] = d_logits @ network.decoder.weight
        layers: list[LayerGradient] = []
        for layer in range(rnn.num_layers - 1, -1, -1):  # backwards through the stack, top layer first
            w_ih, w_hh = getattr(rnn, f"weight_ih_l{layer}"), getattr(rnn, f"weight_hh_l{layer}")
            if isinstance(rnn, nn.LSTM):
                gradient = lstm_layer_backward(states[layer], direct, w_ih, w_hh)
            else:
                gradient = rnn_layer_backward(states[layer]["h"], direct, w_ih, w_hh)
            layers.insert(0, gradient)
            direct = gradient.inputs  # [T, in]: what reaches the layer below's h (or the embeddings)
    cell = forget_product = None
    if isinstance(rnn, nn.LSTM):
        cell = torch.stack([g.cell for g in layers]).norm(dim=-1).float().numpy()
        forget_product = _forget_product(torch.stack([s["f"] for s in states]).double().numpy()).astype(np.float32)
    return Connectivity(
        inputs=direct.norm(dim=-1).float().numpy(),
        hidden=torch.stack([g.hidden for g in layers]).norm(dim=-1).float().numpy(),
        cell=cell,
        forget_product=forget_product,
        tokens=[s.text for s in steps(text)][: target + 1],
        target=target,
        next_char=model.config.chars[next_id],
        log_prob=float(log_probs[next_id]),
    )


def _forward_states(rnn: nn.RNN | nn.LSTM, x: torch.Tensor) -> list[dict[str, torch.Tensor]]:
    """One forward pass of `rnn` over x `[T, E]` in torch's fused kernel, one layer at a time: per layer
    {"h"} (RNN) or {"i", "f", "g", "o", "c", "h"} (LSTM, read from the kernel by `trace_gates`, which keeps
    them in float32 whatever the model's dtype: a float64 model's connectivity is float32-exact, about 1e-7),
    `[T, H]` each in the model's dtype."""
    if isinstance(rnn, nn.LSTM):
        if rnn.proj_size:
            raise TypeError("connectivity does not handle LSTMs with a projection (proj_size > 0)")
        trace = trace_gates(rnn, x.unsqueeze(0) if rnn.batch_first else x.unsqueeze(1))  # [layers, 1, 1, T, H]
        return [
            {k: torch.from_numpy(trace.get(k)[layer, 0, 0]).to(x.dtype) for k in "ifgoch"}
            for layer in range(rnn.num_layers)
        ]
    states, layer_input = [], x.unsqueeze(0) if rnn.batch_first else x.unsqueeze(1)
    for layer in range(rnn.num_layers):
        layer_input, _ = single_layer(rnn, layer)(layer_input)  # [1, T, H] or [T, 1, H]
        states.append({"h": layer_input.squeeze(0 if rnn.batch_first else 1)})
    return states


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
        probs, c = last_step(model, [QUOTE + text for text in row])  # [K, V], [layers, K, H]
        p_quote[d] = probs[:, quote_id]
        p_control[d] = last_step(model, row)[0][:, quote_id]
        if cell is not None:
            cell[d] = c[unit[0], :, unit[1]]
    return MemoryTest(list(distances), texts, p_quote, p_control, cell, unit if is_lstm else None)


def last_step(model, texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """(probs float32 `[K, V]`: after the last step of each of the K texts, the model's distribution over
    the next character; c float32 `[layers, K, H]` there (LSTM) or None), from one batched forward pass
    of the fused kernel per text length (the weights are read once per step for the whole batch)."""
    rnn, network = recurrence_of(model), model.model
    ids = [model.encode(text) for text in texts]
    probs = np.zeros((len(texts), model.config.vocab_size), np.float32)
    cell = np.zeros((rnn.num_layers, len(texts), rnn.hidden_size), np.float32) if isinstance(rnn, nn.LSTM) else None
    by_length: dict[int, list[int]] = {}
    for k, row in enumerate(ids):
        by_length.setdefault(len(row), []).append(k)
    with torch.inference_mode():
        for members in by_length.values():
            batch = torch.stack([ids[k] for k in members])  # [B, T]
            output, state = rnn(network.embedding(batch if rnn.batch_first else batch.T))  # [B, T, H] or [T, B, H]
            last = output[:, -1] if rnn.batch_first else output[-1]  # [B, H]
            probs[members] = torch.softmax(network.decoder(last), dim=-1).numpy()
            if cell is not None:
                cell[:, members] = state[1].numpy()  # c_n: [layers, B, H]
    return probs, cell


def quote_unit(model, distances: tuple[int, ...] = (20, 50), count: int = 12) -> tuple[int, int]:
    """(layer, unit) of the LSTM cell whose state at the closing place best tells "a quote is open" from
    "no quote": the largest |mean difference| of c after '"' + text and after ' ' + text (the same
    length, so a unit that counts characters does not win), divided by the spread of that difference,
    over `count` spans per distance that the memory test itself does not use."""
    differences = []
    for n in distances:
        spans = probe_texts(n, count, skip=8)
        _, c = last_step(model, [QUOTE + text for text in spans] + [" " + text for text in spans])  # [layers, 2K, H]
        differences.append((c[:, : len(spans)] - c[:, len(spans) :]).transpose(1, 0, 2))  # [K, layers, units]
    stacked = np.concatenate(differences)  # [texts, layers, units]
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
