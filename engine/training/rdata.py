"""R's XDR serialization (format versions 2 and 3) and lazy-load databases (`Rdata.rdb` + `.rdx`), read
with the standard library only: how the Austen and Moby Dick packages store their text.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
import zlib
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
