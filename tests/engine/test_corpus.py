"""The corpus builder's readers, cleaning and split, on tiny hand-made inputs (no network, no Debian packages)."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import pytest

from engine.training import corpus, sources
from engine.training.corpus_formats import (
    clean_devil_entry,
    clean_fortune,
    dictd_number,
    jargon_prose,
    oanc_text,
    osis_chapters,
    osis_to_text,
    parse_wordnet_line,
    read_dictd,
    read_ztext_entries,
    split_fortunes,
    strip_gutenberg,
    strip_pos_tags,
)
from engine.training.rdata import read_lazyload_db, read_rds_bytes

# --------------------------------------------------------------------------------------------------
# A minimal R XDR serializer (format version 2), enough for character vectors, lists and data frames
# --------------------------------------------------------------------------------------------------

HAS_ATTR, HAS_TAG = 1 << 9, 1 << 10
NIL = struct.pack(">i", 254)


def xdr_int(value: int) -> bytes:
    return struct.pack(">i", value)


def r_char(value: str | None, latin1: bool = False) -> bytes:
    if value is None:
        return xdr_int(9) + xdr_int(-1)
    raw = value.encode("latin-1" if latin1 else "utf-8")
    return xdr_int(9 | (((1 << 2) if latin1 else (1 << 3)) << 12)) + xdr_int(len(raw)) + raw


class Serializer:
    """Writes R objects; symbols after their first use are references (REFSXP), as R writes them."""

    def __init__(self) -> None:
        self.symbols: list[str] = []

    def symbol(self, name: str) -> bytes:
        if name in self.symbols:
            return xdr_int(((self.symbols.index(name) + 1) << 8) | 255)
        self.symbols.append(name)
        return xdr_int(1) + r_char(name)

    def pairlist(self, items: dict[str, bytes]) -> bytes:
        out = b""
        for tag, value in items.items():
            out += xdr_int(2 | HAS_TAG) + self.symbol(tag) + value
        return out + NIL

    def strings(self, values: list[str | None], attributes: dict[str, bytes] | None = None) -> bytes:
        body = xdr_int(len(values)) + b"".join(r_char(v) for v in values)
        return self._vector(16, body, attributes)

    def ints(self, values: list[int], attributes: dict[str, bytes] | None = None) -> bytes:
        return self._vector(13, xdr_int(len(values)) + b"".join(xdr_int(v) for v in values), attributes)

    def logical(self, value: bool) -> bytes:
        return self._vector(10, xdr_int(1) + xdr_int(int(value)), None)

    def list(self, items: dict[str, bytes]) -> bytes:
        body = xdr_int(len(items)) + b"".join(items.values())
        return self._vector(19, body, {"names": self.strings(list(items))})

    def _vector(self, sexp_type: int, body: bytes, attributes: dict[str, bytes] | None) -> bytes:
        if not attributes:
            return xdr_int(sexp_type) + body
        return xdr_int(sexp_type | HAS_ATTR) + body + self.pairlist(attributes)

    @staticmethod
    def serialize(item: bytes) -> bytes:
        return b"X\n" + xdr_int(2) + xdr_int(0x040200) + xdr_int(0x020300) + item


def test_r_reader_decodes_character_vectors_with_na_latin1_and_names():
    s = Serializer()
    blob = s.serialize(
        xdr_int(16 | HAS_ATTR)
        + xdr_int(3)
        + r_char("It is a truth")
        + r_char(None)
        + r_char("café", latin1=True)
        + s.pairlist({"names": s.strings(["a", "b", "c"])})
    )
    obj = read_rds_bytes(blob)
    assert obj.value == ["It is a truth", None, "café"]
    assert obj.names == ["a", "b", "c"]


def test_r_reader_decodes_a_data_frame_and_symbol_references():
    s = Serializer()
    columns = {"text": s.strings(["EMMA", "", "CHAPTER I"]), "book": s.strings(["Emma", "Emma", "Emma"])}
    frame = (
        xdr_int(19 | HAS_ATTR)
        + xdr_int(2)
        + b"".join(columns.values())
        + s.pairlist(
            {
                "names": s.strings(["text", "book"]),
                "class": s.strings(["data.frame"]),
                "row.names": s.ints([-(2**31), -3]),  # R's compact form c(NA, -3)
            }
        )
    )
    obj = read_rds_bytes(s.serialize(frame))
    assert obj.attr("class") == ["data.frame"]
    assert obj.attr("row.names") == [None, -3]
    table = obj.to_dict()
    assert table["text"].value == ["EMMA", "", "CHAPTER I"] and table["book"].value[0] == "Emma"


def test_lazyload_db_reads_objects_by_name(tmp_path: Path):
    s = Serializer()
    emma = zlib.compress(Serializer.serialize(s.strings(["EMMA", "By Jane Austen"])))
    moby = zlib.compress(Serializer.serialize(Serializer().strings(["Call me Ishmael."])))
    blobs = [struct.pack(">I", len(zlib.decompress(b))) + b for b in (emma, moby)]
    (tmp_path / "Rdata.rdb").write_bytes(b"".join(blobs))
    t = Serializer()
    index = t.list(
        {
            "variables": t.list(
                {"emma": t.ints([0, len(blobs[0])]), "mobydick": t.ints([len(blobs[0]), len(blobs[1])])}
            ),
            "references": t.list({}),
            "compressed": t.logical(True),
        }
    )
    (tmp_path / "Rdata.rdx").write_bytes(gzip.compress(Serializer.serialize(index)))
    objects = read_lazyload_db(tmp_path / "Rdata.rdb")
    assert objects["emma"].value == ["EMMA", "By Jane Austen"]
    assert objects["mobydick"].value == ["Call me Ishmael."]


def test_r_reader_rejects_other_formats():
    with pytest.raises(ValueError):
        read_rds_bytes(b"A\n" + xdr_int(2) * 3)


# --------------------------------------------------------------------------------------------------
# SWORD zText
# --------------------------------------------------------------------------------------------------


def write_ztext(folder: Path, testament: str, blocks: list[list[str]]) -> None:
    """A zText testament: each block is zlib-compressed; entries index (block, offset, size)."""
    bzs, bzz, bzv = b"", b"", struct.pack("<IIH", 0, 0, 0)  # entry 0: empty module header
    for number, entries in enumerate(blocks):
        raw = b"".join(e.encode() for e in entries)
        compressed = zlib.compress(raw)
        bzs += struct.pack("<III", len(bzz), len(compressed), len(raw))
        bzz += compressed
        offset = 0
        for entry in entries:
            size = len(entry.encode())
            bzv += struct.pack("<IIH", number, offset, size)
            offset += size
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{testament}.bzs").write_bytes(bzs)
    (folder / f"{testament}.bzz").write_bytes(bzz)
    (folder / f"{testament}.bzv").write_bytes(bzv)


GENESIS = [
    '<div canonical="true" osisID="Gen" sID="gen2" type="book"/> <title type="main">Genesis</title> ',
    '<chapter n="1" osisID="Gen.1" sID="Gen.1"/> ',
    'In the <w lemma="strong:H7225">beginning</w> God<note placement="foot">Hebrew: Elohim.</note>created '
    "the heaven and the earth. ",
    '<div type="x-p" sID="p1"/>And God said, Let there be <transChange type="added">light</transChange>: '
    "and there was light. ¶ ",
    '<chapter n="2" osisID="Gen.2" sID="Gen.2"/> ',
    "Thus the heavens and the earth were finished, and all the host of them. ",
]
EXODUS = [
    '<div canonical="true" osisID="Exod" sID="gen3" type="book"/> ',
    '<chapter n="1" osisID="Exod.1" sID="Exod.1"/> ',
    "Now these are the names of the children of Israel, which came into Egypt; "
    "every man and his household came with Jacob. ",
]


def test_ztext_reader_returns_entries_in_order(tmp_path: Path):
    write_ztext(tmp_path, "ot", [GENESIS, EXODUS])
    entries = list(read_ztext_entries(tmp_path, "ot"))
    assert entries == GENESIS + EXODUS  # the empty header entry is skipped


def test_osis_chapters_and_text(tmp_path: Path):
    write_ztext(tmp_path, "ot", [GENESIS, EXODUS])
    chapters = dict(osis_chapters(read_ztext_entries(tmp_path, "ot")))
    assert list(chapters) == ["header", "Gen.0", "Gen.1", "Gen.2", "Exod.0", "Exod.1"]
    text = " ".join(osis_to_text(chapters["Gen.1"]).split())
    assert text == (
        "In the beginning God created the heaven and the earth. And God said, Let there be light: and there was light."
    )
    assert osis_to_text(chapters["Gen.0"]).strip() == ""  # the book title is a heading, dropped


def test_osis_keeps_psalm_titles_as_a_sentence_and_drops_a_cut_off_tag():
    osis = '<title canonical="true" type="psalm">A Psalm of David.</title> <l level="1"/>The LORD is my shepherd. <d'
    paragraphs = [" ".join(p.split()) for p in osis_to_text(osis).split("\n\n") if p.strip()]
    assert paragraphs == ["A Psalm of David.", "The LORD is my shepherd."]


def test_bible_documents_share_split_keys_across_translations(tmp_path: Path):
    for name in ("kjv", "web"):
        write_ztext(tmp_path / name, "ot", [GENESIS, EXODUS])
        write_ztext(tmp_path / name, "nt", [])
    kjv = {d.name: d.split_key for d in sources.bible_documents(tmp_path / "kjv")}
    assert kjv["Gen.1"] == "bible/Gen.1" and kjv["header"] is None
    docs = [
        corpus.Tokenized(source, d.name, d.split_key, tuple(corpus.document_sentences(d.text)))
        for source in ("kjv", "web")
        for d in sources.bible_documents(tmp_path / source)
        if d.split_key
    ]
    splits = corpus.split_documents(docs)
    for split_docs in splits.values():
        assert {d.name for d in split_docs if d.source == "kjv"} == {d.name for d in split_docs if d.source == "web"}


# --------------------------------------------------------------------------------------------------
# fortunes, dictd, WordNet, OANC, plain text
# --------------------------------------------------------------------------------------------------


def test_fortunes_are_split_on_percent_lines_and_lose_attributions_and_nicks():
    text = (
        "A celebrity is a person who is known for his well-knownness.\n%\n"
        "All language designers are arrogant.\n\t\t-- Larry Wall in <1991Jul13.010945@netlabs.com>\n%\n"
        "<sel> my first packet gets lost\n<netgod> sel: dont send the first one\n%\n"
    )
    entries = split_fortunes(text)
    assert len(entries) == 3
    assert clean_fortune(entries[1]) == "All language designers are arrogant."
    chat = clean_fortune(entries[2])
    assert "<" not in chat and [p.strip() for p in chat.split("\n\n")] == [
        "my first packet gets lost",
        "sel: dont send the first one",
    ]


def test_fortune_reader_skips_indexes_links_and_the_offensive_folder(tmp_path: Path):
    folder = tmp_path / "fortunes" / "usr/share/games/fortunes"
    (folder / "off").mkdir(parents=True)
    (folder / "wisdom").write_text("Look before you leap.\n%\n")
    (folder / "wisdom.dat").write_bytes(b"\x00\x02")
    (folder / "wisdom.u8").symlink_to("wisdom")
    (folder / "off" / "racism").write_text("Not read.\n%\n")
    (tmp_path / "fortunes-min" / "usr/share/games/fortunes").mkdir(parents=True)
    roots = {"fortunes": tmp_path / "fortunes", "fortunes-min": tmp_path / "fortunes-min"}
    docs = list(sources.read_fortunes(roots))
    assert [d.name for d in docs] == ["wisdom"] and docs[0].text == "Look before you leap."


def test_dictd_numbers_and_entries(tmp_path: Path):
    assert dictd_number("A") == 0 and dictd_number("b") == 27 and dictd_number("BA") == 64
    body = "00-database-short\nThe Devil's Dictionary\nABSURDITY, n.  A statement of belief.\n"
    start = body.index("ABSURDITY")
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def code(n: int) -> str:
        return b64[n // 64] + b64[n % 64] if n >= 64 else b64[n]

    (tmp_path / "devil.dict.dz").write_bytes(gzip.compress(body.encode()))
    (tmp_path / "devil.index").write_text(
        f"00databaseshort\tA\t{code(start)}\nabsurdity\t{code(start)}\t{code(len(body) - start)}\n"
    )
    entries = read_dictd(tmp_path / "devil.index", tmp_path / "devil.dict.dz")
    assert entries == [("absurdity", "ABSURDITY, n.  A statement of belief.\n")]
    assert clean_devil_entry(entries[0][1]) == "A statement of belief."


def test_wordnet_line_gives_definitions_and_examples():
    line = (
        "08420278 14 n 03 depository_financial_institution 0 bank 0 banking_concern 0 002 "
        "@ 08054721 n 0000 + 02787772 v 0201 | a financial institution that accepts deposits and channels "
        'the money into lending activities; "he cashed a check at the bank"; '
        '"that bank holds the mortgage on my home"  '
    )
    synset = parse_wordnet_line(line)
    assert synset is not None and synset.lexname == "noun.group"
    assert synset.words == ("depository financial institution", "bank", "banking concern")
    assert synset.definitions == (
        "a financial institution that accepts deposits and channels the money into lending activities",
    )
    assert synset.examples == ("he cashed a check at the bank", "that bank holds the mortgage on my home")
    assert parse_wordnet_line("  1 This software and database is being provided to you") is None


def test_oanc_tags_are_stripped_and_treebank_splits_undone():
    assert strip_pos_tags("The/DT cat/NN 's/POS 1/2/CD ./.") == "The cat 's 1/2 ."
    lines = [
        "In/IN its/PRP$ Jan/NNP ./.",
        "4/LS ,/, 2000/CD ,/, issue/NN ,/, Ms/NNP ./.",
        "X/NNP does/VBZ n't/RB agree/VB ./.",
        ")/) The/DT 1990/CD s/VBZ were/VBD",
        "Next/JJ line/NN ./.",
    ]
    sentences = corpus.document_sentences(oanc_text(lines))
    assert sentences == [
        "In its Jan . 4 , 2000 , issue , Ms . X doesn't agree . )",
        "The 1990s were",
        "Next line .",
    ]


def test_gutenberg_licence_and_jargon_markup_are_removed():
    book = "The Project Gutenberg EBook\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\nCall me Ishmael.\n"
    book += "End of Project Gutenberg's X\nlicence text"
    assert strip_gutenberg(book).strip() == "Call me Ishmael."
    section = (
        "   :foo: /foo/, n.\n\n   [very common] The first metasyntactic variable; see {bar}.\n\n"
        "   bar\n\n     ┌──┐ table\n\n        x = y + 1; /* code */\n"
    )
    assert jargon_prose(section) == "The first metasyntactic variable; see bar."


# --------------------------------------------------------------------------------------------------
# Sentences and splits
# --------------------------------------------------------------------------------------------------


def test_document_sentences_clean_split_and_filter():
    text = '_Emma_ said, "Don\'t panic."  Mr. Knightley smiled.\n\n= = = = = = =\n\n“Oh!”'
    assert corpus.document_sentences(text) == [
        'Emma said , " Don\'t panic . "',
        "Mr . Knightley smiled .",
        '" Oh ! "',  # curly quotes are straightened by engine.text.normalize
    ]


def test_long_sentences_are_cut_at_semicolons_or_dropped():
    clause = ["word"] * 60 + [";"]
    pieces = corpus.split_long(clause * 4, limit=150)
    assert [len(p) for p in pieces] == [122, 122]
    assert corpus.split_long(["word"] * 200, limit=150) == []
    assert corpus.split_long(["short", "."], limit=150) == [["short", "."]]


def test_split_assignment_is_deterministic_and_fills_every_split():
    keys = [f"src/doc{i:03d}" for i in range(100)]
    first = corpus.assign_splits(keys)
    assert first == corpus.assign_splits(reversed(keys))
    counts = {split: sum(v == split for v in first.values()) for split in corpus.SPLITS}
    assert counts == {"train": 90, "valid": 5, "test": 5}
    assert set(corpus.assign_splits(["a/1", "a/2"]).values()) == {"train"}  # too few to hold any out


def test_build_writes_deterministic_files(tmp_path: Path):
    def read(roots: dict[str, Path]):
        for i in range(60):
            yield sources.Document(f"doc{i:02d}", f"Sentence number {i} is here. It has two sentences.")

    fake = sources.Source("fake", "A fake source", (), "public domain", read)
    info = corpus.build(tmp_path / "a", tmp_path / "work", sources=(fake,), ship=False)
    corpus.build(tmp_path / "b", tmp_path / "work", sources=(fake,), ship=False)
    for name in ("train.txt", "valid.txt", "test.txt", "sample.txt", "documents.tsv", "sources.json", "CORPUS_CARD.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert info["splits"]["valid"]["documents"] == 3 and info["splits"]["test"]["documents"] == 3
    assert info["total"]["sentences"] == 120 and info["total"]["words"] == 60 * 8
    held_out = (tmp_path / "a" / "valid.txt").read_text() + (tmp_path / "a" / "test.txt").read_text()
    assert set((tmp_path / "a" / "sample.txt").read_text().splitlines()) <= set(held_out.splitlines())
    assert "| A fake source (`fake`) |" in (tmp_path / "a" / "CORPUS_CARD.md").read_text()
