"""Command line for notebook users: `python -m engine elmo SENTENCES.txt OUT.npz [options]`, and
`python -m engine elmo-fetch small|medium|original [--base-url URL]` to fetch AllenNLP's official ELMo.

Embeds a file of tokenized sentences (one per line, tokens separated by spaces) with ELMo, like
AllenNLP's old `allennlp elmo` command, into an .npz: `embedding_<k>` is line k's float32 array
`(3, T, 2P)` (or `(T, 2P)` with --top / --average), `sentences` holds the lines.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from engine.validation import InputError, ModelLoadError


def embed_file(args: argparse.Namespace) -> int:
    from engine.models.elmo import Elmo, load_default

    lines = Path(args.input).read_text(encoding="utf-8").splitlines()
    sentences = [line.split() for line in lines]
    if not sentences:
        raise InputError(f"{args.input} has no lines: write one tokenized sentence per line.")
    if args.options or args.weights:
        if not (args.options and args.weights):
            raise InputError("Give both --options and --weights (the official options.json and weights.hdf5).")
        elmo = Elmo.from_files(args.options, args.weights)
    else:
        elmo = load_default()
    for problem in elmo.check_sentences(sentences):
        print(f"warning: {problem.message}", file=sys.stderr)
    if args.stateful and args.warm_up:
        elmo.warm_up(sentences[: args.batch_size * 4], passes=args.warm_up, batch_size=args.batch_size)
    embeddings = elmo.embed_batches(
        sentences, batch_size=args.batch_size, stateful=args.stateful, progress=lambda it: tqdm(list(it), unit="batch")
    )
    if args.top:
        embeddings = [e[-1] for e in embeddings]
    elif args.average:
        embeddings = [e.mean(axis=0) for e in embeddings]
    arrays = {f"embedding_{k}": e for k, e in enumerate(embeddings)}
    np.savez(args.output, sentences=np.array(lines), **arrays)
    print(f"wrote {len(embeddings)} embeddings to {args.output}", file=sys.stderr)
    return 0


def fetch_official(args: argparse.Namespace) -> int:
    """Download, verify and install an official ELMo into the user's cache (tqdm bars on stderr)."""
    from engine.models.elmo import official

    where = official.folder(args.size)
    print(f"fetching the official ELMo {args.size} (~{official.APPROX_MB[args.size]} MB) from "
          f"{official.base_url(args.base_url)} into {where}", file=sys.stderr)  # fmt: skip
    model = official.fetch(args.size, base=args.base_url, progress=True, timeout=args.timeout, retries=args.retries)
    print(f"verified and installed in {model.folder}")
    for name, digest in model.sha256.items():
        print(f"  sha256 {digest}  {name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    elmo = commands.add_parser("elmo", help="embed a file of tokenized sentences with ELMo into an .npz")
    elmo.add_argument("input", help="text file: one sentence per line, tokens separated by spaces")
    elmo.add_argument("output", help="the .npz to write")
    elmo.add_argument("--options", help="official options.json (default: this project's biLM)")
    elmo.add_argument("--weights", help="official weights.hdf5")
    elmo.add_argument("--batch-size", type=int, default=32)
    elmo.add_argument(
        "--stateful",
        action="store_true",
        help="carry the LSTM state across batches per row, as AllenNLP did (the official model was trained so)",
    )
    elmo.add_argument("--warm-up", type=int, default=0, help="with --stateful: passes over the first batches first")
    layers = elmo.add_mutually_exclusive_group()
    layers.add_argument("--top", action="store_true", help="keep only the top layer")
    layers.add_argument("--average", action="store_true", help="average the three layers")
    fetch = commands.add_parser("elmo-fetch", help="fetch AllenNLP's official ELMo (options + weights) into the cache")
    fetch.add_argument("size", choices=["small", "medium", "original"])
    fetch.add_argument(
        "--base-url",
        help="a mirror laid out like AllenNLP's (BASE/<name>/elmo_<name>_weights.hdf5); "
        "default: $ELMO_BASE_URL, else https://allennlp.s3.amazonaws.com/models/elmo",
    )
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for data before giving up")
    fetch.add_argument("--retries", type=int, default=3, help="tries per file when the connection fails or drops")
    args = parser.parse_args(argv)
    try:
        return fetch_official(args) if args.command == "elmo-fetch" else embed_file(args)
    except (InputError, ModelLoadError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
