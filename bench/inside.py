"""Inside-attention benchmark, printed as ratios measured in one run (never a pass/fail test).

One opened-up layer (`engine.analysis.inside.open_layer`: the layers before it, the layer itself with
every intermediate array kept and copied to numpy) / a plain `transformers` forward of the whole model
(no attentions, no hidden states asked for) on the same text, for 64 and 512 subword tokens.
Layer 6 is the dearest to open (it runs all six layers); layer 1 the cheapest. Target: <= 2x.

Run: `.venv/bin/python bench/inside.py` (or `make bench`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.attention import text_of_tokens  # noqa: E402
from bench.timing import paired_ratio  # noqa: E402
from engine.analysis import inside  # noqa: E402
from engine.models import transformer  # noqa: E402


def main() -> None:
    model = transformer.load()
    print("Inside attention: one opened-up layer / a plain forward of MiniLM (target <= 2x)")
    for count in (64, 512):
        text = text_of_tokens(model, count)
        encoding = model.tokenizer(text, return_tensors="pt")

        def plain(encoding=encoding) -> None:
            with torch.inference_mode():
                model.model(**encoding)

        for layer in (1, model.num_layers):
            ours, theirs, ratio = paired_ratio(lambda t=text, k=layer: inside.open_layer(model, t, k, 1), plain, 11)
            print(f"  {count:3d} tokens, layer {layer}: {ours * 1000:7.1f} ms / {theirs * 1000:7.1f} ms = {ratio:.2f}x")


if __name__ == "__main__":
    main()
