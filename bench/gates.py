"""Gate tracing speed, printed as ratios measured in one run: `trace_gates` / a plain `nn.LSTM`
forward (with the gates read from the fused kernel, and recomputed the portable way), and / a
per-step Python loop that computes the gates one step at a time (the obvious way).

On a 500-character text with the default char-LSTM (2 layers x 512). Target: trace <= 1.5x the plain
forward. Also `CharLstm.trace` (the gates and the next-character probabilities, one call) / a plain
forward (target <= 1.4x), and a run with units switched off (layer 1, clamp c to 0, from step 100) /
a plain forward (target <= 3x); the plain forward here is the model's own embedding + nn.LSTM + decoder.
Run: `.venv/bin/python bench/gates.py` (or `make bench`).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import median_seconds, paired_ratio
from engine.analysis.senses import CORPUS_SAMPLE
from engine.models import charlstm, lstm
from engine.models.intervention import Intervention


@torch.inference_mode()
def per_step_loop(module: torch.nn.LSTM, x: torch.Tensor) -> dict[str, np.ndarray]:
    """The straightforward tracer: every gate of every step, a matrix product per step and layer."""
    records = {k: [] for k in "ifgoch"}
    layer_input = x[0]  # [T, in]
    for layer in range(module.num_layers):
        w_ih, w_hh = getattr(module, f"weight_ih_l{layer}"), getattr(module, f"weight_hh_l{layer}")
        bias = getattr(module, f"bias_ih_l{layer}") + getattr(module, f"bias_hh_l{layer}")
        h = torch.zeros(module.hidden_size)
        c = torch.zeros(module.hidden_size)
        outputs = []
        for x_t in layer_input:
            i, f, g, o = (w_ih @ x_t + w_hh @ h + bias).chunk(4)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            for name, value in zip("ifgoch", (i, f, g, o, c, h), strict=True):
                records[name].append(value)
            outputs.append(h)
        layer_input = torch.stack(outputs)
    return {k: torch.stack(v).numpy() for k, v in records.items()}


def main() -> None:
    torch.set_num_threads(2)
    with gzip.open(CORPUS_SAMPLE, "rt", encoding="utf-8") as sample:
        text = sample.read()[:500]
    model = charlstm.load_default()
    module = model.model.lstm
    with torch.inference_mode():
        x = model.model.embedding(model.encode(text).unsqueeze(0))  # [1, 500, E]

    trace = lstm.trace_gates(module, x)
    recomputed = lstm.trace_gates(module, x, kernel_gates=False)
    looped = per_step_loop(module, x)
    worst = float(np.abs(trace.c[:, 0, 0].reshape(-1) - looped["c"].reshape(-1)).max())
    gates_apart = max(float(np.abs(trace.get(k) - recomputed.get(k)).max()) for k in "ifgo")

    def plain() -> None:
        with torch.inference_mode():
            module(x)

    traced, forward, ratio = paired_ratio(lambda: lstm.trace_gates(module, x), plain)
    slow, _, slow_ratio = paired_ratio(lambda: lstm.trace_gates(module, x, kernel_gates=False), plain)
    loop = median_seconds(lambda: per_step_loop(module, x), repeat=5)
    print(f"500 characters, char-LSTM {module.num_layers} x {module.hidden_size} (loop's c agrees to {worst:.1e})")
    print(f"   plain nn.LSTM forward  {forward * 1000:8.1f} ms")
    print(
        f"   trace_gates            {traced * 1000:8.1f} ms  = {ratio:5.2f}x the plain forward "
        f"(paired runs; gates read from the {trace.gate_source})"
    )
    print(
        f"     gates recomputed     {slow * 1000:8.1f} ms  = {slow_ratio:5.2f}x the plain forward "
        f"(the portable way; its gates agree to {gates_apart:.1e})"
    )
    print(f"   per-step Python loop   {loop * 1000:8.1f} ms  = {loop / traced:5.1f}x slower than trace_gates")
    language_model(model, text)


def language_model(model: charlstm.CharLstm, text: str) -> None:
    """Predictions and interventions against the model's plain forward (embedding, nn.LSTM, decoder)."""
    ids = model.encode(text).unsqueeze(0)

    def plain() -> None:
        with torch.inference_mode():
            torch.softmax(model.model(ids)[0], dim=-1)

    change = Intervention(layer=0, units=(3, 77, 200), mode="clamp c to 0", start=100)
    traced, forward, ratio = paired_ratio(lambda: model.trace(text), plain)
    changed, _, changed_ratio = paired_ratio(lambda: model.trace(text, change), plain, repeat=11)
    print(f"   plain LM forward       {forward * 1000:8.1f} ms  (embedding + nn.LSTM + decoder + softmax)")
    print(f"   trace + predictions    {traced * 1000:8.1f} ms  = {ratio:5.2f}x the plain LM forward (target <= 1.4x)")
    print(
        f"   units switched off     {changed * 1000:8.1f} ms  = {changed_ratio:5.2f}x the plain LM forward "
        "(target <= 3x; layer 1 stepped from step 100, includes the plain trace it starts from)"
    )


if __name__ == "__main__":
    main()
