"""Train the app's default models on the offline corpus: `python -m engine.training.train bilm|charlstm|charrnn`.

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
from pathlib import Path

import torch

from engine.training.bilm_trainer import train_bilm
from engine.training.charlstm_trainer import train_charlstm, train_charrnn
from engine.training.common import CHECKPOINTS, CORPUS


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m engine.training.train", description=__doc__.split("\n")[0])
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

    for kind, help in (
        ("charlstm", "the char-LSTM (the LSTM page's default)"),
        ("charrnn", "the plain tanh RNN beside it (the Why gates page), same data, vocabulary and budget"),
    ):
        char = models.add_parser(kind, help=help)
        optimizer_options(char, steps=1800, dropout=0.0, clip=1.0, every=300)
        char.add_argument("--batch", type=int, default=64)
        char.add_argument("--seq-len", type=int, default=128)
        char.add_argument("--hidden", type=int, default=512)
        char.add_argument("--layers", type=int, default=2)
        char.add_argument("--embedding-dim", type=int, default=64)
        char.add_argument("--min-char-count", type=int, default=20)
        char.add_argument("--valid-chars", type=int, default=200_000)
        char.add_argument(
            "--export-last-checkpoint",
            action="store_true",
            help="export the last checkpoint of a run stopped early (with --export), without training",
        )

    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if not (args.corpus / "train.txt").is_file():
        parser.error(f"no corpus at {args.corpus}: run `make corpus` (python -m engine.training.corpus build) first")
    {"bilm": train_bilm, "charlstm": train_charlstm, "charrnn": train_charrnn}[args.model](args)


if __name__ == "__main__":
    main()
