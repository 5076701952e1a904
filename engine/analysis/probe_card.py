"""The probe card: every layer of every model probed on the shipped OANC sample, written to
`assets/probes/card.json` (numbers) and `assets/probes/probes.safetensors` (the trained POS probes
of the trained models, which the homograph view applies to the learner's sentences).

    python -m engine.analysis.probe_card sample   # rebuild the shipped sample from `make corpus`'s data
    python -m engine.analysis.probe_card card     # probe every layer (a few minutes on 2 cores)

`make probes` runs both. Every number is computed here from the shipped files; the papers' numbers
are constants labelled as theirs (shared/reference/LAYER_PROBES.md).
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from engine.analysis import probes as P
from engine.analysis import senses as S
from engine.analysis import token_vectors as V

CARD = P.PROBES / "card.json"
WEIGHTS = P.PROBES / "probes.safetensors"
OANC_FILE = "tagged-en-oanc.txt"
OANC_CHUNK = 200  # lines per document, as engine.training.sources reads the same file
# the probe's documents: 6 of the biLM's training split (~21k tokens), its 5 test ones (data/corpus/documents.tsv)
TRAIN_DOCUMENTS = ("000", "001", "002", "003", "004", "006")
TEST_DOCUMENTS = ("048", "061", "071", "075", "081")
PAPERS = [
    {"source": "Peters et al. 2018, Table 6 (PTB, their 2-layer biLM)", "layer": "layer 1", "pos": 0.973},
    {"source": "Peters et al. 2018, Table 6 (PTB, their 2-layer biLM)", "layer": "layer 2", "pos": 0.968},
    {"source": "Peters et al. 2018, Table 5 (SemCor WSD F1)", "layer": "layer 1", "sense": 0.674},
    {"source": "Peters et al. 2018, Table 5 (SemCor WSD F1)", "layer": "layer 2", "sense": 0.690},
    {"source": "Hewitt & Liang 2019, Table 2 (PTB, 5.5B ELMo)", "layer": "layer 1", "pos": 0.972, "selectivity": 0.260},
    {"source": "Hewitt & Liang 2019, Table 2 (PTB, 5.5B ELMo)", "layer": "layer 2", "pos": 0.966, "selectivity": 0.314},
]


# ---------------------------------------------------------------------------------------------
# the shipped sample
# ---------------------------------------------------------------------------------------------
def build_sample(source: Path, target: Path = P.SAMPLE) -> None:
    """Copy the probe's documents (200-line chunks of the tagged OANC file) into a gzip, each under a
    `# document <id> <split>` header; the gzip header carries no time stamp, so rebuilding is byte-equal."""
    lines = source.read_text(encoding="utf-8", errors="replace").split("\n")
    out = []
    for split, documents in (("train", TRAIN_DOCUMENTS), ("test", TEST_DOCUMENTS)):
        for document in documents:
            start = int(document) * OANC_CHUNK
            out.append(f"# document {document} {split}")
            out += [line.strip() for line in lines[start : start + OANC_CHUNK] if line.strip()]
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write(("\n".join(out) + "\n").encode("utf-8"))


def find_oanc(root: Path = Path("data/debian/root")) -> Path:
    found = next(root.rglob(OANC_FILE), None)
    if found is None:
        raise SystemExit(f"{OANC_FILE} not found under {root}: run `make corpus` first.")
    return found


# ---------------------------------------------------------------------------------------------
# models and their layers
# ---------------------------------------------------------------------------------------------
def models() -> list[tuple[str, str, Callable]]:
    """(key, shown name, sentences -> (layer names, [layers, N, D])) for every model on the card."""
    from engine.models import elmo, glove, transformer

    trained, control = elmo.load_default(), elmo.load_default(untrained=True)
    minilm = transformer.load()
    minilm_control = transformer.random_like(minilm)
    static = glove.load()
    return [
        ("glove", static.name, lambda s: V.glove_token_vectors(static, s)),
        ("elmo", trained.name, lambda s: V.elmo_token_vectors(trained, s)),
        ("minilm", minilm.name, lambda s: V.transformer_token_vectors(minilm, s)),
        ("elmo_control", control.name, lambda s: V.elmo_token_vectors(control, s)),
        ("minilm_control", minilm_control.name, lambda s: V.transformer_token_vectors(minilm_control, s)),
    ]


def sense_scores(vectorize: Callable) -> list[float]:
    """Per layer: leave-one-out 1-NN sense accuracy (cosine) on each shipped sense set, averaged over the sets."""
    per_set = []
    for name in S.PRESETS:
        parsed = S.parse_sentences(S.read_preset(name)[1], name)
        sentences = [o.tokens for o in parsed.occurrences]
        _, vectors = vectorize(sentences)  # [layers, words, D]
        starts = np.cumsum([0] + [len(s) for s in sentences[:-1]])
        rows = [start + o.index for start, o in zip(starts, parsed.occurrences, strict=True)]
        per_set.append([S.loo_1nn_accuracy(layer[rows], parsed.labels) for layer in vectors])
    return list(np.mean(per_set, axis=0))


def probe_model(vectorize: Callable, sample: P.TaggedSample, task: P.ProbeTask, progress=print):
    """(rows per layer, trained POS probes per layer) for one model."""
    names, train_x = vectorize([s.words for s in sample.part("train")])
    _, test_x = vectorize([s.words for s in sample.part("test")])
    senses = sense_scores(vectorize)
    rows, probes = [], []
    for k, name in enumerate(names):
        scores, probe = P.probe_layer(train_x[k], test_x[k], task)
        progress(f"  {name}: POS {scores.accuracy:.4f} control {scores.control_accuracy:.4f}")
        rows.append(
            {
                "layer": name,
                "pos": scores.accuracy,
                "control": scores.control_accuracy,
                "selectivity": scores.selectivity,
                "ambiguous": scores.ambiguous_accuracy,
                "sense_1nn": float(senses[k]),
            }
        )
        probes.append(probe)
    return rows, probes


def sample_summary(sample: P.TaggedSample, task: P.ProbeTask) -> dict:
    return {
        "file": P.SAMPLE.relative_to(P.PROBES.parent).as_posix(),
        "train_documents": list(TRAIN_DOCUMENTS),
        "test_documents": list(TEST_DOCUMENTS),
        "train_sentences": len(sample.part("train")),
        "test_sentences": len(sample.part("test")),
        "train_tokens": len(task.train_tags),
        "test_tokens": len(task.test_tags),
        "ambiguous_test_tokens": int(task.ambiguous.sum()),
        "tags": sorted(set(task.train_tags) | set(task.test_tags)),
    }


def compute_card(
    keys: tuple[str, ...] | None = None, progress=print, save: Callable | None = None
) -> tuple[dict, dict[str, np.ndarray]]:
    """The card (JSON-ready) and the trained models' POS probe weights, for the models in `keys` (all by
    default); `save(card, weights)` is called after each model, so a long run keeps what it has."""
    sample = P.read_sample()
    task = P.make_task(sample)
    card = {
        "sample": sample_summary(sample, task),
        "probe": {"kind": "multinomial logistic regression on standardised vectors (scikit-learn, lbfgs)"}
        | {"C": P.C, "max_iter": P.MAX_ITER, "seed": P.SEED},
        "baselines": {"majority": task.majority_accuracy, "majority_ambiguous": task.majority_ambiguous_accuracy},
        "models": [],
        "papers": PAPERS,
    }
    weights: dict[str, np.ndarray] = {}
    for key, name, vectorize in models():
        if keys is not None and key not in keys:
            continue
        progress(name)
        rows, probes = probe_model(vectorize, sample, task, progress)
        card["models"].append({"key": key, "model": name, "layers": rows})
        if not key.endswith("_control"):
            for k, probe in enumerate(probes):
                for part in ("mean", "scale", "coef", "intercept"):  # C order: sklearn's coef_ is Fortran
                    weights[f"{key}/{k}/{part}"] = np.ascontiguousarray(getattr(probe, part), dtype=np.float32)
                card["classes"] = probe.classes
        if save is not None:
            save(card, weights)
    return card, weights


def table(card: dict) -> str:
    """The card as a Markdown table (shares as percentages), for the README and reports."""
    lines = [
        "| model | layer | POS % | control % | selectivity | ambiguous words % | sense 1-NN % |",
        "|---|---|---|---|---|---|---|",
    ]
    for model in card["models"]:
        for row in model["layers"]:
            lines.append(
                f"| {model['model']} | {row['layer']} | {100 * row['pos']:.1f} | {100 * row['control']:.1f} | "
                f"{100 * row['selectivity']:.1f} | {100 * row['ambiguous']:.1f} | {100 * row['sense_1nn']:.1f} |"
            )
    return "\n".join(lines)


def write_card(card: dict, weights: dict[str, np.ndarray]) -> None:
    from safetensors.numpy import save_file

    from engine.assets import record

    CARD.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    save_file(weights, str(WEIGHTS))
    record([P.SAMPLE, CARD, WEIGHTS])


def main(argv: list[str]) -> None:
    import torch

    torch.set_num_threads(1)  # on shared cores, OpenMP threads spin against other processes (much slower)
    command = argv[0] if argv else "card"
    if command == "sample":
        build_sample(find_oanc())
        from engine.assets import record

        record([P.SAMPLE])
    elif command == "card":
        compute_card(save=write_card)
    elif command == "table":
        print(table(json.loads(CARD.read_text(encoding="utf-8"))))
    else:
        raise SystemExit("usage: python -m engine.analysis.probe_card [sample|card|table]")


if __name__ == "__main__":
    main(sys.argv[1:])
