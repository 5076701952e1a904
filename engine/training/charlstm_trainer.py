"""Training the character language models (cross-entropy per character, truncated BPTT) and their bits per character.

The char-LSTM (`charlstm`) and the plain char-RNN (`charrnn`, engine.models.charrnn) share this loop: the
same stream of characters, windows, schedule and clip, so the two differ only in their recurrence.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from engine import ASSETS, assets
from engine.models.charlstm import UNKNOWN_CHAR, CharLstm, CharLstmConfig, CharLstmLM
from engine.models.charrnn import CharRnn
from engine.text import detokenize
from engine.training.common import (
    cosine_lr,
    load_checkpoint,
    save_checkpoint,
    seconds_so_far,
    seed_everything,
    write_training_record,
)


# ---------------------------------------------------------------------------------------------
# char-LSTM
# ---------------------------------------------------------------------------------------------
def char_stream(path: Path) -> str:
    return "\n".join(detokenize(line.split()) for line in path.read_text(encoding="utf-8").splitlines())


def train_charlstm(args: argparse.Namespace) -> None:
    train_char_lm(args, CharLstm, "charlstm")


def train_charrnn(args: argparse.Namespace) -> None:
    """The plain RNN, on the char-LSTM's own vocabulary (read from assets/charlstm/config.json)."""
    train_char_lm(args, CharRnn, "charrnn")


def vocabulary(args: argparse.Namespace, kind: type[CharLstm], text: str) -> list[str]:
    """⁇ then every character seen `min_char_count` times in `text`; for the char-RNN, the shipped
    char-LSTM's own vocabulary (assets/charlstm/config.json), whatever the corpus counts say now."""
    counts = Counter(text)
    chars = [UNKNOWN_CHAR, *sorted(ch for ch, n in counts.items() if n >= args.min_char_count)]
    if kind is CharRnn:
        lstm_chars = json.loads((ASSETS / "charlstm" / "config.json").read_text(encoding="utf-8"))["chars"]
        print(f"vocabulary: the char-LSTM's {len(lstm_chars)} characters (same as counted now: {lstm_chars == chars})")
        return lstm_chars
    return chars


def train_char_lm(args: argparse.Namespace, kind: type[CharLstm], name: str) -> None:
    seed_everything(args.seed)
    text = char_stream(args.corpus / "train.txt")
    valid_text = char_stream(args.corpus / "valid.txt")[: args.valid_chars]
    if args.export_last_checkpoint:
        return export_last_checkpoint(args, kind, name, vocabulary(args, kind, text))
    config = CharLstmConfig(vocabulary(args, kind, text), args.embedding_dim, args.hidden, args.layers, args.dropout)
    model = kind.network(config)
    wrapper = kind(model)
    data = wrapper.encode(text)
    valid = wrapper.encode(valid_text)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    out = args.checkpoints / name
    step, log = 0, []
    if args.resume and (out / "last.safetensors").is_file():
        state = load_checkpoint(out, model, optimizer)
        step, log = state["step"], state.get("log", [])
        print(f"resumed at step {step}")
    resumed_at = time.perf_counter()
    started = resumed_at - seconds_so_far(log)  # a resumed run counts the time already spent
    # the stream is cut into `batch` parallel rows read left to right; state carries across windows
    rows = len(data) // args.batch
    stream = data[: rows * args.batch].view(args.batch, rows)
    windows = (rows - 1) // args.seq_len
    state = None
    progress = tqdm(total=args.steps, initial=step, desc=wrapper.name, unit="step", dynamic_ncols=True)
    model.train()
    while step < args.steps:
        k = step % windows
        if k == 0:
            state = None
        x = stream[:, k * args.seq_len : (k + 1) * args.seq_len]
        y = stream[:, k * args.seq_len + 1 : (k + 1) * args.seq_len + 1]
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.steps, args.lr)
        logits, state = model(x, state)
        state = state.detach() if isinstance(state, torch.Tensor) else tuple(s.detach() for s in state)
        loss = F.cross_entropy(logits.reshape(-1, config.vocab_size), y.reshape(-1))
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the loss is {loss.item()} at step {step}: lower --lr and restart")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        step += 1
        elapsed = time.perf_counter() - started
        progress.update(1)
        chars_per_s = (step - progress.initial) * x.numel() / (time.perf_counter() - resumed_at)
        progress.set_postfix(loss=f"{loss.item():.3f}", chars_s=f"{chars_per_s:.0f}")
        if step % args.eval_every == 0 or step == args.steps:
            bpc = charlstm_bits_per_char(model, valid)
            log.append({"step": step, "seconds": round(elapsed), "valid_bpc": bpc, "valid_ppl": 2**bpc})
            tqdm.write(f"step {step}: valid {bpc:.3f} bits/char (perplexity {2**bpc:.2f})")
            save_checkpoint(out, model, optimizer, step, {"log": log})
    progress.close()
    info = write_training_record(out, step, time.perf_counter() - started, log, args)
    if args.export:
        config.extra = {"training": {k: info[k] for k in ("steps", "train_seconds", "threads")} | {"final": log[-1]}}
        kind(model).save(args.export)
        if assets.is_packaged(args.export):
            assets.record(args.export / name for name in ("config.json", "model.safetensors"))
        print(f"exported the {wrapper.name} to {args.export}")


def export_last_checkpoint(args: argparse.Namespace, kind: type[CharLstm], name: str, chars: list[str]) -> None:
    """Export the last checkpoint of a run stopped before `--steps` (the steps and seconds it reached are
    what its training.json and config record, beside the planned steps)."""
    config = CharLstmConfig(chars, args.embedding_dim, args.hidden, args.layers, args.dropout)
    model = kind.network(config)
    out = args.checkpoints / name
    state = load_checkpoint(out, model, torch.optim.Adam(model.parameters(), lr=args.lr))
    log = state.get("log", [])
    info = {
        "steps": state["step"],
        "planned_steps": args.steps,
        "train_seconds": round(seconds_so_far(log)),
        "threads": args.threads,
        "log": log,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (out / "training.json").write_text(json.dumps(info, indent=2))
    keys = ("steps", "planned_steps", "train_seconds", "threads")
    config.extra = {"training": {k: info[k] for k in keys} | {"final": log[-1]}}
    kind(model).save(args.export)
    if assets.is_packaged(args.export):
        assets.record(args.export / name for name in ("config.json", "model.safetensors"))
    print(f"exported step {state['step']} of {args.steps} of the {kind(model).name} to {args.export}")


@torch.no_grad()
def charlstm_bits_per_char(model: CharLstmLM | nn.Module, ids: torch.Tensor, window: int = 2000) -> float:
    """Cross-entropy in bits per character over a long text, state carried across windows (any char LM
    whose forward is `(ids [B, T], state) -> (logits [B, T, V], state)`: the char-LSTM and the char-RNN)."""
    was_training = model.training
    model.eval()
    total, count, state = 0.0, 0, None
    for start in range(0, len(ids) - 1, window):
        x = ids[start : start + window].unsqueeze(0)
        y = ids[start + 1 : start + window + 1].unsqueeze(0)
        x = x[:, : y.shape[1]]
        logits, state = model(x, state)
        total += float(F.cross_entropy(logits[0], y[0], reduction="sum"))
        count += y.numel()
    model.train(was_training)
    return total / count / math.log(2)
