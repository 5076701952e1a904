"""Cached model calls and data shaping for the "LSTM step by step" page (predictions, the cell, interventions).

Results are cached per text and settings (never keyed on arrays); each holds one layer's arrays, so a
cache hit copies tens of MB at most (2,000 characters x 512 units x 6 quantities in float32: 25 MB).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import streamlit as st

from engine.analysis import gates as G
from engine.analysis import predictions as P
from figures.cell import CellSteps
from i18n import N_, _
from ui import cached
from ui.language import Later

QUANTITIES = "ifgoch"
DEFAULT_MODE = "clamp c to 0"  # ui.step_views.MODES[0]: the intervention's default
QUOTE_UNITS = 10  # the intervention's default units: this many of the pattern search's (quote_units)


@st.cache_data(show_spinner=Later(N_("Reading the text with the char-LSTM…")), max_entries=8)
def char_reading(text: str, layer: int, folder: str = "") -> dict:
    """Layer `layer` (1-based)'s i, f, g, o, c, h `[T, units]`, the text's ids `[T]` and probs `[T, V]`, with
    the T steps (`engine.text.steps`: a character with its combining marks is one step) as typed in `tokens`
    and their character spans in `spans`. `folder`: your character LSTM (with a decoder) instead of the
    char-LSTM; kept in the result's "folder" for the intervention. The default view's comes from disk once
    the warm-up stored it (ui/first_views.py), with no torch; a folder's never does."""
    if folder:
        return _char_reading(text, layer, folder)
    return cached.through("char_reading", text, layer)


def _char_reading(text: str, layer: int, folder: str = "") -> dict:
    from engine.text import steps

    model = cached.user_lstm(folder) if folder else cached.char_lstm()
    trace = model.trace(text)
    result = {q: np.ascontiguousarray(trace.get(q)[layer - 1, 0, 0]) for q in QUANTITIES}
    chars = list(model.config.vocabulary if folder else model.config.chars)
    result.update(probs=trace.probs, ids=model.encode(text).numpy(), chars=chars, folder=folder)
    result.update(tokens=list(trace.tokens), spans=[(s.start, s.end) for s in steps(text)])
    return result


@st.cache_data(show_spinner=Later(N_("Running the char-LSTM with the units switched off…")), max_entries=16)
def char_intervention(
    text: str, layer: int, units: tuple[int, ...], mode: str, value: float, start: int, folder: str = ""
) -> dict:
    """probs `[T, V]` after the change, and the changed units' c and h `[T, len(units)]` after it (the default
    view's from disk once the warm-up stored it, as `char_reading`)."""
    if folder:
        return _char_intervention(text, layer, units, mode, value, start, folder)
    args = (text, layer, tuple(units), mode, float(value), int(start))
    return cached.through("char_intervention", *args)


def _char_intervention(
    text: str, layer: int, units: tuple[int, ...], mode: str, value: float, start: int, folder: str = ""
) -> dict:
    from engine.models.intervention import Intervention

    change = Intervention(layer - 1, tuple(units), mode, start, value)
    trace = (cached.user_lstm(folder) if folder else cached.char_lstm()).trace(text, change)
    pick = list(units)
    return {
        "probs": trace.probs,
        "c": trace.c[layer - 1, 0, 0][:, pick],
        "h": trace.h[layer - 1, 0, 0][:, pick],
    }


@st.cache_data(show_spinner=Later(N_("Reading the words with ELMo…")), max_entries=8)
def elmo_reading(text: str, layer: int, model: str = "ELMo") -> dict:
    """ELMo's layer `layer` per direction (`[T + 2, cells]` each) and both LMs' top-5 guesses, one pass.
    `model`: "ELMo" (this app's biLM) or a fetched "official ELMo <size>", which has no softmax: its
    `predictions` are None."""
    from engine.text import tokenize

    elmo = cached.elmo_model() if model == "ELMo" else cached.elmo_from_folder(model)
    words = tokenize(text)
    if elmo.can_predict:
        trace, predictions = elmo.read(words)
    else:
        trace, predictions = elmo.gates(words, with_boundaries=True), None
    result = {
        direction: {q: np.ascontiguousarray(trace.get(q)[layer - 1, d, 0]) for q in QUANTITIES}
        for d, direction in enumerate(("forward", "backward"))
    }
    if trace.h.shape[-1] != trace.c.shape[-1]:  # LSTMP: each cell's own output o ⊙ tanh(c)
        for part in result.values():
            part["h"] = part["o"] * np.tanh(part["c"])
    result.update(tokens=trace.tokens, predictions=predictions)
    return result


def default_start(tokens: list[str]) -> int:
    """The intervention's first step by default: just after the first opening double quote (0 without one)."""
    opening = next((k for k, step in enumerate(tokens) if step[:1] == '"'), -1)
    return opening + 1 if opening >= 0 else 0


def default_intervention(data: dict, text: str) -> tuple:
    """(units, mode, value, start): the intervention the page runs before the learner changes a control."""
    return tuple(quote_units(data, text, QUOTE_UNITS)), DEFAULT_MODE, 0.0, default_start(data["tokens"])


