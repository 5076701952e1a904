"""One sentence per chart, with its key number: what a screen reader reads (and anyone who cannot see
the chart). Pure functions of the same arrays the figure builders draw."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from figures.common import visible


def gates(values: np.ndarray, quantity: str, layer: int) -> str:
    """`values` `[T, units]` as drawn."""
    steps, units = values.shape
    return (
        f"Heatmap of {quantity} in layer {layer}: {units} units over {steps} steps, mean {values.mean():.2f}, "
        f"from {values.min():.2f} to {values.max():.2f}."
    )


def unit(view, u: int) -> str:
    return (
        f"Unit {u} over the text: forget gate mean {view.f[:, u].mean():.2f}, "
        f"input gate mean {view.i[:, u].mean():.2f}, "
        f"cell state from {view.c[:, u].min():.2f} to {view.c[:, u].max():.2f}."
    )


def ledger(view, u: int) -> str:
    cell = view.c[:, u]
    before = np.concatenate([[0.0], cell[:-1]])
    k = int(np.argmax(np.abs(cell - before)))
    return (
        f"Memory ledger of unit {u}: its cell state moves most at step {k} ('{visible(view.tokens[k])}'), "
        f"kept {view.kept[k, u]:+.2f}, written {view.written[k, u]:+.2f}."
    )


def saturation(per_layer: Sequence[dict], layer_names: Sequence[str]) -> str:
    parts = []
    for summary, name in zip(per_layer, layer_names, strict=True):
        _, right = summary["f"]
        parts.append(f"{name}: {int((right > 0.5).sum())} of {len(right)} units")
    return "Forget gates open (> 0.9) more than half the time: " + "; ".join(parts) + "."


def maps(panels: Sequence[tuple[str, np.ndarray]], labels: Sequence[str]) -> str:
    senses = sorted(set(labels))
    return (
        f"{len(labels)} occurrences in {len(panels)} 2-D maps ({', '.join(name for name, _ in panels)}), "
        f"coloured by {len(senses)} groups: {', '.join(senses)}."
    )


def scores(rows: Sequence[dict], metric: str) -> str:
    """The issue's example: "Layer 2 separates the senses best: 1-NN 0.75, untrained control 0.50."""
    trained = [r for r in rows if "untrained" not in r["model"] and r[metric] is not None]
    control = [r for r in rows if "untrained" in r["model"] and r[metric] is not None]
    if not trained:
        return f"No {metric} could be computed."
    best = max(trained, key=lambda r: r[metric])
    sentence = f"{best['layer'].capitalize()} of {best['model']} separates the senses best: {metric} {best[metric]:.2f}"
    if control:
        sentence += f", untrained control at most {max(r[metric] for r in control):.2f}"
    return sentence + "."


def heads(values: np.ndarray, statistic: str) -> str:
    layer, head = np.unravel_index(int(np.argmax(values)), values.shape)
    return (
        f"All {values.size} heads coloured by {statistic}: from {values.min():.2f} to {values.max():.2f}, "
        f"highest in layer {layer + 1}, head {head + 1}."
    )


def attention(matrix: np.ndarray, labels: Sequence[str], title: str) -> str:
    m = np.nan_to_num(np.asarray(matrix, dtype=np.float64))
    q, k = np.unravel_index(int(np.argmax(m)), m.shape)
    return f"{title}: the strongest weight, {m[q, k]:.2f}, goes from {labels[q]} to {labels[k]}."
