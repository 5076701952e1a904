"""What both trainers share: the corpus's sentences, seeds, checkpoints that resume, the learning-rate schedule."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from engine import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "data" / "corpus"
CHECKPOINTS = PROJECT_ROOT / "checkpoints"


# ---------------------------------------------------------------------------------------------
# shared: corpus, seeds, checkpoints
# ---------------------------------------------------------------------------------------------
def read_sentences(path: Path, max_len: int = 60) -> list[list[str]]:
    """Tokenized sentences (one per line); longer ones are cut into pieces of `max_len` tokens."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [piece for line in lines for piece in _pieces(line.split(), max_len) if piece]


def read_training_sentences(corpus: Path, oversample: dict[str, int], only: set[str] | None = None) -> list[list[str]]:
    """train.txt's sentences, each source's repeated `oversample[source]` times (default once), and
    only the sources in `only` when it is given (source names as in documents.tsv)."""
    sentences = read_sentences(corpus / "train.txt", max_len=10**9)
    chosen: list[list[str]] = []
    for row in (corpus / "documents.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        split, document, first_line, count = row.split("\t")[:4]
        source = document.split("/")[0]
        if split != "train" or (only is not None and source not in only):
            continue
        chosen.extend(sentences[int(first_line) - 1 : int(first_line) - 1 + int(count)] * oversample.get(source, 1))
    return [p for s in chosen for p in _pieces(s)]


def _pieces(tokens: list[str], max_len: int = 60) -> list[list[str]]:
    return [tokens[k : k + max_len] for k in range(0, len(tokens), max_len)]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def seconds_so_far(log: list[dict]) -> float:
    """Training seconds already spent by the run being resumed (its logs' times are cumulative)."""
    return float(log[-1]["seconds"]) if log else 0.0


def save_checkpoint(directory: Path, model: nn.Module, optimizer: torch.optim.Optimizer, step: int, info: dict) -> None:
    """Weights and optimizer moments as safetensors, counters as JSON; written atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().contiguous() for k, v in model.state_dict().items()}
    for index, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value).detach().contiguous()
    tensors["rng.torch"] = torch.random.get_rng_state()
    save_file(tensors, str(directory / "last.tmp.safetensors"))
    (directory / "last.tmp.safetensors").replace(directory / "last.safetensors")
    (directory / "state.json").write_text(json.dumps({"step": step, **info}, indent=2))


def load_checkpoint(directory: Path, model: nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    tensors = load_file(str(directory / "last.safetensors"))
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    state = optimizer.state_dict()
    for name, value in tensors.items():
        if name.startswith("optim."):
            _, index, key = name.split(".", 2)
            state["state"].setdefault(int(index), {})[key] = value
    optimizer.load_state_dict(state)
    torch.random.set_rng_state(tensors["rng.torch"])
    return json.loads((directory / "state.json").read_text())


def write_training_record(out: Path, step: int, seconds: float, log: list[dict], args) -> dict:
    """Write `out`/training.json (steps, wall seconds, threads, the evaluation log, the command's arguments) and
    return it: the record every model card quotes."""
    info = {
        "steps": step,
        "train_seconds": round(seconds),
        "threads": torch.get_num_threads(),
        "log": log,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (out / "training.json").write_text(json.dumps(info, indent=2))
    return info


def cosine_lr(step: int, total: int, base: float, warmup: int = 200, floor: float = 0.1) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))
