"""Write the model cards of the shipped models: `python -m engine.training.modelcard [elmo|charlstm]`.

Every number in a card is measured by this script on this machine when it runs: perplexities on the
corpus's validation and test splits (trained, and the same architecture untrained), the biLM's
word-sense scores on the hand-written sense sets (trained, untrained control, and MiniLM for
reference), sizes and checksums. Training facts come from the checkpoint's training.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from engine import ASSETS, PROJECT_ROOT, assets
from engine.text import detokenize
from engine.training import lm_card

CORPUS = PROJECT_ROOT / "data" / "corpus"
CHECKPOINTS = PROJECT_ROOT / "checkpoints"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def read_split(name: str, limit: int | None = None) -> list[list[str]]:
    lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines[:limit] if line.strip()]


def training_facts(model: str) -> dict:
    path = CHECKPOINTS / model / "training.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def table(header: list[str], rows: list[list]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if k == 0 else "---:" for k in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def files_section(directory: Path) -> str:
    rows = []
    for path in sorted(directory.iterdir()):
        if path.name == "MODEL_CARD.md":
            continue
        rows.append([f"`{path.name}`", f"{path.stat().st_size / 1e6:.2f} MB", f"`{assets.sha256(path)[:16]}…`"])
    return table(["file", "size", "sha256 (recorded in assets/SHA256SUMS)"], rows)


# ---------------------------------------------------------------------------------------------
# the biLM
# ---------------------------------------------------------------------------------------------
def sense_table() -> tuple[str, dict]:
    """1-NN accuracy per word and layer: the biLM, its untrained control, and MiniLM for reference."""
    from engine.analysis import senses
    from engine.models import elmo, transformer

    models = {"trained": elmo.load_default(), "untrained": elmo.load_default(untrained=True)}
    minilm = transformer.load()
    results: dict = {}
    rows = []
    for word in senses.PRESETS:
        parsed = senses.parse_sentences(senses.read_preset(word)[1], word)
        labels = parsed.labels
        scores = {}
        for key, model in models.items():
            vectors = senses.with_mix(senses.elmo_layer_vectors(model.embed, parsed.occurrences, key), (1, 1, 1))
            scores[key] = [senses.loo_1nn_accuracy(layer, labels) for layer in vectors.vectors]
        hidden = minilm.word_vectors([o.tokens for o in parsed.occurrences], [o.index for o in parsed.occurrences])
        scores["minilm"] = [senses.loo_1nn_accuracy(layer, labels) for layer in hidden]
        results[word] = scores
        rows.append(
            [word, *(f"{a:.2f} / {b:.2f}" for a, b in zip(scores["trained"], scores["untrained"], strict=True)),
             f"{max(scores['minilm']):.2f}"]
        )  # fmt: skip
    mean = {k: np.mean([results[w][k] for w in results], axis=0).tolist() for k in ("trained", "untrained")}
    minilm_best = float(np.mean([max(results[w]["minilm"]) for w in results]))
    rows.append(
        ["**mean**", *(f"**{a:.2f}** / {b:.2f}" for a, b in zip(mean["trained"], mean["untrained"], strict=True)),
         f"{minilm_best:.2f}"]
    )  # fmt: skip
    header = ["word", "layer 0", "layer 1", "layer 2", "average of layers", "MiniLM best layer"]
    return table(header, rows), {"per_word": results, "mean": mean, "minilm_best": minilm_best}


def repeats(args: dict) -> str:
    return ",".join(f"{source}={times}" for source, times in args.get("oversample", [])) or "none"


def segments(log: list[dict]) -> list[tuple[int, float]]:
    """(last step, seconds) of each run in a training log; older runs restarted their clock on resume."""
    ends = [(a["step"], a["seconds"]) for a, b in itertools.pairwise(log) if b["seconds"] < a["seconds"]]
    return [*ends, (log[-1]["step"], log[-1]["seconds"])] if log else []


def training_minutes(facts: dict) -> float:
    runs = segments(facts.get("log", []))
    if len(runs) > 1:
        return sum(seconds for _, seconds in runs) / 60
    return facts.get("train_seconds", 0) / 60


def adaptation_text(facts: dict) -> str:
    if not facts:
        return ""
    args = facts.get("args", {})
    runs = segments(facts.get("log", []))
    resumed = (
        f" The shipped weights come from {len(runs)} runs continued with `--resume` (ending at steps "
        f"{', '.join(str(step) for step, _ in runs)}); each continuation re-planned the cosine schedule for the "
        "longer run, so the one-go command above gives a close but not identical model."
        if len(runs) > 1
        else ""
    )
    return (
        f"- Then adapted to modern English: `python -m engine.training.train --export assets/elmo bilm "
        f"--init assets/elmo "
        f"--name bilm-modern --only {args.get('only')} --oversample {repeats(args)} --steps "
        f"{facts.get('steps')} --lr {args.get('lr')}`: {facts.get('steps')} more steps on the modern sources only "
        f"({training_minutes(facts):.0f} minutes), the same vocabulary and softmax.{resumed}\n"
    )


def elmo_card() -> str:
    from engine.models import elmo

    started = time.perf_counter()
    directory = ASSETS / "elmo"
    trained, untrained = elmo.load_default(), elmo.load_default(untrained=True)
    options = json.loads((directory / "options.json").read_text())
    facts = training_facts("bilm")
    adapted = training_facts("bilm-modern")  # the optional second phase on the modern sources
    valid, test = read_split("valid"), read_split("test")
    ppl = {
        "valid": trained.perplexity(valid),
        "test": trained.perplexity(test),
        "test_untrained": untrained.perplexity(test),
    }
    lm_scores = lm_card.measure()  # top-1 next-word accuracy and perplexity, trained and untrained
    senses_md, senses = sense_table()
    best = max((1, 2), key=lambda k: senses["mean"]["trained"][k])  # the contextual layers
    margin = senses["mean"]["trained"][best] - senses["mean"]["untrained"][best]
    args = facts.get("args", {})
    lstm, cnn = options["lstm"], options["char_cnn"]
    (directory / "evaluation.json").write_text(
        json.dumps({"perplexity": ppl, "senses": senses, "language_model": lm_scores}, indent=2) + "\n"
    )
    return f"""# Model card: this project's ELMo biLM (`assets/elmo`)

