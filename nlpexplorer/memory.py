"""The "Why gates?" view: `connectivity` (a plain RNN beside the LSTM, trained on the same text)."""

from __future__ import annotations

import numpy as np

from nlpexplorer import models
from nlpexplorer.view import View

MODELS = ("plain RNN", "LSTM")
MAX_CHARS = 500  # the page's limit


def target_step(text: str, predict: int = 0) -> int:
    """The 0-based step whose prediction is followed, from the page's "Predict character number" `predict`
    (from 1; 0: the character after the first closing quote's place, else the last one). Raises
    `InputError` naming the range when `predict` is outside 2..len(text)."""
    from engine.analysis.predictions import closing_quote
    from engine.text import steps
    from engine.validation import InputError

    length = len(steps(text))
    if length < 2:
        raise InputError("The text needs at least two characters: one to read and one to predict.")
    if predict == 0:
        quote = closing_quote(text)
        predict = quote + 1 if quote is not None and quote > 0 else length
    if not 2 <= predict <= length:
        raise InputError(f"Character {predict} is outside the text: it has {length} characters, so choose 2 to "
                         f"{length} (or 0 for the closing quote).")  # fmt: skip
    return predict - 2


def connectivity(text: str, predict: int = 0, *, layer: int = 1, unit: int = 0) -> View:
    """How far back the plain char-RNN and the char-LSTM remember, as the "Why gates?" page shows it: the exact
    gradient of one prediction (character number `predict`, from 1; 0 = the closing quote's place, else the
    last character) with respect to every input before it (engine.analysis.memory.connectivity), and each
    model's surprisal on the text. `layer` (1, 2) and `unit` (0 = the one whose ∏ f stays largest) pick the
    LSTM unit drawn.

    Arrays (t + 1 = the steps read up to the prediction, T = characters, 2 layers, 512 units), for
    m in "plain RNN", "LSTM": "{m} inputs" float32 `[t+1]` ‖∂ log p / ∂ x_k‖; "{m} hidden" float32
    `[2, t+1]` ‖∂ log p / ∂ h_k‖; "LSTM cell" float32 `[2, t+1]` ‖∂ log p / ∂ c_k‖; "LSTM forget_product"
    float32 `[2, t+1, 512]` ∏_{j=k+1..t} f_j; "{m} surprisal" float32 `[T-1]` bits. Labels: "tokens".
    The page's memory test (held-out text, not your input) is `engine.analysis.memory.memory_test`.
    Raises `InputError` for an empty text, one over 500 characters, `predict` outside 2..T, a layer other
    than 1, 2 or a unit outside 0..511.
    """
    from engine.analysis import memory
    from engine.validation import InputError, check_text, clean_text

    problems = [p.message for p in check_text(text, max_chars=MAX_CHARS) if p.level == "error"]
    if problems:
        raise InputError(" ".join(problems))
    if layer not in (1, 2):
        raise InputError(f"Layer {layer} does not exist: the models have layers 1 to 2.")
    if not 0 <= unit < 512:
        raise InputError(f"Unit {unit} does not exist: the LSTM has units 0 to 511 (0: the one kept longest).")
    text = clean_text(text)[0]
    target = target_step(text, predict)
    loaded = {"plain RNN": models.char_rnn(), "LSTM": models.char_lstm()}
    results = {name: memory.connectivity(loaded[name], text, target) for name in MODELS}
    bits = {name: memory.surprisal(loaded[name], text) for name in MODELS}
    arrays = {}
    for name in MODELS:
        arrays[f"{name} inputs"], arrays[f"{name} hidden"] = results[name].inputs, results[name].hidden
    arrays["LSTM cell"], arrays["LSTM forget_product"] = results["LSTM"].cell, results["LSTM"].forget_product
    arrays.update({f"{name} surprisal": bits[name] for name in MODELS})

    def draw() -> list:
        from engine.text import steps
        from figures import memory as F

        rnn, lstm = results["plain RNN"], results["LSTM"]
        influence = {"plain RNN": rnn.inputs, "LSTM": lstm.inputs}
        fp = lstm.forget_product[layer - 1]  # [t+1, units]
        chosen = int(np.argmax(fp[0])) if unit == 0 else unit
        return [
            F.connectivity_strip(lstm.tokens, influence, lstm.next_char),
            F.influence_by_distance(influence),
            F.gradient_paths(
                fp[:, chosen], f"unit {chosen} (layer {layer})", rnn.hidden[layer - 1], lstm.cell[layer - 1]
            ),
            F.surprisal_pair([s.text for s in steps(text)], bits),
        ]

    about = "which earlier characters move one prediction of a plain RNN and of an LSTM, and their surprisal."
    result = {"connectivity": results, "surprisal": bits}
    return View("Why gates", about, arrays, {"tokens": list(results["LSTM"].tokens)}, result, draw)
