"""One sentence per chart, with its key number: what a screen reader reads (and anyone who cannot see
the chart). Pure functions of the same arrays the figure builders draw, in this run's interface language
(`i18n._`: names a page passes in, such as a quantity or a metric, are looked up too)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from figures.common import label, visible
from i18n import _


def gates(values: np.ndarray, quantity: str, layer: int) -> str:
    """`values` `[T, units]` as drawn."""
    steps, units = values.shape
    return _(
        "Heatmap of {quantity} in layer {layer}: {units} units over {steps} steps, mean {mean:.2f}, "
        "from {low:.2f} to {high:.2f}."
    ).format(
        quantity=label(quantity), layer=layer, units=units, steps=steps, mean=values.mean(), low=values.min(),
        high=values.max(),
    )  # fmt: skip


def unit(view, u: int) -> str:
    return _(
        "Unit {unit} over the text: forget gate mean {forget:.2f}, input gate mean {input:.2f}, "
        "cell state from {low:.2f} to {high:.2f}."
    ).format(
        unit=u, forget=view.f[:, u].mean(), input=view.i[:, u].mean(), low=view.c[:, u].min(), high=view.c[:, u].max()
    )


def ledger(view, u: int) -> str:
    cell = view.c[:, u]
    before = np.concatenate([[0.0], cell[:-1]])
    k = int(np.argmax(np.abs(cell - before)))
    return _(
        "Memory ledger of unit {unit}: its cell state moves most at step {step} ('{token}'), "
        "kept {kept:+.2f}, written {written:+.2f}."
    ).format(unit=u, step=k, token=visible(view.tokens[k]), kept=view.kept[k, u], written=view.written[k, u])


def saturation(per_layer: Sequence[dict], layer_names: Sequence[str]) -> str:
    parts = []
    for summary, name in zip(per_layer, layer_names, strict=True):
        _left, right = summary["f"]
        parts.append(_("{layer}: {count} of {units} units").format(layer=label(name), count=int((right > 0.5).sum()),
                                                                   units=len(right)))  # fmt: skip
    return _("Forget gates open (> 0.9) more than half the time: {layers}.").format(layers=_("; ").join(parts))


def maps(panels: Sequence[tuple[str, np.ndarray]], labels: Sequence[str]) -> str:
    senses = sorted(set(labels))
    return _("{count} occurrences in {maps} 2-D maps ({names}), coloured by {groups} groups: {senses}.").format(
        count=len(labels),
        maps=len(panels),
        names=_(", ").join(label(name) for name, _coords in panels),
        groups=len(senses),
        senses=_(", ").join(senses),
    )


def scores(rows: Sequence[dict], metric: str) -> str:
    """The issue's example: "Layer 2 separates the senses best: 1-NN 0.75, untrained control 0.50." Equal best
    layers are called a tie, and a best layer no better than the untrained control is not called a separation."""
    trained = [r for r in rows if "untrained" not in r["model"] and r[metric] is not None]
    control = [r for r in rows if "untrained" in r["model"] and r[metric] is not None]
    if not trained:
        return _("No {metric} could be computed.").format(metric=label(metric))
    best = max(trained, key=lambda r: r[metric])
    found = {
        "layer": label(best["layer"]).capitalize(),
        "model": label(best["model"]),
        "metric": label(metric),
        "value": best[metric],
    }
    ties = sum(1 for r in trained if r[metric] == best[metric])
    ceiling = max((r[metric] for r in control), default=None)
    if ceiling is not None and best[metric] <= ceiling:  # no trained layer beats features nothing was learned in
        return _(
            "No layer of {model} separates the senses better than its untrained control: best {metric} "
            "{value:.2f}, control up to {control:.2f}."
        ).format(**found, control=ceiling)
    if ties > 1:  # the first of equal layers is not "the best"
        if ceiling is None:
            return _("{count} layers of {model} tie for the best {metric}: {value:.2f}.").format(**found, count=ties)
        return _(
            "{count} layers of {model} tie for the best {metric}: {value:.2f}, untrained control at most {control:.2f}."
        ).format(**found, count=ties, control=ceiling)
    if ceiling is None:
        return _("{layer} of {model} separates the senses best: {metric} {value:.2f}.").format(**found)
    return _(
        "{layer} of {model} separates the senses best: {metric} {value:.2f}, untrained control at most {control:.2f}."
    ).format(**found, control=ceiling)


def heads(values: np.ndarray, statistic: str) -> str:
    layer, head = np.unravel_index(int(np.argmax(values)), values.shape)
    return _(
        "All {count} heads coloured by {statistic}: from {low:.2f} to {high:.2f}, "
        "highest in layer {layer}, head {head}."
    ).format(
        count=values.size,
        statistic=label(statistic),
        low=values.min(),
        high=values.max(),
        layer=layer + 1,
        head=head + 1,
    )


def attention(matrix: np.ndarray, labels: Sequence[str], title: str) -> str:
    m = np.nan_to_num(np.asarray(matrix, dtype=np.float64))
    q, k = np.unravel_index(int(np.argmax(m)), m.shape)
    return _("{title}: the strongest weight, {weight:.2f}, goes from {query} to {key}.").format(
        title=label(title), weight=m[q, k], query=labels[q], key=labels[k]
    )
