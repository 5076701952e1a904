"""The ELMo views: `senses` and `language_model`; and `compare` (the three models on a minimal pair)."""

from __future__ import annotations

import numpy as np

from nlpexplorer import models
from nlpexplorer.view import View


def senses(word: str, sentences: str, *, elmo_folder: str = "", metric: str = "1-NN accuracy") -> View:
    """`word`'s vector at every layer of ELMo and of its untrained control, one row per occurrence, as the
    ELMo senses page computes them. `sentences`: one sentence per line, optionally "label: sentence"
    (the sense). `elmo_folder`: "" for this app's ELMo, or a folder of options.json + weights.hdf5.

    Arrays (N occurrences, D = 2 × projection width): "elmo" and "elmo_control" float32 `[3, N, D]` (layer 0
    the char-CNN, layers 1, 2 the biLSTM). Labels: "layers", "sense_labels" (N, when the lines are labelled).
    Raises `InputError` naming the first error in the sentences (e.g. a line without the word).
    """
    from engine.analysis import senses as S
    from engine.models.elmo import Elmo, load_default
    from engine.validation import InputError

    parsed = S.parse_sentences(sentences, word)
    errors = [p.message for p in parsed.problems if p.level == "error"]
    if errors:
        raise InputError(" ".join(errors))
    if elmo_folder:
        from engine import policy

        path = policy.model_folder(elmo_folder)
        elmo = Elmo.from_files(
            path / "options.json", path / "weights.hdf5", path / "vocab.txt", name=f"ELMo ({path.name})"
        )
        control = Elmo.random(elmo.options, seed=0, name="untrained ELMo (control)")
    else:
        elmo, control = models.elmo(), load_default(untrained=True)
    vectors = S.elmo_layer_vectors(elmo.embed, parsed.occurrences, elmo.name)
    control_vectors = S.elmo_layer_vectors(control.embed, parsed.occurrences, control.name)
    arrays = {"elmo": vectors.vectors, "elmo_control": control_vectors.vectors}
    labels = {"layers": list(vectors.layer_names), "sense_labels": list(parsed.labels or [])}

    def draw() -> list:
        from figures.senses import scores_chart

        if not parsed.labels:
            return []
        rows = S.layer_scores(vectors, parsed.labels)
        return [scores_chart(rows, metric, title=f"How well each layer separates the senses ({metric})")]

    about = "the word's vector at each of ELMo's layers: does context separate its senses?"
    result = {"input": parsed, "elmo": vectors, "elmo_control": control_vectors}
    return View("ELMo senses", about, arrays, labels, result, draw)


def language_model(sentence_with_blank: str, k: int = 5) -> View:
    """ELMo's two language models fill the blank `___` of a sentence (this app's biLM), as the ELMo language
    model page shows it. Arrays (V vocabulary): "forward_logprob", "backward_logprob", "combined_logprob"
    float `[V]` (natural log; -inf at excluded words); "forward_top", "backward_top", "combined_top" float
    `[k]` (probabilities of the top-k words, in `labels`). Raises `InputError` without exactly one blank."""
    from engine.analysis import language_model as LM
    from engine.text import tokenize

    result = LM.fill_blank(models.elmo(), tokenize(sentence_with_blank), k)
    arrays = {f"{d}_logprob": getattr(result, f"{d}_logprob") for d in ("forward", "backward", "combined")}
    labels = {"tokens": list(result.tokens)}
    for d in ("forward", "backward", "combined"):
        arrays[f"{d}_top"] = np.array([p for _, p in getattr(result, d)])
        labels[f"{d}_top"] = [w for w, _ in getattr(result, d)]

    def draw() -> list:
        from figures.language_model import blank_bars

        return [blank_bars(result, k)]

    about = "the forward LM's, the backward LM's and their combined guesses for the blank."
    return View("ELMo language model", about, arrays, labels, result, draw)


def compare(a: str, b: str) -> View:
    """The char-LSTM, ELMo and MiniLM on a minimal pair: how far each word's representation moved from `a` to
    `b`, per model and layer (`engine.compare.minimal_pair`), as the Compare page shows it.

    Arrays (N aligned word pairs): "<model> distance" float64 `[rows, N]` for "char-LSTM", "ELMo", "MiniLM"
    (NaN where a word has no partner; units in `engine.compare.UNITS`); "char distance" float64
    `[lstm layers, steps]`. Labels: "words" (N), "<model> rows"."""
    from engine.compare import minimal_pair

    diff = minimal_pair(a, b)
    arrays = {f"{m.model} distance": m.distance for m in diff.models}
    arrays["char distance"] = diff.char_distance
    labels = {"words": list(diff.labels), **{f"{m.model} rows": list(m.layers) for m in diff.models}}

    def draw() -> list:
        from figures.compare import pair_heatmaps

        return [pair_heatmaps(diff)]

    about = "how far each word's representation moved from sentence A to sentence B, per model and layer."
    return View("Compare the models", about, arrays, labels, diff, draw)
