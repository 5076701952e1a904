"""Pure functions over one layer's gate trace: unit orderings, saturation, span patterns, the ledger.

A layer's trace for one direction and one text is a set of `[T, units]` arrays (i, f, g, o, c, h).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.validation import InputError
from i18n import N_, _

if TYPE_CHECKING:  # a hint only: the stored gates view is rebuilt here without torch (issue 24, kind 8)
    from engine.models.lstm import GateTrace

LEFT, RIGHT = 0.1, 0.9  # Karpathy et al. 2015: a gate below 0.1 is left-, above 0.9 right-saturated
# English (the orders double as URL values); shown through i18n._ (issue 29)
ORDERS = (N_("text order"), N_("variance"), N_("mean"), N_("saturation"), N_("pattern"))
DESCRIPTIONS = {
    "i": N_("input gate i: how much of the candidate is written into the memory (0..1)"),
    "f": N_("forget gate f: how much of the memory is kept from the step before (0..1)"),
    "g": N_("cell candidate g: the new content offered to the memory (-1..1)"),
    "o": N_("output gate o: how much of the memory is shown as output (0..1)"),
    "c": N_("cell state c: the memory itself (unbounded; clipped at ±3 in ELMo)"),
    "h": N_("hidden state h: the output, o ⊙ tanh(c) (in ELMo each unit's own, before the projection)"),
}


@dataclass
class LayerView:
    """One layer and direction of a trace: each quantity `[T, units]`, and the step labels.

    Every quantity has one column per memory cell. In an LSTM with a projection (ELMo's LSTMP, or
    `proj_size > 0`) `h` is each cell's own output o ⊙ tanh(c), and `projected_h` `[T, proj_size]`
    the layer's actual output, a mix of all cells.
    """

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    kept: np.ndarray  # f_t ⊙ c_{t-1}
    written: np.ndarray  # i_t ⊙ g_t
    tokens: list[str]
    projected_h: np.ndarray | None = None

    def get(self, quantity: str) -> np.ndarray:
        return getattr(self, quantity)

    @property
    def steps(self) -> int:
        return len(self.tokens)


def layer_view(trace: GateTrace, layer: int, direction: int = 0, row: int = 0) -> LayerView:
    """Cut one layer/direction/sequence out of a full trace (0-based indices)."""
    pick = lambda a: np.ascontiguousarray(a[layer, direction, row])  # noqa: E731
    projected = trace.h.shape[-1] != trace.c.shape[-1]
    return LayerView(
        i=pick(trace.i),
        f=pick(trace.f),
        g=pick(trace.g),
        o=pick(trace.o),
        c=pick(trace.c),
        h=pick(trace.o) * np.tanh(pick(trace.c)) if projected else pick(trace.h),
        kept=pick(trace.kept),
        written=pick(trace.written),
        tokens=list(trace.tokens),
        projected_h=pick(trace.h) if projected else None,
    )


def saturation(gate: np.ndarray, left: float = LEFT, right: float = RIGHT) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the fraction of steps the gate is left-saturated (< 0.1) and right-saturated (> 0.9)."""
    return (gate < left).mean(axis=0), (gate > right).mean(axis=0)


def layer_summary(trace: GateTrace, layer: int, direction: int = 0) -> tuple[LayerView, list[dict], list[str]]:
    """What the LSTM gates page draws of a trace: `layer_view(trace, layer, direction)` (0-based), the
    saturation of i, f and o of every layer in that direction (one dict per layer: gate -> (left `[units]`,
    right `[units]`)), and the layer names. The page's cached call and the Python API both call this."""
    view = layer_view(trace, layer, direction)
    summary = [
        {gate: saturation(getattr(trace, gate)[k, direction, 0]) for gate in ("i", "f", "o")}
        for k in range(trace.i.shape[0])
    ]
    return view, summary, list(trace.layer_names)


def saturated(values: np.ndarray) -> np.ndarray:
    """Where a quantity sits near its extremes: gates (0..1) below 0.1 or above 0.9; g and h (-1..1)
    beyond ±0.9; the unbounded cell state where |tanh(c)| > 0.9."""
    if values.min() >= 0 and values.max() <= 1:
        return (values < LEFT) | (values > RIGHT)
    if values.min() >= -1 and values.max() <= 1:
        return np.abs(values) > RIGHT
    return np.abs(np.tanh(values)) > RIGHT


def unit_order(values: np.ndarray, method: str, pattern: np.ndarray | None = None) -> np.ndarray:
    """Units (columns of `values` `[T, U]`) ordered most interesting first.

    variance: how much a unit changes over the text; mean: its average value; saturation: how often
    it sits near its extremes (gates: < 0.1 or > 0.9; other quantities: |tanh(x)| > 0.9);
    pattern: correlation with a 0/1 mask of marked steps.
    """
    if method == "text order":
        return np.arange(values.shape[1])
    if method == "variance":
        score = values.var(axis=0)
    elif method == "mean":
        score = values.mean(axis=0)
    elif method == "saturation":
        score = saturated(values).mean(axis=0)
    elif method == "pattern":
        if pattern is None or pattern.all() or not pattern.any():
            return np.arange(values.shape[1])
        score = np.nan_to_num(correlation(values, pattern.astype(np.float64)))
    else:
        raise ValueError(f"unknown order {method!r}; choose one of {ORDERS}")
    return np.argsort(-score, kind="stable")


def correlation(values: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Pearson correlation of every column of `values` `[T, U]` with `target` `[T]` (NaN if constant)."""
    x = values - values.mean(axis=0)
    y = target - target.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x * y[:, None]).sum(axis=0) / np.sqrt((x**2).sum(axis=0) * (y**2).sum())


@dataclass
class PatternScore:
    unit: int
    inside: float
    outside: float
    score: float


def pattern_scores(values: np.ndarray, mask: np.ndarray, top: int = 10) -> list[PatternScore]:
    """Units most active inside the marked steps and least active outside (LSTMVis's select view).

    score = mean inside − mean outside, in units of the unit's own standard deviation over the text,
    so a unit that is high exactly on the marked span and low elsewhere ranks first.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any() or mask.all():
        return []
    inside, outside = values[mask].mean(axis=0), values[~mask].mean(axis=0)
    spread = values.std(axis=0)
    score = (inside - outside) / np.where(spread > 1e-8, spread, np.inf)
    order = np.argsort(-score, kind="stable")[:top]
    return [PatternScore(int(u), float(inside[u]), float(outside[u]), float(score[u])) for u in order]


def mask_from_regex(text: str, spans_of: Sequence[tuple[int, int]], pattern: str) -> np.ndarray:
    """Steps whose characters fall inside a match of `pattern` in `text` (`spans_of[k]` = step k's span)."""
    try:
        matches = list(re.finditer(pattern, text))
    except re.error as exc:
        raise InputError(
            _("The pattern {pattern!r} is not a valid regular expression: {exc}.").format(pattern=pattern, exc=exc)
        ) from exc
    marked = np.zeros(len(text) + 1, dtype=bool)
    for match in matches:
        marked[match.start() : match.end()] = True
    return np.array([marked[a:b].any() if b > a else False for a, b in spans_of], dtype=bool)


INSIDE_QUOTES = r'"[^"]*"'
