"""Train the app's default models on the offline corpus: `python -m engine.train bilm|charlstm`.

Both trainers are seeded, show tqdm progress with tokens/s and loss, clip gradients, log the
validation perplexity, and write checkpoints (safetensors + JSON, never pickles) they can resume
from with `--resume`. `--export` writes the finished model into `assets/` in its shipped format.

The biLM follows bilm-tf's recipe where it fits a CPU hour: a character CNN shared by both
directions, separate forward and backward LSTMP stacks, a softmax shared by both directions
trained with a sampled softmax (log-uniform sampler over a frequency-sorted vocabulary), dropout
before the residual. Unlike bilm-tf, every sentence starts from a zero state: that is how the app
runs the model (stateless), so there is no train/test mismatch and no warm-up.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm import tqdm

from engine import PROJECT_ROOT, assets
from engine.charlstm import UNKNOWN_CHAR, CharLstm, CharLstmConfig, CharLstmLM
from engine.elmo import BOS, EOS, UNK, Elmo, ElmoBiLm, ElmoOptions, word_char_ids
from engine.text import detokenize

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


def cosine_lr(step: int, total: int, base: float, warmup: int = 200, floor: float = 0.1) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


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
    info = {
        "steps": step,
        "train_seconds": round(time.perf_counter() - started),
        "threads": torch.get_num_threads(),
        "log": log,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (out / "training.json").write_text(json.dumps(info, indent=2))
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


# ---------------------------------------------------------------------------------------------
# char-LSTM
# ---------------------------------------------------------------------------------------------
def char_stream(path: Path) -> str:
    return "\n".join(detokenize(line.split()) for line in path.read_text(encoding="utf-8").splitlines())


def train_charlstm(args: argparse.Namespace) -> None:
    seed_everything(args.seed)
    text = char_stream(args.corpus / "train.txt")
    valid_text = char_stream(args.corpus / "valid.txt")[: args.valid_chars]
    counts = Counter(text)
    chars = [UNKNOWN_CHAR, *sorted(ch for ch, n in counts.items() if n >= args.min_char_count)]
    config = CharLstmConfig(chars, args.embedding_dim, args.hidden, args.layers, args.dropout)
    model = CharLstmLM(config)
    wrapper = CharLstm(model)
    data = wrapper.encode(text)
    valid = wrapper.encode(valid_text)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    out = args.checkpoints / "charlstm"
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
    progress = tqdm(total=args.steps, initial=step, desc="char-LSTM", unit="step", dynamic_ncols=True)
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
        state = tuple(s.detach() for s in state)
        loss = F.cross_entropy(logits.reshape(-1, config.vocab_size), y.reshape(-1))
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
    info = {
        "steps": step,
        "train_seconds": round(time.perf_counter() - started),
        "threads": torch.get_num_threads(),
        "log": log,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
    }
    (out / "training.json").write_text(json.dumps(info, indent=2))
    if args.export:
        config.extra = {"training": {k: info[k] for k in ("steps", "train_seconds", "threads")} | {"final": log[-1]}}
        CharLstm(model).save(args.export)
        if assets.is_packaged(args.export):
            assets.record(args.export / name for name in ("config.json", "model.safetensors"))
        print(f"exported the char-LSTM to {args.export}")


@torch.no_grad()
def charlstm_bits_per_char(model: CharLstmLM, ids: torch.Tensor, window: int = 2000) -> float:
    """Cross-entropy in bits per character over a long text, state carried across windows."""
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


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m engine.train", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--checkpoints", type=Path, default=CHECKPOINTS)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    parser.add_argument("--export", type=Path, help="write the finished model here (its shipped format)")
    models = parser.add_subparsers(dest="model", required=True)

    def optimizer_options(parser: argparse.ArgumentParser, steps: int, dropout: float, clip: float, every: int) -> None:
        parser.add_argument("--steps", type=int, default=steps)
        parser.add_argument("--dropout", type=float, default=dropout)
        parser.add_argument("--lr", type=float, default=2e-3, help="peak learning rate (warm-up, cosine decay)")
        parser.add_argument("--clip", type=float, default=clip, help="gradient-norm clip")
        parser.add_argument("--eval-every", type=int, default=every, help="steps between validations/checkpoints")

    bilm = models.add_parser("bilm", help="the ELMo biLM (the senses page's default)")
    optimizer_options(bilm, steps=6000, dropout=0.05, clip=5.0, every=500)
    bilm.add_argument("--tokens-per-batch", type=int, default=1600)
    bilm.add_argument("--vocab", type=int, default=25000)
    bilm.add_argument("--dim", type=int, default=512)
    bilm.add_argument("--projection-dim", type=int, default=128)
    bilm.add_argument("--num-sampled", type=int, default=2048)
    bilm.add_argument(
        "--oversample",
        type=lambda text: [(k, int(v)) for k, v in (item.split("=") for item in text.split(",") if item)],
        default=[("oanc", 3), ("fortunes", 2)],
        help="repeat the modern sources, e.g. oanc=3,fortunes=2 (source names as in documents.tsv)",
    )
    bilm.add_argument("--valid-sentences", type=int, default=3000)
    bilm.add_argument("--only", help="train on these sources only, e.g. oanc,fortunes (names as in documents.tsv)")
    bilm.add_argument("--init", type=Path, help="start from this exported model (options.json + weights.hdf5)")
    bilm.add_argument("--name", default="bilm", help="checkpoint folder name under --checkpoints")

    char = models.add_parser("charlstm", help="the char-LSTM (the LSTM page's default)")
    optimizer_options(char, steps=1800, dropout=0.0, clip=1.0, every=300)
    char.add_argument("--batch", type=int, default=64)
    char.add_argument("--seq-len", type=int, default=128)
    char.add_argument("--hidden", type=int, default=512)
    char.add_argument("--layers", type=int, default=2)
    char.add_argument("--embedding-dim", type=int, default=64)
    char.add_argument("--min-char-count", type=int, default=20)
    char.add_argument("--valid-chars", type=int, default=200_000)

    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if not (args.corpus / "train.txt").is_file():
        parser.error(f"no corpus at {args.corpus}: run `make corpus` (python -m engine.corpus build) first")
    {"bilm": train_bilm, "charlstm": train_charlstm}[args.model](args)


if __name__ == "__main__":
    main()