The default model of the ELMo senses page and of the ELMo choices on the LSTM page. Same
architecture and file layout as AllenNLP's official ELMo (`options.json` + `weights.hdf5`, read by
`engine.models.elmo.Elmo.from_files`), much smaller, trained on this machine. Generated by
`python -m engine.training.modelcard elmo` in {time.perf_counter() - started:.0f} s; every number below was
measured by that run.

## Architecture

- Character CNN: 16-d character embeddings, filters {cnn["filters"]} ({sum(n for _, n in cnn["filters"])}
  filters), max-pool then ReLU, {cnn["n_highway"]} highway layer, linear projection to {lstm["projection_dim"]}.
- Two layers of LSTM with projection in each direction: {lstm["dim"]} cells projected to
  {lstm["projection_dim"]}, cell clip {lstm["cell_clip"]}, projection clip {lstm["proj_clip"]}, residual
  connection into layer 2. Forward and backward stacks independent.
- Softmax shared by both directions over {len(trained.vocab):,} lower-cased words (`vocab.txt`,
  most frequent first; other words are `<UNK>`), trained as a sampled softmax, evaluated in full.
- {trained.parameter_count():,} parameters without the softmax, {
        trained.softmax[0].numel() + trained.softmax[1].numel():,}
  in it. Stored as float16 in the official hdf5 layout (computed in float32).

## Data

The offline corpus built by `make corpus` from Debian packages with clean licences (see
`assets/CORPUS_CARD.md`): about 5.1 M words of Jane Austen, Moby Dick, two Bible translations,
WordNet glosses and examples, fortunes, the Jargon File, the Devil's Dictionary and a sample of the
Open American National Corpus. In training the modern sources were repeated ({repeats(args)}).

## Training

