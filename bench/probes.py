"""Probe speed (issue 26): the time to probe one layer on the shipped OANC sample (POS probe and control
probe, fitted and scored), and the homograph view's engine work for 20 sentences, warm (target <= 2 s).

Run: `.venv/bin/python bench/probes.py` (or `make bench`). Prints seconds; nothing passes or fails on them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_seconds  # noqa: E402
from engine.analysis import homographs as H  # noqa: E402
from engine.analysis import probes as P  # noqa: E402
from engine.analysis import token_vectors as V  # noqa: E402
from engine.models import elmo, glove, transformer  # noqa: E402


def twenty_sentences() -> str:
    lines = H.PRESETS["book"].splitlines() + H.PRESETS["run"].splitlines()
    made = [line.replace(" .", f" ({k}) .") for k, line in enumerate(lines * 2)]
    return "\n".join(made[:20])


def main() -> None:
    torch.set_num_threads(2)
    sample = P.read_sample()
    task = P.make_task(sample)
    model = elmo.load_default()
    started = time.perf_counter()
    _, train_x = V.elmo_token_vectors(model, [s.words for s in sample.part("train")])
    _, test_x = V.elmo_token_vectors(model, [s.words for s in sample.part("test")])
    vectors_s = time.perf_counter() - started
    started = time.perf_counter()
    scores, _ = P.probe_layer(train_x[1], test_x[1], task)
    probe_s = time.perf_counter() - started
    print(f"ELMo vectors for the sample ({len(task.train_tags) + len(task.test_tags):,} tokens): {vectors_s:.1f} s")
    print(f"probe one layer (ELMo layer 1: POS + control probes, fitted and scored): {probe_s:.1f} s")
    print(f"  POS {scores.accuracy:.3f}, control {scores.control_accuracy:.3f}")

    minilm, static = transformer.load(), glove.load()
    text = twenty_sentences()

    def homograph_view() -> list:
        parsed = H.parse(text, "book", H.card()["classes"])
        if not parsed.occurrences:
            parsed = H.parse(text, "run", H.card()["classes"])
        return [
            *H.read_layers(parsed, "elmo", model.name, lambda s: V.elmo_token_vectors(model, s)),
            *H.read_layers(parsed, "minilm", minilm.name, lambda s: V.transformer_token_vectors(minilm, s)),
            *H.read_layers(parsed, "glove", static.name, lambda s: V.glove_token_vectors(static, s)),
        ]

    seconds = median_seconds(homograph_view, repeat=5)
    print(f"homograph view, 20 sentences, 12 layers of 3 models, warm: {seconds:.2f} s (target <= 2 s)")


if __name__ == "__main__":
    main()
