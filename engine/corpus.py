"""Builds the offline English training corpus from Debian packages: `python -m engine.corpus build`.

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
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

from engine import ASSETS, PROJECT_ROOT
from engine.corpus_formats import (
    WordNetSynset,
    clean_devil_entry,
    clean_fortune,
    drop_headings,
    jargon_prose,
    oanc_text,
    osis_chapters,
    osis_to_text,
    parse_wordnet_line,
    read_dictd,
    read_lazyload_db,
    read_ztext_entries,
    split_at_headings,
    split_fortunes,
    strip_gutenberg,
)
from engine.text import detokenize, normalize, split_sentences, tokenize

DEFAULT_OUT = PROJECT_ROOT / "data" / "corpus"
DEFAULT_WORK = PROJECT_ROOT / "data" / "debian"
BUILD_COMMAND = ".venv/bin/python -m engine.corpus build"
SHIPPED_SAMPLE = ASSETS / "corpus_sample.txt.gz"  # committed: the senses page's corpus search
SHIPPED_CARD = ASSETS / "CORPUS_CARD.md"

SPLITS = ("train", "valid", "test")
HELD_OUT_SHARE = 0.05  # of each source's documents, for valid and for test each
MAX_TOKENS = 150  # longer sentences are cut after ';' / ':', or dropped
PUNCTUATION = frozenset(".,;:!?'\"“”‘’()[]-–—…")
SAMPLE_SIZE = 20_000
SAMPLE_TOKENS = (6, 40)


@dataclass(frozen=True)
class Document:
    """A piece of text that stays whole, in order, in one split. Blank lines always end a sentence.

    `split_key` ties documents to one split: a Bible chapter has the key "bible/Gen.1" in both
    translations, so that a held-out chapter is unseen in either. Without it the key is
    "<source>/<name>". Keys are ranked per prefix (the part before '/').
    """

    name: str
    text: str
    split_key: str | None = None


@dataclass(frozen=True)
class Source:
    """A corpus source: the Debian packages that hold it, its licence, and how to read its documents.

    `read` gets each package's unpacked root folder, by package name.
    """

    name: str
    title: str
    packages: tuple[str, ...]
    licence: str
    read: Callable[[dict[str, Path]], Iterator[Document]]


# ==================================================================================================
# Debian packages
# ==================================================================================================


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    deb: Path
    root: Path


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)


def deb_field(deb: Path, name: str) -> str:
    """A control field of a .deb file ("Package", "Version", ...)."""
    result = _run(["dpkg-deb", "-f", str(deb), name])
    if result.returncode != 0:
        raise RuntimeError(f"dpkg-deb cannot read {deb}: {result.stderr.strip()}")
    return result.stdout.strip()


def _newest(debs: list[Path]) -> Path:
    """The .deb with the highest version (there can be several after an archive update)."""
    best = debs[0]
    for deb in debs[1:]:
        newer = _run(["dpkg", "--compare-versions", deb_field(deb, "Version"), "gt", deb_field(best, "Version")])
        if newer.returncode == 0:
            best = deb
    return best


def download(package: str, debs_dir: Path) -> Path:
    """The package's .deb in `debs_dir`, fetched with `apt-get download` unless one is there already.

    `apt-get update` runs only when the download fails (e.g. on a machine without package lists).
    """
    debs_dir.mkdir(parents=True, exist_ok=True)
    found = sorted(debs_dir.glob(f"{package}_*.deb"))
    if not found:
        result = _run(["apt-get", "download", package], cwd=debs_dir)
        if result.returncode != 0:
            print(f"  apt-get download {package} failed; running apt-get update", file=sys.stderr)
            _run(["apt-get", "update"])
            result = _run(["apt-get", "download", package], cwd=debs_dir)
        if result.returncode != 0:
            raise RuntimeError(f"apt-get download {package} failed:\n{result.stderr.strip()}")
        found = sorted(debs_dir.glob(f"{package}_*.deb"))
    if not found:
        raise RuntimeError(f"apt-get download {package} wrote no {package}_*.deb into {debs_dir}")
    return _newest(found)


def unpack(deb: Path, target: Path) -> None:
    """`dpkg -x` the .deb into `target`, unless this very .deb was unpacked there before."""
    marker = target / ".unpacked-from"
    if marker.is_file() and marker.read_text(encoding="utf-8").strip() == deb.name:
        return
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    result = _run(["dpkg", "-x", str(deb), str(target)])
    if result.returncode != 0:
        raise RuntimeError(f"dpkg -x {deb.name} failed: {result.stderr.strip()}")
    marker.write_text(deb.name + "\n", encoding="utf-8")


def fetch_packages(names: Iterable[str], work: Path) -> dict[str, Package]:
    """Download each package into `work/debs` and unpack it into `work/root/<package>`."""
    packages: dict[str, Package] = {}
    for name in names:
        deb = download(name, work / "debs")
        root = work / "root" / name
        unpack(deb, root)
        packages[name] = Package(name, deb_field(deb, "Version"), deb, root)
    return packages


# ==================================================================================================
# Sources: each reader turns unpacked package files into documents
# ==================================================================================================

WORDNET_CHUNK = 250  # synsets per document
DEVIL_CHUNK = 20  # entries per document
OANC_CHUNK = 200  # lines per document
FORTUNE_SKIP = frozenset({"ascii-art"})  # pictures, not text
AUSTEN_NOVELS = ("sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion")
_AUSTEN_CHAPTER = re.compile(r"^\s*CHAPTER\s+[IVXLC\d]+\.?\s*$", re.IGNORECASE)
_AUSTEN_EDITORIAL = re.compile(r"^A NOTE ON THE TEXT\s*$")  # a modern editor's note after Northanger Abbey
_MOBY_CHAPTER = re.compile(r"^(?:CHAPTER \d+\..*|Epilogue)\s*$")
_JARGON_SECTION = re.compile(r"^(?:Chapter (\d+)\.|Appendix ([A-Z])\.|(Glossary)$|(Bibliography)$)")
_JARGON_LETTER = re.compile(r"^  ([0A-Z])$")


def read_wordnet(roots: dict[str, Path]) -> Iterator[Document]:
    """Definitions and examples of all synsets; a document is 250 synsets of one lexicographer file.

    Each definition and each example is a sentence of its own. Glosses are often fragments
    ("a financial institution that accepts deposits ..."); that is what WordNet has.
    """
    folder = roots["wordnet-base"] / "usr/share/wordnet"
    by_lexfile: dict[str, list[WordNetSynset]] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        with open(folder / f"data.{pos}", encoding="utf-8", errors="replace") as lines:
            for line in lines:
                synset = parse_wordnet_line(line.rstrip("\n"))
                if synset:
                    by_lexfile.setdefault(synset.lexname, []).append(synset)
    for lexname, synsets in by_lexfile.items():
        for start in range(0, len(synsets), WORDNET_CHUNK):
            pieces = [piece for s in synsets[start : start + WORDNET_CHUNK] for piece in (*s.definitions, *s.examples)]
            yield Document(f"{lexname}/{start // WORDNET_CHUNK:03d}", "\n\n".join(pieces))


def read_austen(roots: dict[str, Path]) -> Iterator[Document]:
    """Jane Austen's six novels (R character vectors of lines), one document per chapter.

    Text before the first chapter is document 000 (the title page, dropped as headings, and the
    author's "Advertisement" in Northanger Abbey). "VOLUME I", "THE END" and footnote marks go.
    """
    rdb = roots["r-cran-janeaustenr"] / "usr/lib/R/site-library/janeaustenr/data/Rdata.rdb"
    objects = read_lazyload_db(rdb)
    for novel in AUSTEN_NOVELS:
        lines = [line or "" for line in objects[novel].value]
        ends = [i for i, line in enumerate(lines) if _AUSTEN_EDITORIAL.match(line)]
        for number, chapter in enumerate(split_at_headings(lines[: ends[0] if ends else None], _AUSTEN_CHAPTER)):
            yield Document(f"{novel}/{number:03d}", drop_headings("\n".join(chapter).replace("*", "")))


def read_mobydick(roots: dict[str, Path]) -> Iterator[Document]:
    """Moby Dick without the Gutenberg licence text, one document per chapter.

    Document 000 is the Etymology and the Extracts (the transcriber's notes before them go).
    """
    rdb = roots["r-cran-tokenizers"] / "usr/lib/R/site-library/tokenizers/data/Rdata.rdb"
    text = strip_gutenberg(read_lazyload_db(rdb)["mobydick"].value[0]).replace("\r\n", "\n")
    text = text[text.index("ETYMOLOGY.") :]
    for number, chapter in enumerate(split_at_headings(text.split("\n"), _MOBY_CHAPTER)):
        yield Document(f"{number:03d}", drop_headings("\n".join(chapter).replace("*", "")))


def bible_documents(module_dir: Path) -> Iterator[Document]:
    """A SWORD zText Bible, one document per chapter, keyed "bible/<OSIS chapter id>"."""
    entries = (entry for testament in ("ot", "nt") for entry in read_ztext_entries(module_dir, testament))
    for name, osis in osis_chapters(entries):
        key = f"bible/{name}" if re.fullmatch(r"\w+\.\d+", name) else None
        yield Document(name, osis_to_text(osis), key)


def read_web(roots: dict[str, Path]) -> Iterator[Document]:
    yield from bible_documents(roots["sword-text-web"] / "usr/share/sword/modules/texts/ztext/engWEB2015eb")


def read_kjv(roots: dict[str, Path]) -> Iterator[Document]:
    yield from bible_documents(roots["sword-text-kjv"] / "usr/share/sword/modules/texts/ztext/engKJV2006eb")


def read_fortunes(roots: dict[str, Path]) -> Iterator[Document]:
    """Each fortune file of `fortunes` and `fortunes-min` is a document, each fortune a paragraph.

    Only the plain files in `usr/share/games/fortunes` are read: not the `.dat` indexes, not the
    `.u8` links to the same files, not the `off/` folder (the offensive set), not ASCII art.
    """
    for package in ("fortunes", "fortunes-min"):
        for path in sorted((roots[package] / "usr/share/games/fortunes").iterdir()):
            if path.is_symlink() or not path.is_file() or path.suffix in (".dat", ".u8") or path.name in FORTUNE_SKIP:
                continue
            entries = split_fortunes(path.read_text(encoding="utf-8", errors="replace"))
            yield Document(path.name, "\n\n".join(clean_fortune(entry) for entry in entries))


def read_jargon(roots: dict[str, Path]) -> Iterator[Document]:
    """The Jargon File 4.4.7: one document per chapter, per letter of the lexicon and per appendix.

    The headword index ("Glossary") and the Bibliography are left out.
    """
    raw = gzip.decompress((roots["jargon-text"] / "usr/share/doc/jargon-text/jargon.txt.gz").read_bytes())
    name, section = "front", []
    for line in raw.decode("utf-8", errors="replace").replace("\u00a0", " ").split("\n"):
        heading, letter = _JARGON_SECTION.match(line), _JARGON_LETTER.match(line)
        if not (heading or (letter and name.startswith(("glossary", "lexicon")))):
            section.append(line)
            continue
        if name != "glossary":
            yield Document(name, jargon_prose("\n".join(section)))
        if heading and heading.group(4):  # Bibliography: the end
            return
        if letter:
            name = f"lexicon-{letter.group(1)}"
        elif heading and heading.group(1):
            name = f"chapter-{int(heading.group(1)):02d}"
        elif heading and heading.group(2):
            name = f"appendix-{heading.group(2)}"
        else:
            name = "glossary"
        section = []
    yield Document(name, jargon_prose("\n".join(section)))


def read_devil(roots: dict[str, Path]) -> Iterator[Document]:
    """The Devil's Dictionary (dictd format), one document per 20 consecutive entries."""
    folder = roots["dict-devil"] / "usr/share/dictd"
    entries = read_dictd(folder / "devil.index", folder / "devil.dict.dz")
    for start in range(0, len(entries), DEVIL_CHUNK):
        chunk = entries[start : start + DEVIL_CHUNK]
        yield Document(f"{start // DEVIL_CHUNK:03d}", "\n\n".join(clean_devil_entry(text) for _, text in chunk))


def read_oanc(roots: dict[str, Path]) -> Iterator[Document]:
    """The POS-tagged OANC sample from python3-pattern, tags stripped, one document per 200 lines."""
    path = next((roots["python3-pattern"] / "usr/share/doc").rglob("tagged-en-oanc.txt"))
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    for start in range(0, len(lines), OANC_CHUNK):
        yield Document(f"{start // OANC_CHUNK:03d}", oanc_text(lines[start : start + OANC_CHUNK]))


SOURCES = (
    Source(
        "austen",
        "Jane Austen, six novels",
        ("r-cran-janeaustenr",),
        "texts public domain (Project Gutenberg); package MIT",
        read_austen,
    ),
    Source(
        "mobydick",
        "Herman Melville, Moby Dick",
        ("r-cran-tokenizers",),
        "text public domain (Project Gutenberg; its licence text removed); package MIT",
        read_mobydick,
    ),
    Source("web", "World English Bible with Deuterocanon", ("sword-text-web",), "public domain", read_web),
    Source(
        "kjv",
        "King James Version (1769 text)",
        ("sword-text-kjv",),
        "public domain outside the UK (Crown letters patent in the UK)",
        read_kjv,
    ),
    Source(
        "wordnet",
        "WordNet 3.0 glosses and examples",
        ("wordnet-base",),
        "WordNet 3.0 licence (permissive, BSD-like)",
        read_wordnet,
    ),
    Source(
        "fortunes",
        "fortune cookies (not the offensive set)",
        ("fortunes", "fortunes-min"),
        "BSD (the collection)",
        read_fortunes,
    ),
    Source("jargon", "The Jargon File 4.4.7", ("jargon-text",), "public domain", read_jargon),
    Source("devil", "Ambrose Bierce, The Devil's Dictionary", ("dict-devil",), "public domain", read_devil),
    Source(
        "oanc",
        "Open American National Corpus sample",
        ("python3-pattern",),
        "OANC: free for any use; package BSD-3 (pattern's README says its test corpora are "
        "'meant for personal use' and not under its BSD licence)",
        read_oanc,
    ),
)


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


@dataclass
class Counts:
    documents: int = 0
    sentences: int = 0
    words: int = 0
    tokens: int = 0

    def add(self, doc: Tokenized) -> None:
        self.documents += 1
        self.sentences += len(doc.sentences)
        self.words += doc.words
        self.tokens += doc.tokens

    def __iadd__(self, other: Counts) -> Counts:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def count_splits(splits: dict[str, list[Tokenized]], sources: Iterable[Source]) -> dict[str, dict[str, Counts]]:
    """{source name: {split: Counts}}."""
    counts = {source.name: {split: Counts() for split in SPLITS} for source in sources}
    for split, docs in splits.items():
        for doc in docs:
            counts[doc.source][split].add(doc)
    return counts


def total(counts: Iterable[Counts]) -> Counts:
    result = Counts()
    for c in counts:
        result += c
    return result


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


def corpus_info(
    sources: Iterable[Source],
    packages: dict[str, Package],
    counts: dict[str, dict[str, Counts]],
    files: dict[str, dict[str, object]],
) -> dict:
    """What sources.json holds: per source its packages, licence and counts; per split the totals."""
    per_split = {split: total(c[split] for c in counts.values()) for split in SPLITS}
    return {
        "build_command": BUILD_COMMAND,
        "tokenizer": "engine.text: normalize, split_sentences, tokenize (case kept)",
        "words": "tokens that contain a letter",
        "max_tokens_per_sentence": MAX_TOKENS,
        "held_out_share_per_source": HELD_OUT_SHARE,
        "sources": [
            {
                "name": source.name,
                "title": source.title,
                "licence": source.licence,
                "packages": [
                    {"name": name, "version": packages[name].version, "deb": packages[name].deb.name}
                    for name in source.packages
                ],
                "splits": {split: counts[source.name][split].as_dict() for split in SPLITS},
                "total": total(counts[source.name].values()).as_dict(),
            }
            for source in sources
        ],
        "splits": {split: c.as_dict() for split, c in per_split.items()},
        "total": total(per_split.values()).as_dict(),
        "files": files,
    }


def _n(value: int) -> str:
    return f"{value:,}"


def corpus_card(info: dict) -> str:
    """CORPUS_CARD.md, written from the numbers in sources.json."""
    source_rows, detail_rows = [], []
    for s in info["sources"]:
        packages = ", ".join(f"`{p['name']}` {p['version']}" for p in s["packages"])
        words = " | ".join(_n(s["splits"][split]["words"]) for split in SPLITS)
        source_rows.append(
            f"| {s['title']} (`{s['name']}`) | {packages} | {s['licence']} | {_n(s['total']['documents'])} | "
            f"{_n(s['total']['sentences'])} | {words} | {_n(s['total']['words'])} |"
        )
        for split in SPLITS:
            c = s["splits"][split]
            detail_rows.append(
                f"| `{s['name']}` | {split} | {_n(c['documents'])} | {_n(c['sentences'])} | {_n(c['words'])} |"
            )
    t, splits, files = info["total"], info["splits"], info["files"]
    split_words = " | ".join(_n(splits[split]["words"]) for split in SPLITS)
    split_rows = [
        f"| {split} | {_n(c['documents'])} | {_n(c['sentences'])} | {_n(c['words'])} | {_n(c['tokens'])} | "
        f"`{files[split + '.txt']['sha256'][:16]}` |"
        for split, c in splits.items()
    ]
    lines = [
        "# Training corpus card",
        "",
        f"Generated by `{info['build_command']}` (`make corpus`); do not edit. The same Debian packages",
        "give the same bytes on every run (sha256 in `sources.json`).",
        "",
        "English text from Debian packages with clean licences: public domain, MIT, BSD, the WordNet",
        "licence, OANC. GPL, GFDL or unlicensed text (GCIDE, FOLDOC, the movie reviews and arXiv texts",
        "in python3-pattern, fortune-anarchism, the offensive fortunes) is left out.",
        "",
        "## Sources",
        "",
        "Words are tokens that contain a letter.",
        "",
        "| source | Debian package and version | licence | documents | sentences "
        "| train words | valid words | test words | words |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
        *source_rows,
        f"| **total** | | | {_n(t['documents'])} | {_n(t['sentences'])} | {split_words} | {_n(t['words'])} |",
        "",
        "## Splits",
        "",
        "| split | documents | sentences | words | tokens | sha256 (first 16) |",
        "|---|---:|---:|---:|---:|---|",
        *split_rows,
        "",
        "| source | split | documents | sentences | words |",
        "|---|---|---:|---:|---:|",
        *detail_rows,
        "",
        "## How it is made",
        "",
        "* Documents: a novel chapter (Austen, Moby Dick), a Bible chapter (WEB, KJV), 250 synsets of one",
        "  WordNet lexicographer file, a fortune file, a Jargon File chapter / lexicon letter / appendix,",
        "  20 Devil's Dictionary entries, 200 lines of the OANC sample.",
        "* Split by document: per source, documents are ranked by the sha256 of their id; the first 5 %",
        "  go to valid, the next 5 % to test, the rest to train. The two Bibles are ranked together by",
        '  chapter id ("bible/Gen.1"), so a held-out chapter is unseen in either translation. Sentences',
        "  of a document stay together and in order; documents follow each other in sha256 order,",
        "  which interleaves the sources.",
        "  `documents.tsv` gives each document's split, first line and size.",
        "* Text: NFC-normalized; Gutenberg licence text, title pages, chapter headings, OSIS markup,",
        "  footnotes, Strong's numbers, part-of-speech tags, fortune attributions and chat nicks removed;",
        f"  split into sentences and tokenized with `engine.text`, case kept. Sentences over {MAX_TOKENS}",
        "  tokens are cut after ';' or ':' (pieces still too long are dropped); sentences with more",
        "  numbers and symbols than words (tables, code, ASCII art) are dropped.",
        f"* `sample.txt`: up to {_n(SAMPLE_SIZE)} distinct valid and test sentences of "
        f"{SAMPLE_TOKENS[0]} to {SAMPLE_TOKENS[1]} tokens, picked by hash.",
        "",
        "## Limits",
        "",
        "Most of the text is 19th-century fiction and biblical English (Austen, Melville, two Bibles),",
        "with dictionary glosses, hacker slang and jokes; only the small OANC sample is modern prose.",
        "Models trained on it learn that register: modern senses and phrases (a *power plant*, a",
        "computer *mouse*, a *cell* phone) are rare, archaic forms (thee, hath, begat) are common,",
        "and WordNet glosses are mostly sentence fragments.",
        "",
    ]
    return "\n".join(lines)


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
    parser = argparse.ArgumentParser(prog="python -m engine.corpus", description="Build the offline training corpus.")
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
