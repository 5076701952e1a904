"""The LSTM views: `gates` (the LSTM gates page) and `step` (the LSTM step by step page)."""

from __future__ import annotations

import numpy as np

from nlpexplorer import models
from nlpexplorer.view import View

QUANTITIES = "ifgoch"


def _trace(model, text_or_tensor, kind: str):
    """A GateTrace of `text_or_tensor`: text for a named/folder/char-LSTM-like model, a tensor for an `nn.LSTM`."""
    from torch import nn

    if isinstance(model, nn.LSTM):
        from engine.models.lstm import trace_gates

        trace = trace_gates(model, text_or_tensor)
        if not trace.tokens:
            trace.tokens = [str(t) for t in range(trace.i.shape[3])]
        return trace
    if kind == "ELMo":
        from engine.text import tokenize

        return model.gates(tokenize(text_or_tensor), with_boundaries=True)
    return model.trace(text_or_tensor)


def gates(model="char-LSTM", text_or_tensor="", layer: int = 1, *, direction: int | None = None) -> View:
    """Every gate of one LSTM layer over a text, as the LSTM gates page shows it.

    `model`: "char-LSTM" (steps are characters), "ELMo forward" / "ELMo backward" (steps are words with
    <S> and </S>), the path of your LSTM folder (README: Your own LSTM), a loaded char-LSTM-like object,
    or a live `torch.nn.LSTM` (then `text_or_tensor` is its input tensor, `[T, input]` or as it takes it;
    steps are numbered). `layer` counts from 1; `direction` (0/1) picks a bidirectional `nn.LSTM`'s half.

    Arrays (T steps, U units of the layer): "i", "f", "g", "o", "c", "h", "kept" (f ⊙ c_{t-1}), "written"
    (i ⊙ g), each float32 `[T, U]`; "left_saturation" / "right_saturation" `[layers, 3, U]`: per layer,
    for i, f, o, the fraction of steps each unit's gate is below 0.1 / above 0.9 (Karpathy et al. 2015).
    Labels: "tokens" (T), "layers". Raises `InputError` for an empty text, a missing layer or a bad folder.
    """
    from engine.analysis import gates as G
    from engine.validation import InputError

    traced, model_direction, kind = models.lstm_model(model)
    trace = _trace(traced, text_or_tensor, kind)
    layers = trace.i.shape[0]
    if not 1 <= layer <= layers:
        raise InputError(f"Layer {layer} does not exist: the model has layers 1 to {layers}.")
    view, saturation, layer_names = G.layer_summary(
        trace, layer - 1, model_direction if direction is None else direction
    )
    arrays = {q: view.get(q) for q in (*QUANTITIES, "kept", "written")}
    arrays["left_saturation"] = np.array([[s[g][0] for g in "ifo"] for s in saturation])
    arrays["right_saturation"] = np.array([[s[g][1] for g in "ifo"] for s in saturation])

    def draw() -> list:
        from figures import lstm as F
        from figures.common import token_labels

        labels = token_labels(view.tokens)
        units = view.i.shape[1]
        chosen = G.unit_order(view.c, "variance")[: min(48, units)]
        title = f"cell state c, layer {layer}: {len(chosen)} of {units} units by variance"
        return [
            F.gates_heatmap(view.c[:, chosen], labels, chosen, "c", title=title),
            F.unit_lines(view, int(chosen[0]), labels),
            F.ledger(view, int(chosen[0]), labels),
            F.saturation_scatter(saturation, layer_names),
        ]

    about = f"every gate and the memory of layer {layer} at every step: i, f, g, o, c, h (T × units)."
    return View("LSTM gates", about, arrays, {"tokens": view.tokens, "layers": layer_names}, (view, saturation), draw)


def step(text: str, layer: int = 1, model="char-LSTM") -> View:
    """What an LSTM language model predicts after each step, and layer `layer`'s cell, as the LSTM step by step
    page shows it. `model`: "char-LSTM", your LSTM folder (characters, with a decoder), a loaded char-LSTM-like
    object, or "ELMo" / "official ELMo <size>" (steps are words with <S> and </S>, both directions).

    Character models' arrays (T steps, U units, V vocabulary): "i", "f", "g", "o", "c", "h" float32 `[T, U]` of
    layer `layer`; "ids" int64 `[T]` (the ids read); "probs" float32 `[T, V]` (row t: p(next | steps 0..t)).
    Labels: "tokens" (the T steps as typed), "vocabulary" (V).
    ELMo's arrays: "forward_i" ... "backward_h" float32 `[T + 2, cells]` (h: each cell's own o ⊙ tanh(c));
    its top-5 guesses are in `.result["predictions"]` (None for an official ELMo, which has no softmax).
    Raises `InputError` for an empty text or a layer the model lacks.
    """
    from engine.validation import InputError

    traced, _, kind = models.lstm_model(model)
    if kind == "ELMo":
        return _elmo_step(traced, text, layer)
    trace = traced.trace(text)
    if not 1 <= layer <= trace.i.shape[0]:
        raise InputError(f"Layer {layer} does not exist: the model has layers 1 to {trace.i.shape[0]}.")
    arrays = {q: np.ascontiguousarray(trace.get(q)[layer - 1, 0, 0]) for q in QUANTITIES}
    arrays["ids"] = traced.encode(text).numpy()
    if trace.probs is not None:
        arrays["probs"] = trace.probs
    vocabulary = list(getattr(traced.config, "chars", None) or traced.config.vocabulary)

    def draw() -> list:
        from engine.analysis import predictions as P
        from figures import predictions as FP
        from figures.common import token_labels

        if "probs" not in arrays:
            return []
        table = P.next_step_table(arrays["probs"], arrays["ids"])
        guesses = [[vocabulary[k] for k in row] for row in table.top_ids]
        labels = token_labels(trace.tokens)
        return [
            FP.top_guesses(
                labels, guesses, table.top_probs, table.actual_rank, title="Top 5 guesses for the next step"
            ),
            FP.surprisal_line(labels, table.surprisal, [""] * len(labels)),
        ]

    about = f"the next-step predictions and layer {layer}'s gates and cell at each step."
    labels = {"tokens": list(trace.tokens), "vocabulary": vocabulary}
    return View("LSTM step by step", about, arrays, labels, trace, draw)


def _elmo_step(elmo, text: str, layer: int) -> View:
    """ELMo's layer `layer` in both directions, one pass (as ui/reading.elmo_reading computes it)."""
    from engine.text import tokenize
    from engine.validation import InputError

    words = tokenize(text)
    trace, predictions = elmo.read(words) if elmo.can_predict else (elmo.gates(words, with_boundaries=True), None)
    if not 1 <= layer <= trace.i.shape[0]:
        raise InputError(f"Layer {layer} does not exist: ELMo has layers 1 to {trace.i.shape[0]}.")
    arrays = {}
    for d, direction in enumerate(("forward", "backward")):
        part = {q: np.ascontiguousarray(trace.get(q)[layer - 1, d, 0]) for q in QUANTITIES}
        if trace.h.shape[-1] != trace.c.shape[-1]:  # LSTMP: each cell's own output o ⊙ tanh(c)
            part["h"] = part["o"] * np.tanh(part["c"])
        arrays.update({f"{direction}_{q}": v for q, v in part.items()})
    about = f"ELMo's layer {layer}, both directions: each cell's gates and memory at every word."
    return View("LSTM step by step", about, arrays, {"tokens": list(trace.tokens)}, {"predictions": predictions})