- `python -m engine.training.train --export assets/elmo bilm --steps {facts.get("steps", "?")}` (seed {
        args.get("seed", "?")
    }):
  Adam, learning rate {args.get("lr", "?")} with warm-up and cosine decay, gradient-norm clip
  {args.get("clip", "?")}, dropout {args.get("dropout", "?")} before each LSTM layer's input (and its residual) and
  before the softmax, about {args.get("tokens_per_batch", "?")} tokens per batch, sampled softmax with
  {args.get("num_sampled", "?")} log-uniform negatives. Every sentence starts from a zero state, which is how the
  app runs the model (stateless).
- {training_minutes(facts):.0f} minutes on {facts.get("threads", "?")} threads of an {cpu_name()}, no GPU
  (the machine was shared with other work while it trained).
{adaptation_text(adapted)}
## Perplexity (full softmax; average of the forward and backward LMs, as bilm-tf reports it)

{
        table(
            ["split", "forward", "backward", "average"],
            [
                [
                    "validation",
                    f"{ppl['valid']['forward']:.1f}",
                    f"{ppl['valid']['backward']:.1f}",
                    f"{ppl['valid']['average']:.1f}",
                ],
                [
                    "test",
                    f"{ppl['test']['forward']:.1f}",
                    f"{ppl['test']['backward']:.1f}",
                    f"{ppl['test']['average']:.1f}",
                ],
                [
                    "test, same architecture untrained",
                    f"{ppl['test_untrained']['forward']:.0f}",
                    f"{ppl['test_untrained']['backward']:.0f}",
                    f"{ppl['test_untrained']['average']:.0f}",
                ],
            ],
        )
    }

{lm_card.section(lm_scores)}

## Word senses

Leave-one-out 1-nearest-neighbour sense accuracy (cosine) of the target word's vector, on the
hand-written sense sets in `assets/senses/` (modern everyday English, 16 sentences per sense, none
from the corpus). Each cell is **this model / the same architecture untrained** (the control);
chance is 0.50. Layer 0 is context-free: every occurrence gets the same vector, so it cannot
separate anything.

{senses_md}

Best contextual layer on average: layer {best},
{senses["mean"]["trained"][best]:.2f} against {senses["mean"]["untrained"][best]:.2f} for the control
(+{margin:.2f}). The packaged MiniLM Transformer reaches {senses["minilm_best"]:.2f} at its best layers.

What to beat, from the issue that asked for this model: a plain word-level biLM of the same LSTM
size trained for 3 epochs on this corpus reached about 0.70 (control about 0.6). This model's best
layer is within a few sentences of that, not above it.

## What lifted it (measured while developing, mean 1-NN accuracy of layer 2 on the same sets)

| model | layer 1 | layer 2 |
|---|---:|---:|
| phase 1: 6000 steps on the whole corpus (modern sources repeated) | 0.61 | 0.61 |
| + 2000 steps on the modern sources only | 0.58 | 0.63 |
| + 4000 steps | 0.58 | 0.66 |
| + 7000 steps (shipped) | 0.59 | 0.68 |

