"""Timing helper shared by the benches."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeat: int = 15) -> float:
    """Median wall time of `fn` over `repeat` calls, after one untimed warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def paired_ratio(
    fn: Callable[[], object], baseline: Callable[[], object], repeat: int = 21
) -> tuple[float, float, float]:
    """Median seconds of `fn`, of `baseline`, and the median of their per-round ratios, timed in
    alternation so that a slow spell of a shared machine hits both sides of each ratio alike."""
    fn(), baseline()
    ours, theirs, ratios = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        baseline()
        middle = time.perf_counter()
        fn()
        ended = time.perf_counter()
        ours.append(ended - middle)
        theirs.append(middle - started)
        ratios.append((ended - middle) / (middle - started))
    return statistics.median(ours), statistics.median(theirs), statistics.median(ratios)
