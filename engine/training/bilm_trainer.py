"""Training the ELMo biLM (Peters et al. 2018, §3.1): both directions' LM loss with a sampled softmax
(Jean et al. 2015), token batches of similar length, export in the official `options.json` + `weights.hdf5` layout.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm import tqdm

from engine import assets
from engine.models.elmo import BOS, EOS, UNK, Elmo, ElmoBiLm, ElmoOptions, word_char_ids
from engine.training.common import (
    cosine_lr,
    load_checkpoint,
    read_sentences,
    read_training_sentences,
    save_checkpoint,
    seconds_so_far,
    seed_everything,
    write_training_record,
)


# ---------------------------------------------------------------------------------------------
# biLM
# ---------------------------------------------------------------------------------------------
class BiLmData:
    """Sentences as arrays of word-type ids, the char ids of each type, and each type's softmax id."""

    def __init__(self, sentences: list[list[str]], vocab_size: int, vocab: list[str] | None = None) -> None:
        if vocab is None:  # the most frequent words, most frequent first (the sampler assumes it)
            counts = Counter(w.lower() for s in sentences for w in s)
            vocab = [BOS, EOS, UNK] + [w for w, _ in counts.most_common(vocab_size - 3)]
        self.vocab = vocab
        self.target_of = {w: k for k, w in enumerate(self.vocab)}
        self.type_index: dict[str, int] = {}
        self.char_ids = torch.zeros(0, 50, dtype=torch.long)  # [types, 50]
        self.type_target = torch.zeros(0, dtype=torch.long)  # [types]: the softmax id of each type
        self._add_types([BOS, EOS])
        self.sentences = self.encode(sentences)

    def encode(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """`<S> w.. </S>` as type ids; words never seen get new types (their characters are still read)."""
        self._add_types(sorted({w for s in sentences for w in s} - self.type_index.keys()))
        return [np.array([0, *(self.type_index[w] for w in s), 1], dtype=np.int64) for s in sentences]

    def _add_types(self, words: list[str]) -> None:
        for word in words:
            self.type_index[word] = len(self.type_index)
        chars = torch.from_numpy(np.stack([word_char_ids(w) for w in words]))
        targets = [self.target_of.get(w if w in (BOS, EOS) else w.lower(), 2) for w in words]
        self.char_ids = torch.cat([self.char_ids, chars])
        self.type_target = torch.cat([self.type_target, torch.tensor(targets, dtype=torch.long)])


def length_batches(sentences: list[np.ndarray], tokens_per_batch: int, rng: random.Random) -> list[list[int]]:
    """Shuffle, then sort within pools of similar length, then cut batches of about `tokens_per_batch`."""
    order = list(range(len(sentences)))
    rng.shuffle(order)
    batches = []
    pool = 64 * max(1, tokens_per_batch // 25)
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda k: len(sentences[k]))
        batch: list[int] = []
        for k in chunk:
            if batch and (len(batch) + 1) * len(sentences[k]) > tokens_per_batch:
                batches.append(batch)
                batch = []
            batch.append(k)
        if batch:
            batches.append(batch)
    rng.shuffle(batches)
    return batches


def batch_stream(data: BiLmData, tokens_per_batch: int, seed: int) -> Iterator[tuple[int, list[int]]]:
    """(epoch, batch) forever, in an order fixed by the seed (so a resumed run sees the same data)."""
    rng = random.Random(seed)
    for epoch in itertools.count():
        for batch in length_batches(data.sentences, tokens_per_batch, rng):
            yield epoch, batch


def pad(sentences: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(s) for s in sentences)
    ids = torch.zeros(len(sentences), longest, dtype=torch.long)
    mask = torch.zeros(len(sentences), longest, dtype=torch.bool)
    for row, s in enumerate(sentences):
        ids[row, : len(s)] = torch.from_numpy(s)
        mask[row, : len(s)] = True
    return ids, mask


class SampledSoftmax(nn.Module):
    """A softmax over the vocabulary (W [V, P], b [V]) trained with sampled negatives (Jean et al. 2015).

    Negatives come from the log-uniform (Zipf) distribution over frequency-sorted ids, shared by the
    batch; logits are corrected by the log expected count and accidental hits are masked (as TF).
    """

    def __init__(self, vocab_size: int, dim: int, num_sampled: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(vocab_size, dim) / math.sqrt(dim))
        self.bias = nn.Parameter(torch.zeros(vocab_size))
        ids = torch.arange(vocab_size, dtype=torch.float64)
        self.register_buffer("probs", ((torch.log(ids + 2) - torch.log(ids + 1)) / math.log(vocab_size + 1)).float())
        self.num_sampled = min(num_sampled, vocab_size - 1)

    def log_expected(self, ids: torch.Tensor) -> torch.Tensor:
        p = self.probs[ids].double()
        return torch.log(-torch.expm1(self.num_sampled * torch.log1p(-p))).float()

    def forward(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood of `targets` `[N]` given `h` `[N, P]`."""
        if not self.training:
            return F.cross_entropy(h @ self.weight.T + self.bias, targets)
        sampled = torch.multinomial(self.probs, self.num_sampled, replacement=False)  # [S]
        true_logit = (h * self.weight[targets]).sum(-1) + self.bias[targets] - self.log_expected(targets)
        sampled_logit = h @ self.weight[sampled].T + self.bias[sampled] - self.log_expected(sampled)
        sampled_logit = sampled_logit.masked_fill(targets[:, None] == sampled[None, :], -1e4)
        logits = torch.cat([true_logit[:, None], sampled_logit], dim=1)
        return F.cross_entropy(logits, torch.zeros_like(targets))


class BiLmTrainer(nn.Module):
    """The biLM plus its shared softmax; `loss` is 0.5 (forward NLL + backward NLL) per token."""

    def __init__(self, options: ElmoOptions, data: BiLmData, num_sampled: int, dropout: float) -> None:
        super().__init__()
        self.bilm = ElmoBiLm(options)
        self.softmax = SampledSoftmax(len(data.vocab), options.projection_dim, num_sampled)
        self.data = data
        self.dropout = dropout

    def losses(self, ids: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # the char CNN runs once per distinct word of the batch
        types, inverse = torch.unique(ids[mask], return_inverse=True)
        vectors = self.bilm.char_cnn(self.data.char_ids[types])  # [U, P]
        tokens = vectors.new_zeros(*ids.shape, vectors.shape[-1])
        tokens[mask] = vectors[inverse]
        out = self.bilm.contextualize(tokens, mask, dropout=self.dropout)
        targets = self.data.type_target[ids]  # [B, T]
        valid = mask[:, 1:]
        drop = lambda x: F.dropout(x, self.dropout, self.training)  # noqa: E731
        forward_h = drop(out.top_forward[:, :-1][valid])  # at t, predict t + 1
        backward_h = drop(out.top_backward[:, 1:][valid])  # at t, predict t - 1
        return self.softmax(forward_h, targets[:, 1:][valid]), self.softmax(backward_h, targets[:, :-1][valid])


@torch.no_grad()
def bilm_perplexity(trainer: BiLmTrainer, sentences: list[np.ndarray], tokens_per_batch: int = 3000) -> dict:
    """Full-softmax perplexity of the forward LM, the backward LM and their average (as bilm-tf)."""
    trainer.eval()
    totals = {"forward": 0.0, "backward": 0.0}
    count = 0
    for batch in length_batches(sentences, tokens_per_batch, random.Random(0)):
        ids, mask = pad([sentences[k] for k in batch])
        n = int(mask[:, 1:].sum())
        lf, lb = trainer.losses(ids, mask)
        totals["forward"] += float(lf) * n
        totals["backward"] += float(lb) * n
        count += n
    trainer.train()
    result = {k: math.exp(v / count) for k, v in totals.items()}
    result["average"] = math.exp((totals["forward"] + totals["backward"]) / (2 * count))
    return result


def bilm_options(args: argparse.Namespace) -> ElmoOptions:
    return ElmoOptions(
        projection_dim=args.projection_dim,
        dim=args.dim,
        n_layers=2,
        cell_clip=3.0,
        proj_clip=3.0,
        use_skip_connections=True,
        char_embedding_dim=16,
        filters=((1, 32), (2, 32), (3, 64), (4, 128), (5, 256)),
        n_highway=1,
    )


def train_bilm(args: argparse.Namespace) -> None:
    seed_everything(args.seed)
    only = set(args.only.split(",")) if args.only else None
    train_sentences = read_training_sentences(args.corpus, dict(args.oversample), only)
    valid_sentences = read_sentences(args.corpus / "valid.txt")[: args.valid_sentences]
    base = (
        Elmo.from_files(args.init / "options.json", args.init / "weights.hdf5", args.init / "vocab.txt")
        if args.init
        else None
    )
    data = BiLmData(train_sentences, args.vocab, vocab=base.vocab if base else None)
    valid = data.encode(valid_sentences)
    options = base.options if base else bilm_options(args)
    trainer = BiLmTrainer(options, data, args.num_sampled, args.dropout)
    if base is not None:  # continue from an exported model (e.g. adapt it to a register of English)
        trainer.bilm.load_state_dict(base.bilm.state_dict())
        with torch.no_grad():
            trainer.softmax.weight.copy_(base.softmax[0])
            trainer.softmax.bias.copy_(base.softmax[1])
    optimizer = torch.optim.Adam(trainer.parameters(), lr=args.lr)
    out = args.checkpoints / args.name
    step, log = 0, []
    if args.resume and (out / "last.safetensors").is_file():
        state = load_checkpoint(out, trainer, optimizer)
        step, log = state["step"], state.get("log", [])
        print(f"resumed at step {step}")
    stream = itertools.islice(batch_stream(data, args.tokens_per_batch, args.seed), step, None)
    resumed_at, tokens_seen = time.perf_counter(), 0
    started = resumed_at - seconds_so_far(log)  # a resumed run counts the time already spent
    progress = tqdm(total=args.steps, initial=step, desc="biLM", unit="step", dynamic_ncols=True)
    trainer.train()
    while step < args.steps:
        epoch, batch = next(stream)
        ids, mask = pad([data.sentences[k] for k in batch])
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, args.steps, args.lr)
        loss_f, loss_b = trainer.losses(ids, mask)
        loss = 0.5 * (loss_f + loss_b)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(trainer.parameters(), args.clip)
        optimizer.step()
        step += 1
        tokens_seen += int(mask.sum())
        elapsed = time.perf_counter() - started
        progress.update(1)
        tokens_per_s = tokens_seen / (time.perf_counter() - resumed_at)
        progress.set_postfix(loss=f"{loss.item():.3f}", tok_s=f"{tokens_per_s:.0f}", epoch=epoch)
        if step % args.eval_every == 0 or step == args.steps:
            ppl = bilm_perplexity(trainer, valid)
            log.append({"step": step, "seconds": round(elapsed), "tokens": tokens_seen, "valid_ppl": ppl})
            tqdm.write(f"step {step}: valid perplexity fwd {ppl['forward']:.1f} bwd {ppl['backward']:.1f}")
            save_checkpoint(out, trainer, optimizer, step, {"log": log, "epoch": epoch})
    progress.close()
    info = write_training_record(out, step, time.perf_counter() - started, log, args)
    if args.export:
        export_bilm(trainer, data, options, args.export, info)


def export_bilm(trainer: BiLmTrainer, data: BiLmData, options: ElmoOptions, directory: Path, info: dict) -> None:
    """Save in the official layout (options.json + weights.hdf5, float16) plus vocab.txt and the softmax."""
    softmax = (trainer.softmax.weight.detach().clone(), trainer.softmax.bias.detach().clone())
    elmo = Elmo(options, trainer.bilm, data.vocab, softmax, lowercase_vocab=True)
    training = {k: info[k] for k in ("steps", "train_seconds", "threads")} | {"final": info["log"][-1]}
    elmo.save_files(directory, dtype=np.float16, extra_options={"training": training})
    if assets.is_packaged(directory):
        assets.record(directory / name for name in ("options.json", "weights.hdf5", "vocab.txt"))
    print(f"exported the biLM to {directory}")
