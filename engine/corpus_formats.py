"""Readers for the file formats the offline corpus comes in, and their format-specific cleaning.

Used by `engine.corpus`. Standard library only, so building the corpus needs neither R, nor the
SWORD library, nor dictd:

* R lazy-load databases (`Rdata.rdb` + `Rdata.rdx`) of XDR-serialized R objects (Austen, Moby Dick);
* SWORD zText Bible modules (`.bzs` / `.bzz` / `.bzv`) with OSIS markup (WEB, KJV);
* dictd dictionaries (`.index` + gzip `.dict.dz`) (The Devil's Dictionary);
* fortune files, WordNet `data.*` lines, the `word/TAG` OANC sample and plain-text books.
"""

from __future__ import annotations

import bz2
import gzip
import html
import lzma
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# R serialization (XDR, format version 2 or 3)
# --------------------------------------------------------------------------------------------------

# SEXP types (R Internals, "Serialization formats")
NILSXP, SYMSXP, LISTSXP, CLOSXP, ENVSXP, PROMSXP, LANGSXP = 0, 1, 2, 3, 4, 5, 6
CHARSXP, LGLSXP, INTSXP, REALSXP, CPLXSXP, STRSXP, DOTSXP = 9, 10, 13, 14, 15, 16, 17
VECSXP, EXPRSXP, RAWSXP, S4SXP = 19, 20, 24, 25
# pseudo-types that only occur in serialized streams
ALTREP_SXP, ATTRLISTSXP, ATTRLANGSXP, BASEENV_SXP, EMPTYENV_SXP = 238, 239, 240, 241, 242
PERSISTSXP, PACKAGESXP, NAMESPACESXP, BASENAMESPACE_SXP = 247, 248, 249, 250
MISSINGARG_SXP, UNBOUNDVALUE_SXP, GLOBALENV_SXP, NILVALUE_SXP, REFSXP = 251, 252, 253, 254, 255

_IS_OBJECT, _HAS_ATTR, _HAS_TAG = 1 << 8, 1 << 9, 1 << 10
_NA_INTEGER = -(2**31)
_PAIRLIST_TYPES = {LISTSXP, LANGSXP, CLOSXP, PROMSXP, DOTSXP, ATTRLISTSXP, ATTRLANGSXP}


@dataclass
class RObject:
    """An R value: `value` is a Python list (vectors), dict (pairlists) or str (symbols).

    Character vectors become lists of `str | None` (None for NA), integer and logical vectors lists of
    `int | None`, double vectors lists of float, lists (VECSXP) lists of RObject. `attributes` maps
    attribute names ("names", "class", "row.names", ...) to RObjects.
    """

    type: int
    value: object
    attributes: dict[str, RObject] = field(default_factory=dict)

    def attr(self, name: str) -> list | None:
        """The value of attribute `name`, or None when it is absent."""
        found = self.attributes.get(name)
        return None if found is None else found.value

    @property
    def names(self) -> list[str | None]:
        return self.attr("names") or []

    def to_dict(self) -> dict[str, RObject]:
        """A named list as {name: element} (a data frame as {column: vector})."""
        return dict(zip(self.names, self.value, strict=True))


class RDataError(ValueError):
    """The bytes are not an R serialization this reader understands."""


