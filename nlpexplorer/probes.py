"""The "What each layer knows" view: `probes` (the probe card per layer, and the homograph view)."""

from __future__ import annotations

import numpy as np

from nlpexplorer import models
from nlpexplorer.view import View

DEFAULT_METRICS = ("pos", "control", "sense_1nn")  # the page's default lines


def probes(word: str = "book", sentences: str | None = None, *, metrics=DEFAULT_METRICS) -> View:
    """What each layer of ELMo, MiniLM and GloVe knows, as the "What each layer knows" page shows it: the
    shipped probe card (linear part-of-speech probes with Hewitt & Liang's 2019 control task, selectivity =
    accuracy - control accuracy, 1-NN sense scores) and every layer's POS probe on each use of `word` in
    `sentences` (one per line, any token may be tagged word/TAG; None: the preset of `word`, e.g. "book",
    "run"). `metrics`: the card's lines drawn (figures.probes.METRICS keys).

    Arrays (R = probed layers of the three models, N = uses of the word): "noun_share", "verb_share" float
    `[R, N]` (the probe's probability of any NN* / VB*+MD tag), "tagged_accuracy" float `[R]` (accuracy on the
    tokens you tagged; NaN when none). Labels: "layers" ("model · layer", R), "tags" (R × N tags joined by
    spaces, one string per layer), "occurrences" (N: "line k: sentence"). `.result`: {"input", "readings",
    "card"}. Raises `InputError` naming the first problem of the sentences (e.g. no line uses the word).
    """
    from engine.analysis import homographs as H
    from engine.validation import InputError, check_text, clean_text

    lines = H.PRESETS.get(word, "") if sentences is None else sentences
    limit = H.MAX_LINES * H.MAX_LINE_CHARS
    problems = [p.message for p in check_text(lines, max_chars=limit, what="list of sentences") if p.level == "error"]
    if problems:
        raise InputError(" ".join(problems))
    found = H.read_all(clean_text(lines)[0], word, models.elmo(), models.transformer(""), models.glove())
    parsed, readings = found["input"], found["readings"]
    errors = [p.message for p in parsed.problems if p.level == "error"]
    if errors:
        raise InputError(" ".join(errors))
    card = H.card()
    arrays = {
        "noun_share": np.array([r.noun_share for r in readings]),
        "verb_share": np.array([r.verb_share for r in readings]),
        "tagged_accuracy": np.array([np.nan if r.tagged_accuracy is None else r.tagged_accuracy for r in readings]),
    }
    occurrences = [f"line {parsed.lines[s]}: {' '.join(parsed.sentences[s])}" for s, _ in parsed.occurrences]
    labels = {
        "layers": [f"{r.model} · {r.layer}" for r in readings],
        "tags": [" ".join(r.tags) for r in readings],
        "occurrences": occurrences,
    }

    def draw() -> list:
        from figures.common import plotly_literal
        from figures.probes import homograph_chart, layer_chart

        numbered = [plotly_literal(f"{n + 1}: {o}") for n, o in enumerate(occurrences)]
        return [
            layer_chart(card, "elmo", list(metrics)),
            layer_chart(card, "minilm", list(metrics), papers=False),
            homograph_chart(readings, numbered),
        ]

    about = "each layer's part-of-speech probe (with its control task), and what it says about every use of the word."
    return View("What each layer knows", about, arrays, labels, found | {"card": card}, draw)
