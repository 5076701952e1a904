"""Readers for the file formats the offline corpus comes in, and their format-specific cleaning.

Used by `engine.training.corpus`. Standard library only, so building the corpus needs neither R, nor the
SWORD library, nor dictd:

* R lazy-load databases (Austen, Moby Dick): see `engine.training.rdata`;
* SWORD zText Bible modules (`.bzs` / `.bzz` / `.bzv`) with OSIS markup (WEB, KJV);
* dictd dictionaries (`.index` + gzip `.dict.dz`) (The Devil's Dictionary);
* fortune files, WordNet `data.*` lines, the `word/TAG` OANC sample and plain-text books.
"""

from __future__ import annotations

import gzip
import html
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# SWORD zText Bible modules (OSIS markup)
# --------------------------------------------------------------------------------------------------

_BZS_ENTRY = struct.Struct("<III")  # block: offset in .bzz, compressed size, uncompressed size
_BZV_ENTRY = struct.Struct("<IIH")  # entry: block number, offset in the block, size


def read_ztext_entries(module_dir: Path, testament: str) -> Iterator[str]:
    """The OSIS text of every non-empty entry of one testament ("ot" or "nt"), in canonical order.

    Entries are module and testament headers, book and chapter introductions, then verses. The
    `.bzv` index gives each entry's (block, offset, size); the `.bzs` index gives each block's
    place in `.bzz`, where it is zlib-compressed.
    """
    bzs = (module_dir / f"{testament}.bzs").read_bytes()
    bzz = (module_dir / f"{testament}.bzz").read_bytes()
    bzv = (module_dir / f"{testament}.bzv").read_bytes()
    blocks = list(_BZS_ENTRY.iter_unpack(bzs[: len(bzs) - len(bzs) % _BZS_ENTRY.size]))
    cache: dict[int, bytes] = {}
    for block, offset, size in _BZV_ENTRY.iter_unpack(bzv[: len(bzv) - len(bzv) % _BZV_ENTRY.size]):
        if size == 0 or block >= len(blocks):
            continue
        if block not in cache:
            cache.clear()  # entries come in block order, so one block in memory is enough
            start, compressed, _ = blocks[block]
            cache[block] = zlib.decompress(bzz[start : start + compressed])
        yield cache[block][offset : offset + size].decode("utf-8", errors="replace")


def join_entries(entries: Iterable[str]) -> str:
    """Concatenate entries with a space, but not inside a tag that one entry opens and the next closes."""
    out: list[str] = []
    for entry in entries:
        if out and out[-1].rfind("<") <= out[-1].rfind(">"):
            out.append(" ")
        out.append(entry)
    return "".join(out)


# A division that starts a document: a chapter (its osisID, "Gen.1"), or a book, front-matter or
# glossary division (milestone form, with sID); group 1: chapter id, 2: book id, 3: division type.
_OSIS_START = re.compile(
    r'<chapter\b(?=[^>]*\bsID=)[^>]*\bosisID="([^"]+)"[^>]*>'
    r'|<div\b(?=[^>]*\bsID=)(?=[^>]*\btype="(?:book|front|glossary)")'
    r'(?=(?:[^>]*\bosisID="([^"]+)")?)[^>]*\btype="(book|front|glossary)"[^>]*>'
)