class _XdrReader:
    """Reads one XDR-serialized R object; see R's src/main/serialize.c for the layout."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.refs: list[RObject] = []

    def read_bytes(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        if len(chunk) != n:
            raise RDataError("truncated R serialization")
        self.pos += n
        return chunk

    def read_int(self) -> int:
        return struct.unpack(">i", self.read_bytes(4))[0]

    def read_length(self) -> int:
        n = self.read_int()
        if n == -1:  # long vector: two more ints, upper and lower half
            upper, lower = self.read_int(), self.read_int()
            n = (upper << 32) + (lower & 0xFFFFFFFF)
        return n

    def read_header(self) -> None:
        if self.read_bytes(2) != b"X\n":
            raise RDataError("not an XDR ('X') R serialization")
        version = self.read_int()
        self.read_int()  # R version that wrote it
        self.read_int()  # oldest R version that can read it
        if version == 3:
            self.read_bytes(self.read_int())  # native encoding name
        elif version != 2:
            raise RDataError(f"unsupported R serialization version {version}")

    def read_item(self) -> RObject:
        flags = self.read_int()
        sexp_type = flags & 0xFF
        has_attr, has_tag = bool(flags & _HAS_ATTR), bool(flags & _HAS_TAG)

        if sexp_type == NILVALUE_SXP:
            return RObject(NILSXP, None)
        if sexp_type in (EMPTYENV_SXP, BASEENV_SXP, GLOBALENV_SXP, UNBOUNDVALUE_SXP, MISSINGARG_SXP, BASENAMESPACE_SXP):
            return RObject(sexp_type, None)
        if sexp_type == REFSXP:
            index = flags >> 8 or self.read_int()
            return self.refs[index - 1]
        if sexp_type in (PERSISTSXP, PACKAGESXP, NAMESPACESXP):
            obj = RObject(sexp_type, self.read_item().value)  # a STRSXP naming it
            self.refs.append(obj)
            return obj
        if sexp_type == SYMSXP:
            obj = RObject(SYMSXP, self.read_item().value)  # its CHARSXP
            self.refs.append(obj)
            return obj
        if sexp_type == ENVSXP:
            return self.read_environment()
        if sexp_type in _PAIRLIST_TYPES:
            return self.read_pairlist(sexp_type, has_attr, has_tag)
        if sexp_type == ALTREP_SXP:
            return self.read_altrep()
        if sexp_type == CHARSXP:
            return RObject(CHARSXP, self.read_charsxp(flags))

        obj = RObject(sexp_type, self.read_vector(sexp_type))
        if has_attr:
            obj.attributes = self.read_attributes()
        return obj

    def read_charsxp(self, flags: int) -> str | None:
        n = self.read_int()
        if n == -1:
            return None  # NA_character_
        raw = self.read_bytes(n)
        latin1 = bool((flags >> 12) & (1 << 2))
        return raw.decode("latin-1") if latin1 else raw.decode("utf-8", errors="replace")

    def read_vector(self, sexp_type: int) -> object:
        if sexp_type == S4SXP:
            return None
        n = self.read_length()
        if sexp_type in (STRSXP, VECSXP, EXPRSXP):
            items = [self.read_item() for _ in range(n)]
            return [item.value for item in items] if sexp_type == STRSXP else items
        if sexp_type in (LGLSXP, INTSXP):
            ints = struct.unpack(f">{n}i", self.read_bytes(4 * n))
            return [None if i == _NA_INTEGER else i for i in ints]
        if sexp_type == REALSXP:
            return list(struct.unpack(f">{n}d", self.read_bytes(8 * n)))
        if sexp_type == CPLXSXP:
            pairs = struct.unpack(f">{2 * n}d", self.read_bytes(16 * n))
            return [complex(pairs[i], pairs[i + 1]) for i in range(0, 2 * n, 2)]
        if sexp_type == RAWSXP:
            return self.read_bytes(n)
        raise RDataError(f"unsupported R object type {sexp_type}")

    def read_attributes(self) -> dict[str, RObject]:
        attributes = self.read_item()
        return attributes.value if isinstance(attributes.value, dict) else {}

    def read_pairlist(self, sexp_type: int, has_attr: bool, has_tag: bool) -> RObject:
        """A pairlist (or call/closure) as an ordered {tag: value} dict, read iteratively along CDR."""
        obj = RObject(sexp_type, {})
        cells: dict[str, RObject] = obj.value  # type: ignore[assignment]
        while True:
            if has_attr:
                self.read_attributes()
            tag = self.read_item().value if has_tag else None
            car = self.read_item()
            cells[str(tag) if tag is not None else f"[[{len(cells) + 1}]]"] = car
            flags = self.read_int()  # the CDR: another cell, or the end of the list
            if flags & 0xFF not in _PAIRLIST_TYPES:
                self.pos -= 4
                self.read_item()  # R_NilValue (or, rarely, a dotted-pair tail, dropped)
                return obj
            has_attr, has_tag = bool(flags & _HAS_ATTR), bool(flags & _HAS_TAG)

    def read_environment(self) -> RObject:
        obj = RObject(ENVSXP, {})
        self.refs.append(obj)  # registered before its contents, which may refer back to it
        self.read_int()  # locked
        self.read_item()  # enclosing environment
        frame, hashtab = self.read_item(), self.read_item()
        obj.attributes = self.read_attributes()
        contents: dict[str, RObject] = {}
        for part in (frame, hashtab):
            if isinstance(part.value, dict):
                contents.update(part.value)
            elif isinstance(part.value, list):  # a hash table is a list of pairlist buckets
                for bucket in part.value:
                    if isinstance(bucket, RObject) and isinstance(bucket.value, dict):
                        contents.update(bucket.value)
        obj.value = contents
        return obj

    def read_altrep(self) -> RObject:
        """Compact sequences and wrapped vectors (R >= 3.5) expanded to ordinary vectors."""
        info, state, attributes = self.read_item(), self.read_item(), self.read_item()
        class_name = next(iter(info.value.values())).value if isinstance(info.value, dict) else None
        if class_name in ("compact_intseq", "compact_realseq"):
            n, start, step = (int(x) for x in state.value)
            values = [start + i * step for i in range(n)]
            obj = RObject(INTSXP if class_name == "compact_intseq" else REALSXP, values)
        elif class_name and class_name.startswith("wrap_"):
            obj = state.value[0]  # list(wrapped vector, metadata)
        elif class_name == "deferred_string":
            source = state.value[next(iter(state.value))] if isinstance(state.value, dict) else state
            obj = RObject(STRSXP, [None if v is None else _format_number(v) for v in source.value])
        else:
            raise RDataError(f"unsupported ALTREP class {class_name!r}")
        if isinstance(attributes.value, dict):
            obj.attributes = attributes.value
        return obj


def _format_number(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def read_rds_bytes(data: bytes) -> RObject:
    """Unserialize one R object from uncompressed XDR bytes (what `serialize(x, NULL)` writes)."""
    reader = _XdrReader(data)
    reader.read_header()
    return reader.read_item()


def _decompress_rdb_blob(blob: bytes) -> bytes:
    """An object in a lazy-load DB: 4-byte big-endian length, then zlib (or a type byte + bzip2/xz)."""
    size = struct.unpack(">I", blob[:4])[0]
    if blob[4:5] == b"x":  # zlib stream (R's default, compress = TRUE)
        data = zlib.decompress(blob[4:])
    elif blob[4:5] == b"2":
        data = bz2.decompress(blob[5:])
    elif blob[4:5] == b"Z":
        data = lzma.decompress(blob[5:])
    elif blob[4:5] == b"0":
        data = blob[5:]
    else:
        raise RDataError("unknown compression in R lazy-load database")
    if len(data) != size:
        raise RDataError("R lazy-load object has the wrong length")
    return data


def read_lazyload_db(rdb: Path) -> dict[str, RObject]:
    """All objects of an R lazy-load database (`Rdata.rdb` next to its `Rdata.rdx` index), by name.

    The .rdx is a gzipped serialized list whose `variables` element maps each name to
    (offset, length) of its compressed, serialized value in the .rdb.
    """
    index = read_rds_bytes(gzip.decompress(rdb.with_suffix(".rdx").read_bytes())).to_dict()
    blob = rdb.read_bytes()
    objects: dict[str, RObject] = {}
    for name, position in index["variables"].to_dict().items():
        offset, length = (int(x) for x in position.value)
        objects[str(name)] = read_rds_bytes(_decompress_rdb_blob(blob[offset : offset + length]))
    return objects


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
