"""Connectivity and the memory test (engine.analysis.memory): `python bench/memory.py`.

Prints, for 500 characters of held-out text: connectivity time / plain forward (the model's own
next-character probabilities) for the char-LSTM and the char-RNN (target: at most 3x), timed in
alternation on this machine; and the memory-test curve's time for its six distances (8 texts each,
with and without the opening quote; the LSTM's quote unit found once beforehand, not timed).
Ratios only, never pass/fail. `python bench/memory.py 1` times on one thread (default 2, the app's
setting in ui/cached.py): on a shared, busy machine two OpenMP threads per process slow every kernel
by a varying factor, one thread gives steadier ratios.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from bench.timing import paired_ratio
from engine.analysis import memory
from engine.models import charlstm, charrnn

CHARS = 500


def main(threads: int = 2) -> None:
    torch.set_num_threads(threads)
    print(f"torch threads: {threads}")
    text = memory.held_out_stream()[:CHARS]
    models = {"char-LSTM": charlstm.load_default(), "char-RNN": charrnn.load_default()}
    print(f"connectivity of the prediction after character {CHARS - 1} of {CHARS} (held-out text), one backward pass:")
    for name, model in models.items():
        ours, plain, ratio = paired_ratio(
            lambda m=model: memory.connectivity(m, text, CHARS - 2),
            lambda m=model: m.next_char_probabilities(text),
            repeat=9,
        )
        print(f"  {name}: {ours * 1e3:.0f} ms vs plain forward {plain * 1e3:.0f} ms: {ratio:.1f}x (target <= 3x)")
    unit = memory.quote_unit(models["char-LSTM"])
    print(f"memory-test curve, distances {memory.DISTANCES}, 8 texts each, with and without the quote:")
    for name, model in models.items():
        started = time.perf_counter()
        memory.memory_test(model, unit=unit if name == "char-LSTM" else None)
        print(f"  {name}: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