def osis_chapters(entries: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Regroup a module's entries into (name, OSIS text) per chapter: "Gen.1", "Gen.2", ...

    What comes before a book's first chapter is "<book>.0" (its titles and introduction);
    front matter and glossary divisions are "front" and "glossary"; the module header is "header".
    A name that comes back later (rare) gets "#2", "#3", ... so names stay unique.
    """
    name, parts, seen = "header", [], {}

    def finish() -> Iterator[tuple[str, str]]:
        seen[name] = seen.get(name, 0) + 1
        yield (name if seen[name] == 1 else f"{name}#{seen[name]}"), join_entries(parts)

    for entry in entries:
        start = 0
        for match in _OSIS_START.finditer(entry):
            chapter, book, division = match.groups()
            new_name = chapter or (f"{book}.0" if book else division)
            if new_name != name:
                parts.append(entry[start : match.start()])
                yield from finish()
                name, parts, start = new_name, [], match.start()
        parts.append(entry[start:])
    yield from finish()


_OSIS_DROP = re.compile(r"<(note|title|speaker|catchWord|rdg)\b[^>]*?(?<!/)>.*?</\1>", re.DOTALL)
_OSIS_KEYWORD = re.compile(r'<seg\b[^>]*type="keyword"[^>]*>.*?</seg>', re.DOTALL)  # glossary headwords
_OSIS_CANONICAL_TITLE = re.compile(r'<title\b[^>]*canonical="true"[^>]*>(.*?)</title>', re.DOTALL)
_OSIS_BREAK = re.compile(r'<(?:chapter|/?item|div\b[^>]*type="(?:book|front|introduction|glossary)")\b[^>]*>')
_OSIS_INLINE = re.compile(r"</?(?:w|transChange|divineName|q|seg|foreign|name|hi|reference)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_TAG_FRAGMENT = re.compile(r"<[^<>]*(?=<|$)")  # a tag cut off by a truncated entry (one in the WEB)
_USFM_MARKER = re.compile(r"\\\+?[a-z]+\d*\*?")  # "\nd", "\+nd*" left over from the USFM source


def osis_to_text(osis: str) -> str:
    """Plain text of OSIS markup: notes, headings and Strong's numbers gone, divisions as blank lines.

    Canonical psalm titles ("A Psalm of David.") stay, as a paragraph of their own; other titles,
    footnotes, cross references, speaker labels and glossary keywords go. Word-level tags are
    unwrapped (`<w lemma="strong:H7225">beginning</w>` -> "beginning"), other tags become spaces.
    Paragraph, line-group and poetry-line markers are not sentence breaks, since a sentence often
    runs on into a quoted poem. The KJV's pilcrows (¶) go too.
    """
    text = _OSIS_CANONICAL_TITLE.sub(lambda m: f"\n\n{m.group(1)}\n\n", _TAG_FRAGMENT.sub("", osis))
    text = _OSIS_KEYWORD.sub(" ", _OSIS_DROP.sub(" ", text))
    text = _OSIS_BREAK.sub("\n\n", text)
    text = _TAG.sub(" ", _OSIS_INLINE.sub("", text))
    return html.unescape(_USFM_MARKER.sub("", text)).replace("¶", " ")


# --------------------------------------------------------------------------------------------------
# dictd (The Devil's Dictionary)
# --------------------------------------------------------------------------------------------------

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def dictd_number(code: str) -> int:
    """Decode dictd's base-64 numbers (most significant digit first, no padding): "BdqM" -> 87 948."""
    value = 0
    for char in code:
        value = value * 64 + _B64.index(char)
    return value


def read_dictd(index: Path, dictionary: Path) -> list[tuple[str, str]]:
    """(headword, entry text) of every entry of a dictd dictionary, in file order.

    `.index` lines are `headword TAB offset TAB length` (dictd base 64) into the uncompressed
    `.dict` (a `.dict.dz` is gzip). Headwords starting with "00database" / "00-database" are metadata.
    """
    body = gzip.decompress(dictionary.read_bytes()) if dictionary.suffix == ".dz" else dictionary.read_bytes()
    entries: list[tuple[int, str, str]] = []
    for line in index.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0].replace("-", "").startswith("00database"):
            continue
        offset, length = dictd_number(parts[1]), dictd_number(parts[2])
        entries.append((offset, parts[0], body[offset : offset + length].decode("utf-8", errors="replace")))
    return [(headword, text) for _, headword, text in sorted(entries)]


_DEVIL_HEADWORD = re.compile(r"^[A-Z][A-Za-z0-9'\- ]*(?:\s*\([^)]*\))?,\s*(?:(?:[a-z]+\.)+\s*)+")


def clean_devil_entry(entry: str) -> str:
    """A Devil's Dictionary entry without its "HEADWORD, n." prefix, cross-reference braces and
    right-aligned attribution lines (the poets' names under the verses)."""
    lines = [line for line in entry.split("\n") if not re.match(r"^\s{20,}\S", line)]
    return _DEVIL_HEADWORD.sub("", "\n".join(lines).strip()).replace("{", "").replace("}", "")


# --------------------------------------------------------------------------------------------------
# fortune files
# --------------------------------------------------------------------------------------------------

