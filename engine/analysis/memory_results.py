"""What `engine.analysis.memory` returns, in a module without torch: a result stored on disk
(ui/viewcache.py) is rebuilt without importing torch (issue 24, kind 8). `engine.analysis.memory`
re-exports both under their old names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