def quote_units(arrays: dict, text: str, count: int) -> list[int]:
    """The `count` units whose c is highest inside "double quotes" and lowest outside (the pattern search);
    `arrays["spans"]` are the steps' character spans."""
    mask = G.mask_from_regex(text, arrays["spans"], G.INSIDE_QUOTES)
    scores = G.pattern_scores(arrays["c"], mask, top=count)
    return [s.unit for s in scores] or list(range(count))


def informative_step(table: P.NextStepTable) -> int:
    """The step the cell view opens on: where the model is most sure of the character that really came next
    (its probability `table.actual_prob` highest), so the bars and the guess are worth reading. 0 for one step."""
    if len(table.actual_prob) < 2:
        return 0
    return int(np.argmax(table.actual_prob[:-1]))  # the last step has no next character


def parse_units(value: str, high: int, fallback: list[int], limit: int = 8) -> tuple[list[int], str | None]:
    """ "3, 77 200" -> [3, 77, 200]; an empty box gives `fallback`. Returns (units, problem or None)."""
    words = value.replace(",", " ").split()
    if not words:
        return fallback, None
    if not all(w.isdigit() for w in words):
        return (
            fallback,
            _("Units are whole numbers from 0 to {last}, separated by commas. Showing the default units.").format(
                last=high - 1
            ),
        )
    units = list(dict.fromkeys(int(w) for w in words))
    bad = [u for u in units if u >= high]
    if bad:
        message = _("Unit(s) {bad} do not exist: this layer has units 0 to {last}. Showing the default units.")
        return fallback, message.format(bad=bad, last=high - 1)
    if len(units) <= limit:
        return units, None
    return units[:limit], _("At most {limit} units: the first {limit} are used.").format(limit=limit)


def cell_steps(
    arrays: dict, units: list[int], tokens, guesses, guess_probs, following, backward: bool = False, **kw
) -> CellSteps:
    """`[T, 7, U]` values (c_{t-1}, f, i, g, o, c_t, h_t) of the chosen units, for the cell view. A backward
    LSTM's previous step is t + 1 (it reads right to left)."""
    c = arrays["c"][:, units]
    zeros = np.zeros((1, len(units)), c.dtype)
    previous = np.vstack([c[1:], zeros]) if backward else np.vstack([zeros, c[:-1]])
    parts = [previous, arrays["f"][:, units], arrays["i"][:, units], arrays["g"][:, units], arrays["o"][:, units]]
    values = np.stack([*parts, c, arrays["h"][:, units]], axis=1)
    return CellSteps(values, units, list(tokens), guesses, np.asarray(guess_probs), list(following), **kw)


def elmo_steps(result: dict, direction: str, k: int = 5) -> dict:
    """The cell view's per-step labels for one of ELMo's LMs: steps are <S>, the words, </S>; the forward LM
    guesses the next word, the backward LM the previous one (none at the boundaries)."""
    tokens, p = result["tokens"], result["predictions"]
    forward = direction.startswith("forward")
    rows = [[] for _ in tokens[1:-1]] if p is None else p.next_words if forward else p.previous_words  # no softmax
    empty = [("", 0.0)] * k
    padded = [empty, *[(row + empty)[:k] for row in rows], empty]
    following = [*tokens[1:], ""] if forward else ["", *tokens[:-1]]
    following = ["" if n == 0 or n == len(tokens) - 1 else f for n, f in enumerate(following)]
    return {
        "tokens": tokens,
        "guesses": [[w for w, _ in row] for row in padded],
        "guess_probs": np.array([[q for _, q in row] for row in padded]),
        "following": following,
        "backward": not forward,
        "guess_label": _("next word") if forward else _("previous word"),
        "joiner": " ",
    }


def char_guesses(table: P.NextStepTable, chars: list[str]) -> list[list[str]]:
    return [[chars[i] for i in row] for row in table.top_ids]


def predictions_frame(
    tokens: list[str], chars: list[str], before: P.NextStepTable, after: dict | None = None
) -> pd.DataFrame:
    """One row per step (`tokens`: the steps as typed): the character read, the actual next one, its
    probability, rank and surprisal, the top-5 guesses; with an intervention also the same after it and the
    KL divergence (bits)."""
    table = pd.DataFrame(
        {
            "step": np.arange(len(tokens)),
            "char": list(tokens),
            "next": [*tokens[1:], ""],
            "p_next": before.actual_prob,
            "rank_next": before.actual_rank,
            "surprisal_bits": before.surprisal,
        }
    )
    for r in range(before.top_ids.shape[1]):
        table[f"guess{r + 1}"] = [chars[i] for i in before.top_ids[:, r]]
        table[f"p_guess{r + 1}"] = before.top_probs[:, r]
    if after is not None:
        table["p_next_after"] = after["table"].actual_prob
        table["rank_next_after"] = after["table"].actual_rank
        table["surprisal_bits_after"] = after["table"].surprisal
        table["guess1_after"] = [chars[i] for i in after["table"].top_ids[:, 0]]
        table["kl_bits"] = after["kl"]
    return table


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


# the warm-up stores the default view's results through `cached.store` (ui/first_views.py)
cached.COMPUTE.update(char_reading=_char_reading, char_intervention=_char_intervention)