_ATTRIBUTION = re.compile(r"^\s*--\s*\S")  # "\t\t-- Mark Twain"
_CHAT_PREFIX = re.compile(r"^\s*(?:<\s*[^<>\s]{1,30}\s*>|\*)\s+")  # "<nick> text", "* nick does"
_ADDRESS = re.compile(r"<[^<>\s]*[@/.:][^<>\s]*>")  # <user@host>, <http://...>, <message-id>


def split_fortunes(text: str) -> list[str]:
    """The entries of a fortune file: blocks separated by lines holding only '%'."""
    entries = re.split(r"^%[ \t]*$", text, flags=re.MULTILINE)
    return [entry.strip("\n") for entry in entries if entry.strip()]


def clean_fortune(entry: str) -> str:
    """A fortune without attribution lines, e-mail addresses and chat nicks.

    Attribution lines are "-- Name" lines that are indented or end the entry. Each chat line
    ("<nick> text") becomes a paragraph of its own, so that lines of a chat log do not run
    together into one sentence.
    """
    lines = entry.split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _ATTRIBUTION.match(line) and (line[:1].isspace() or i == len(lines) - 1):
            continue
        chat = _CHAT_PREFIX.match(line)
        kept.append(f"\n{line[chat.end() :]}" if chat else line)
    return _ADDRESS.sub("", "\n".join(kept)).strip("\n")


# --------------------------------------------------------------------------------------------------
# WordNet data files
# --------------------------------------------------------------------------------------------------

