"""Builds the offline English training corpus from Debian packages: `python -m engine.training.corpus build`.

Every source is a Debian package with a clean licence (public domain, MIT, BSD, the WordNet
licence, OANC's "free for any use"). Packages are fetched with `apt-get download` and unpacked
with `dpkg -x` into a work folder: nothing is installed and no dependency is pulled, and both
steps are skipped when their result is already there. Each source is read into documents (a
novel chapter, a Bible chapter, a fortune file, ...); each document is normalized, cleaned,
split into sentences and tokenized with `engine.text`, the tokenizer the app uses on user text.

Documents, not sentences, are split into train / valid / test, by a hash of their id, so that
held-out text is really unseen and every run writes the same bytes. The output folder
(`data/corpus`) gets train.txt, valid.txt and test.txt (one tokenized sentence per line),
sample.txt (held-out sentences for the app's word-occurrence search), documents.tsv,
sources.json and CORPUS_CARD.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from engine.text import detokenize, normalize, split_sentences, tokenize
from engine.training.corpus_card import (
    DEFAULT_OUT,
    DEFAULT_WORK,
    HELD_OUT_SHARE,
    MAX_TOKENS,
    PUNCTUATION,
    SAMPLE_SIZE,
    SAMPLE_TOKENS,
    SHIPPED_CARD,
    SHIPPED_SAMPLE,
    SPLITS,
    Counts,
    corpus_card,
    corpus_info,
)
from engine.training.sources import SOURCES, Package, Source, fetch_packages

# ==================================================================================================
# Documents -> sentences -> splits
# ==================================================================================================

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_UNDERSCORES = re.compile(r"_{2,}|(?<!\w)_+(?=\w)|(?<=\w)_+(?!\w)")  # _italics_ and ____ rules


def clean_text(text: str) -> str:
    """Unify line ends, drop control characters and `_italic_` marks, collapse runs of spaces.

    Backquotes become apostrophes (WordNet's `word'). Newlines stay: blank lines are paragraph,
    hence sentence, breaks for `split_sentences`.
    """
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).replace("`", "'")
    text = _UNDERSCORES.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def is_word(token: str) -> bool:
    """A word is a token that contains a letter."""
    return any(c.isalpha() for c in token)


def split_long(tokens: list[str], limit: int = MAX_TOKENS) -> list[list[str]]:
    """A sentence of at most `limit` tokens as it is; a longer one cut after ';' or ':' into pieces
    that fit, and pieces that still do not fit dropped."""
    if len(tokens) <= limit:
        return [tokens]
    clauses: list[list[str]] = [[]]
    for token in tokens:
        clauses[-1].append(token)
        if token in (";", ":"):
            clauses.append([])
    pieces: list[list[str]] = [[]]
    for clause in clauses:
        if pieces[-1] and len(pieces[-1]) + len(clause) > limit:
            pieces.append([])
        pieces[-1] += clause
    return [piece for piece in pieces if 0 < len(piece) <= limit]


def is_prose(tokens: list[str]) -> bool:
    """Has a word, and no fewer words than other non-punctuation tokens (numbers, symbols).

    Drops table rows, code, ASCII art and rules ("= = = ="), but keeps short dialogue ("“ Oh ! ”").
    """
    words = sum(is_word(t) for t in tokens)
    symbols = sum(not is_word(t) and t not in PUNCTUATION for t in tokens)
    return words > 0 and words >= symbols


def document_sentences(text: str) -> list[str]:
    """Normalize, clean, split into sentences and tokenize: one space-joined line per sentence."""
    sentences = []
    for sentence in split_sentences(clean_text(normalize(text))):
        sentences += [" ".join(tokens) for tokens in split_long(tokenize(sentence)) if is_prose(tokens)]
    return sentences


def stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def held_out_count(n_documents: int, share: float = HELD_OUT_SHARE) -> int:
    """How many documents go to valid, and as many to test: at least one, but none below 3 documents."""
    return 0 if n_documents < 3 else max(1, round(n_documents * share))


def assign_splits(keys: Iterable[str], share: float = HELD_OUT_SHARE) -> dict[str, str]:
    """Keys ranked by sha256: the first ~5 % go to valid, the next ~5 % to test, the rest to train.

    Deterministic; done per source (the two Bibles together), it puts documents of every source
    with 3 or more documents into every split.
    """
    ranked = sorted(set(keys), key=lambda key: (stable_hash(key), key))
    n = held_out_count(len(ranked), share)
    return {key: "valid" if i < n else "test" if i < 2 * n else "train" for i, key in enumerate(ranked)}


@dataclass(frozen=True)
class Tokenized:
    """A document after tokenization: its sentences as space-joined tokens."""

    source: str
    name: str
    split_key: str
    sentences: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.source}/{self.name}"

    @cached_property
    def words(self) -> int:
        return sum(is_word(t) for s in self.sentences for t in s.split(" "))

    @cached_property
    def tokens(self) -> int:
        return sum(s.count(" ") + 1 for s in self.sentences)


def tokenize_source(source: Source, packages: dict[str, Package]) -> list[Tokenized]:
    """Read a source's documents and tokenize them; documents left without sentences are dropped."""
    tokenized = []
    for document in source.read({name: packages[name].root for name in source.packages}):
        sentences = document_sentences(document.text)
        if sentences:
            key = document.split_key or f"{source.name}/{document.name}"
            tokenized.append(Tokenized(source.name, document.name, key, tuple(sentences)))
    return tokenized