The adaptation to modern text (OANC, fortunes, the Jargon File, WordNet, the Devil's Dictionary)
helped most with *bank* and *play*; *plant* (factory) and *bat* (sport) stay near chance because
the corpus barely has those senses. Oversampling the modern sources in phase 1 and the char-CNN
(which gives rare words a vector) were already in place from the start.

## What limits it

- The corpus: mostly 19th-century novels and biblical English; modern senses are rare in it
  ("power plant", "hot spring", baseball bats), so the model has little evidence for them.
- Size and time: a few million words and about three hours of two CPU cores, against the official
  model's 1 billion words, 10 epochs and two weeks on three GPUs. Its perplexity is far from the
  official 39.7, and its representations are correspondingly weaker.
- The sense sets are small (32 sentences per word): one sentence moves the accuracy by 0.03.

## Files

{files_section(directory)}
"""


# ---------------------------------------------------------------------------------------------
# the char-LSTM
# ---------------------------------------------------------------------------------------------
def char_text(split: str, limit: int | None = None) -> str:
    text = "\n".join(detokenize(s) for s in read_split(split))
    return text[:limit] if limit else text


def charlstm_card() -> str:
    from engine.models import charlstm
    from engine.training.charlstm_trainer import charlstm_bits_per_char

    started = time.perf_counter()
    directory = ASSETS / "charlstm"
    trained, untrained = charlstm.load_default(), charlstm.load_default(untrained=True)
    facts = training_facts("charlstm")
    args = facts.get("args", {})
    config = trained.config
    bpc = {}
    for name, model, split in (
        ("valid", trained, "valid"),
        ("test", trained, "test"),
        ("untrained", untrained, "test"),
    ):
        bpc[name] = charlstm_bits_per_char(model.model, model.encode(char_text(split)))
    params = sum(p.numel() for p in trained.model.parameters())
    (directory / "evaluation.json").write_text(json.dumps({"bits_per_char": bpc}, indent=2) + "\n")
    return f"""# Model card: this project's char-LSTM (`assets/charlstm`)

The default model of the LSTM gates page: a character-level LSTM language model (as in Karpathy,
Johnson & Fei-Fei 2015) that reads text one character at a time and predicts the next one. Its
gates are read exactly from the shipped `torch.nn.LSTM` by `engine.models.lstm.trace_gates`. Generated by
`python -m engine.training.modelcard charlstm` in {time.perf_counter() - started:.0f} s; every number below was measured
by that run.

## Architecture

- {len(config.chars)} characters (`config.json`; index 0, ⁇, stands for any other character) embedded in
  {config.embedding_dim} dimensions, a {config.num_layers}-layer `torch.nn.LSTM` of {config.hidden_size} units,
  a linear decoder over the next character.
- {params:,} parameters, stored as float16 safetensors (computed in float32), with the vocabulary in
  `config.json`. No pickle.

## Data

The same offline corpus as the biLM (`assets/CORPUS_CARD.md`), its tokenized sentences turned back
into running text, one sentence per line: about 28 M characters of mostly 19th-century and
biblical English, WordNet definitions, fortunes and a modern American sample.

## Training

- `python -m engine.training.train --threads {facts.get("threads", "?")} --export assets/charlstm charlstm --steps
  {facts.get("steps", "?")}` (seed {args.get("seed", "?")}): Adam, learning rate {args.get("lr", "?")} with warm-up and
  cosine decay, gradient-norm clip {args.get("clip", "?")}, {args.get("batch", "?")} parallel streams of
  {args.get("seq_len", "?")} characters per step (truncated back-propagation, state carried between windows).
- {training_minutes(facts):.0f} minutes on {facts.get("threads", "?")} thread(s) of an {cpu_name()}, no
  GPU (the machine was shared with the biLM's training).

## Perplexity

{
        table(
            ["text", "bits per character", "perplexity per character"],
            [
                ["validation split", f"{bpc['valid']:.3f}", f"{2 ** bpc['valid']:.2f}"],
                ["test split", f"{bpc['test']:.3f}", f"{2 ** bpc['test']:.2f}"],
                ["test split, same architecture untrained", f"{bpc['untrained']:.3f}", f"{2 ** bpc['untrained']:.2f}"],
            ],
        )
    }

## What limits it

- Short training: well under one pass over the corpus, so units are less specialised than in
  Karpathy's long-trained models; quote-tracking and word-boundary units are the clearest.
- The corpus register (19th-century and biblical English): modern spelling, names and emoji are
  rare or absent (unknown characters are read as ⁇).

## Files

{files_section(directory)}
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m engine.training.modelcard", description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="*", help="elmo and/or charlstm (default: both)")
    args = parser.parse_args(argv)
    if unknown := set(args.models) - {"elmo", "charlstm"}:
        parser.error(f"unknown model(s) {sorted(unknown)}: choose elmo and/or charlstm")
    torch.set_num_threads(2)
    for name in args.models or ["elmo", "charlstm"]:
        card = elmo_card() if name == "elmo" else charlstm_card()
        path = ASSETS / name / "MODEL_CARD.md"
        path.write_text(card, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