# WordNet 3.0 lexicographer files by number (its `lexnames` file, which Debian does not ship).
WORDNET_LEXNAMES = (  # noqa: SIM905 (45 names read better as words than as a one-per-line list)
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location "
    "noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process "
    "noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change "
    "verb.cognition verb.communication verb.competition verb.consumption verb.contact verb.creation "
    "verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()


@dataclass(frozen=True)
class WordNetSynset:
    """One line of a WordNet `data.*` file, reduced to what the corpus needs."""

    offset: str
    lexfile: int
    words: tuple[str, ...]
    definitions: tuple[str, ...]
    examples: tuple[str, ...]

    @property
    def lexname(self) -> str:
        return WORDNET_LEXNAMES[self.lexfile] if self.lexfile < len(WORDNET_LEXNAMES) else f"lex{self.lexfile}"


def parse_wordnet_line(line: str) -> WordNetSynset | None:
    """Parse a `data.noun`/`data.verb`/... line; None for the licence header (lines starting with spaces).

    Layout: `offset lex_filenum ss_type w_cnt(hex) word lex_id ... | gloss`, where the gloss is
    definitions separated by ';' followed by examples, each in double quotes.
    """
    if not line.strip() or line.startswith(" ") or " | " not in line:
        return None
    head, _, gloss = line.partition(" | ")
    fields = head.split()
    word_count = int(fields[3], 16)
    words = tuple(fields[4 + 2 * i].replace("_", " ") for i in range(word_count))
    examples = tuple(e.strip() for e in re.findall(r'"([^"]*)"', gloss) if e.strip())
    rest = re.sub(r'"[^"]*"', ";", gloss)
    definitions = tuple(d.strip(" ;,\n") for d in rest.split(";") if d.strip(" ;,\n"))
    return WordNetSynset(fields[0], int(fields[1]), words, definitions, examples)


# --------------------------------------------------------------------------------------------------
# The POS-tagged OANC sample
# --------------------------------------------------------------------------------------------------

_PTB_CLITIC = re.compile(r" (n't|'s|'re|'ve|'ll|'d|'m)(?=\s|$)", re.IGNORECASE)
_PTB_SPACE_BEFORE = re.compile(r" ([.!?,;:)\]])")


def strip_pos_tags(line: str) -> str:
    """'The/DT cat/NN sat/VBD ./.' -> 'The cat sat .': drop the `/TAG` after each token.

    The tag is what follows the last '/', so tokens with slashes ("1/2/CD") keep their inner one.
    """
    return " ".join(token.rsplit("/", 1)[0] if "/" in token[1:] else token for token in line.split())


def untokenize_ptb(line: str) -> str:
    """Undo the Penn-Treebank splits that `engine.text` would not make ("do n't", "Net 's",
    "1990 s") and the space before closing punctuation, which `split_sentences` needs gone."""
    line = re.sub(r"\b(\d+) s(?=\s|$)", r"\1s", line)
    return _PTB_SPACE_BEFORE.sub(r"\1", _PTB_CLITIC.sub(r"\1", line))


def oanc_text(lines: Iterable[str]) -> str:
    """Tagged OANC lines as running text for `split_sentences`.

    A line that ends with . ! or ? runs on into the next, so the splitter can rejoin what the
    tagger split after an abbreviation ("Ms." / "X's story"); any other line end (a truncated
    line) is a hard break. A line that starts with a closing bracket belongs to the line before.
    """
    pieces: list[str] = []
    for line in lines:
        text = untokenize_ptb(strip_pos_tags(line))
        if pieces and text[:1] in (")", "]"):
            pieces[-1] += text
        elif text:
            pieces.append(text)
    return "".join(p + (" " if re.search(r"[.!?][\"')\]]*$", p) else "\n\n") for p in pieces)


# --------------------------------------------------------------------------------------------------
# Plain-text books (Austen, Moby Dick, the Jargon File)
# --------------------------------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    """The blank-line separated blocks of `text` that are not blank."""
    return [p for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def is_heading(paragraph: str, max_words: int = 8) -> bool:
    """A one-line paragraph that is a title, not prose: "CHAPTER IV", "By Jane Austen", "THE END".

    That is a single line with no lower-case letter at all, or with at most `max_words` words
    and no closing punctuation.
    """
    line = paragraph.strip()
    if "\n" in line:
        return False
    if not any(c.islower() for c in line):
        return True
    return len(line.split()) <= max_words and not re.search(r"[.!?;:,\"'”’)]$", line)


def drop_headings(text: str) -> str:
    """`text` without its heading paragraphs (see `is_heading`)."""
    return "\n\n".join(p for p in paragraphs(text) if not is_heading(p))


def strip_gutenberg(text: str) -> str:
    """The body of a Project Gutenberg file, without its licence header and footer."""
    flags = re.MULTILINE | re.IGNORECASE
    start = re.search(r"^\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG.*$", text, flags)
    if start:
        text = text[start.end() :]
    end = re.search(
        r"^(?:\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG|End of (?:the )?Project Gutenberg)", text, flags
    )
    return text[: end.start()] if end else text


def split_at_headings(lines: Iterable[str], heading: re.Pattern[str]) -> list[list[str]]:
    """Cut lines into parts before every line matching `heading` (the heading line itself dropped)."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if heading.match(line):
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def letter_share(text: str) -> float:
    """The share of non-blank characters that are letters (prose ~0.95; code and tables far less)."""
    chars = [c for c in text if not c.isspace()]
    return sum(c.isalpha() for c in chars) / max(1, len(chars))


_JARGON_PREFIX = re.compile(
    r"^(?:\d+\.\s+)?(?:(?:n|v|vt|vi|adj|adv|interj|pl|prep|conj|excl|obs)\.\s+)*(?:\[[^\]]*\]\s*)?"
)


def jargon_prose(section: str) -> str:
    """The prose of a section of the Jargon File's text version.

    Body text is indented by 3 spaces; deeper-indented blocks (quotations, lists, code, tables,
    pictures) are kept only when they read as prose (mostly letters, no box drawing or bullets).
    Entry headers (`:word: /pron/, n.`), index lists and sub-headings go; so do cross-reference
    braces and the leading sense number, part of speech and [usage] label of a definition.
    """
    kept = []
    for paragraph in paragraphs(section):
        lines = paragraph.split("\n")
        if not all(line.startswith("   ") for line in lines) or lines[0].lstrip().startswith(":"):
            continue
        if is_heading(paragraph, max_words=6) or re.search(r"[│─┌└├┐┘•→]", paragraph):
            continue
        if not all(re.match(r"^ {3}\S", line) for line in lines) and letter_share(paragraph) < 0.85:
            continue
        text = re.sub(r"[{}]", "", " ".join(line.strip() for line in lines))
        kept.append(_JARGON_PREFIX.sub("", text))
    return "\n\n".join(kept)