def split_documents(docs: Iterable[Tokenized]) -> dict[str, list[Tokenized]]:
    """Assign documents to splits (by split key, ranked per key prefix); order each split by hash.

    The hash order interleaves the sources while keeping each document's sentences together.
    """
    by_group: dict[str, list[Tokenized]] = {}
    for doc in docs:
        by_group.setdefault(doc.split_key.split("/")[0], []).append(doc)
    splits: dict[str, list[Tokenized]] = {split: [] for split in SPLITS}
    for group in by_group.values():
        assignment = assign_splits(doc.split_key for doc in group)
        for doc in group:
            splits[assignment[doc.split_key]].append(doc)
    for split_docs in splits.values():
        split_docs.sort(key=lambda doc: (stable_hash(doc.id), doc.id))
    return splits


def choose_sample(docs: Iterable[Tokenized], size: int = SAMPLE_SIZE) -> list[str]:
    """Up to `size` distinct sentences of 6 to 40 tokens, picked by hash, kept in corpus order."""
    low, high = SAMPLE_TOKENS
    order: dict[str, int] = {}
    for doc in docs:
        for sentence in doc.sentences:
            if low <= sentence.count(" ") + 1 <= high:
                order.setdefault(sentence, len(order))
    chosen = sorted(order, key=lambda s: (stable_hash(s), s))[:size]
    return sorted(chosen, key=order.__getitem__)


# ==================================================================================================
# Output
# ==================================================================================================


def count_splits(splits: dict[str, list[Tokenized]], sources: Iterable[Source]) -> dict[str, dict[str, Counts]]:
    """{source name: {split: Counts}}."""
    counts = {source.name: {split: Counts() for split in SPLITS} for source in sources}
    for split, docs in splits.items():
        for doc in docs:
            counts[doc.source][split].add(doc)
    return counts


def write_lines(path: Path, lines: Iterable[str]) -> dict[str, object]:
    """Write UTF-8 lines, each ending in '\\n'; return the line count and the file's sha256."""
    digest, count = hashlib.sha256(), 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(line + "\n")
            digest.update((line + "\n").encode("utf-8"))
            count += 1
    return {"lines": count, "sha256": digest.hexdigest()}


def documents_tsv(splits: dict[str, list[Tokenized]]) -> Iterator[str]:
    """One row per document: split, id, its first line (1-based) in the split's file, sentences, words."""
    yield "split\tdocument\tfirst_line\tsentences\twords"
    for split in SPLITS:
        line = 1
        for doc in splits[split]:
            yield f"{split}\t{doc.id}\t{line}\t{len(doc.sentences)}\t{doc.words}"
            line += len(doc.sentences)


def ship_sample(sentences: Iterable[str], path: Path) -> None:
    """The app's bundled corpus sample (the senses page searches it): readable sentences, gzipped
    with a fixed timestamp so the same corpus gives the same bytes."""
    text = "".join(detokenize(s.split()) + "\n" for s in sentences).encode("utf-8")
    path.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))


def build(
    out: Path = DEFAULT_OUT, work: Path = DEFAULT_WORK, sources: tuple[Source, ...] = SOURCES, ship: bool = True
) -> dict:
    """Fetch the packages, read and tokenize every source, split by document, write the corpus."""
    started = time.monotonic()
    print(f"packages in {work}", file=sys.stderr)
    packages = fetch_packages(dict.fromkeys(name for source in sources for name in source.packages), work)

    docs: list[Tokenized] = []
    for source in sources:
        t0 = time.monotonic()
        source_docs = tokenize_source(source, packages)
        docs += source_docs
        words = sum(doc.words for doc in source_docs)
        seconds = time.monotonic() - t0
        print(f"  {source.name:<9}{len(source_docs):>6} documents {words:>11,} words {seconds:5.1f} s", file=sys.stderr)

    splits = split_documents(docs)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        f"{split}.txt": write_lines(out / f"{split}.txt", (s for d in splits[split] for s in d.sentences))
        for split in SPLITS
    }
    sample = choose_sample(splits["valid"] + splits["test"])
    files["sample.txt"] = write_lines(out / "sample.txt", sample)
    files["documents.tsv"] = write_lines(out / "documents.tsv", documents_tsv(splits))
    info = corpus_info(sources, packages, count_splits(splits, sources), files)
    (out / "sources.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "CORPUS_CARD.md").write_text(corpus_card(info), encoding="utf-8")
    if ship:
        ship_sample(sample, SHIPPED_SAMPLE)
        shutil.copy(out / "CORPUS_CARD.md", SHIPPED_CARD)
    t = info["total"]
    print(
        f"wrote {out}: {t['sentences']:,} sentences, {t['words']:,} words in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m engine.training.corpus", description="Build the offline training corpus."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="fetch the Debian packages and write the corpus")
    build_parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: data/corpus)")
    build_parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help="download and unpack folder (default: data/debian)"
    )
    args = parser.parse_args(argv)
    build(args.out, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
