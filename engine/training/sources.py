"""The corpus's sources: the Debian packages that hold each text, how they are fetched and unpacked
(`apt-get download`, `dpkg-deb`), and one reader per source that turns the unpacked files into documents.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.training.corpus_formats import (
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
    read_ztext_entries,
    split_at_headings,
    split_fortunes,
    strip_gutenberg,
)
from engine.training.rdata import read_lazyload_db


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
