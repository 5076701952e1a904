"""ELMo throughput as a fraction of this machine's float32 matmul peak, measured in one run.

For the small (2x1024_128, 1 highway) and the original (2x4096_512, 2 highways) architectures
with random weights of the right shapes: tokens per second at batch 1 (one 20-token sentence) and
batch 32, and the FLOP rate that implies (FLOPs per position computed from the options) against a
large square float32 matmul timed in the same process. Target: >= 30 % of peak at batch 32, original.
Run: `.venv/bin/python bench/elmo.py` (or `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.models.elmo import Elmo, ElmoOptions

FILTERS = [[1, 32], [2, 32], [3, 64], [4, 128], [5, 256], [6, 512], [7, 1024]]
ARCHITECTURES = {
    "small 2x1024_128_2048cnn_1xhighway": {"projection_dim": 128, "dim": 1024, "n_highway": 1},
    "original 2x4096_512_2048cnn_2xhighway": {"projection_dim": 512, "dim": 4096, "n_highway": 2},
}


def options(projection_dim: int, dim: int, n_highway: int) -> ElmoOptions:
    return ElmoOptions.from_dict(
        {
            "lstm": {"projection_dim": projection_dim, "dim": dim, "n_layers": 2, "cell_clip": 3, "proj_clip": 3,
                     "use_skip_connections": True},
            "char_cnn": {"activation": "relu", "filters": FILTERS, "n_highway": n_highway, "embedding": {"dim": 16},
                         "n_characters": 262, "max_characters_per_token": 50},
        }
    )  # fmt: skip


def flops_per_position(o: ElmoOptions) -> int:
    """Multiply-adds x 2 of every matrix product for one token position (elementwise ops left out)."""
    cnn = sum(2 * width * o.char_embedding_dim * number * (50 - width + 1) for width, number in o.filters)
    highway = o.n_highway * 2 * o.n_filters * 2 * o.n_filters
    projection = 2 * o.n_filters * o.projection_dim
    cell = 2 * o.projection_dim * 4 * o.dim * 2 + 2 * o.dim * o.projection_dim  # input, recurrent, projection
    return cnn + highway + projection + cell * o.n_layers * 2


def matmul_peak(size: int = 2048, repeat: int = 7) -> float:
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - started)
    return 2 * size**3 / min(times)


def throughput(elmo: Elmo, batch: int, length: int = 20, repeat: int = 5) -> float:
    """Median seconds to embed `batch` sentences of `length` tokens (stateless). Every word is distinct,
    so the char-CNN (which runs once per distinct word) does the full work the FLOP count assumes."""
    sentences = [[f"w{row}x{k}" for k in range(length)] for row in range(batch)]
    elmo.embed(sentences)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        elmo.embed(sentences)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    torch.set_num_threads(2)
    peak = matmul_peak()
    print(f"float32 matmul peak (2048^3, best of 7): {peak / 1e9:.1f} GFLOP/s on {torch.get_num_threads()} threads")
    for name, sizes in ARCHITECTURES.items():
        o = options(**sizes)
        elmo = Elmo.random(o)
        per_position = flops_per_position(o)
        print(f"{name}: {elmo.parameter_count() / 1e6:.1f} M parameters, {per_position / 1e6:.1f} MFLOP per position")
        for batch in (1, 32):
            seconds = throughput(elmo, batch, repeat=5 if batch == 1 else 3)
            tokens, positions = batch * 20, batch * 22  # 20 words + <S> and </S>
            rate = per_position * positions / seconds
            print(
                f"   batch {batch:>2}: {tokens / seconds:8.0f} tokens/s, {rate / 1e9:6.1f} GFLOP/s "
                f"= {rate / peak:5.1%} of the matmul peak"
            )


if __name__ == "__main__":
    main()
