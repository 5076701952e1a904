"""Words over a tokenizer's tokens, decided once for every tokenizer, and tokens made readable.

A word is a token of `engine.text.tokenize_with_spans` (the project's one word rule: combining
marks and invisible format characters stay inside the word they touch, white space is never a
word). A subword token belongs to the word its characters fall in; a token that covers only white
space or invisible characters (GPT-2's `Ġ`, `ĉ`, `Ċ`, a lone SentencePiece `▁`) covers no word and
joins the next word (the last word, at the end of the text), so it never becomes a word of its
own; a token that spans several words makes them one. Word labels are the typed text, whole.
A tokenizer without character offsets (a "slow" one) cannot be merged into words: `note` says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from engine.text import WHITESPACE_SHOWN, show_whitespace, tokenize_with_spans
from engine.validation import Text, msg


@dataclass
class TokenWords:
    word_ids: list[int | None]  # per token: its word, None for special tokens
    texts: list[str]  # per word: the typed text, whole
    spans: list[tuple[int, int]]  # per word: (start, end) in the text, in order, never overlapping
    note: Text | str = ""  # why there are no words, when there are none (translated when it is read)


def token_words(text: str, offsets: Sequence[tuple[int, int]], special: Sequence[bool], model: str) -> TokenWords:
    """Words of `text` for tokens with character `offsets` (see the module docstring)."""
    if not offsets:
        return TokenWords(
            [None if s else k for k, s in enumerate(special)],
            [],
            [],
            msg(
                "Word merging is not available for {model}: its tokenizer has no fast version, so it cannot say "
                "which characters each token covers. The tokens are shown as they are.",
                model=model,
            ),
        )
    words = tokenize_with_spans(text)
    first: list[int | None] = []  # per token: the first word it overlaps (None: none, or special)
    joined = [False] * len(words)  # joined[w]: word w is one unit with word w - 1 (a token spans both)
    for (start, end), is_special in zip(offsets, special, strict=True):
        hits = [] if is_special else [k for k, w in enumerate(words) if w.start < end and w.end > start]
        first.append(hits[0] if hits else None)
        for k in hits[1:]:
            joined[k] = True
    unit_of, units = [], -1
    for k in range(len(words)):
        units += 0 if (joined[k] and k > 0) else 1
        unit_of.append(units)
    # tokens over no word (white space, invisible characters) join the next word, or the last one
    ids: list[int | None] = [None if w is None else unit_of[w] for w in first]
    following = None
    for k in range(len(ids) - 1, -1, -1):
        if special[k]:
            continue
        if ids[k] is None:
            ids[k] = following
        following = ids[k]
    preceding = None
    for k in range(len(ids)):
        if not special[k]:
            ids[k] = preceding if ids[k] is None else ids[k]
            preceding = ids[k]
    # keep the units some token stands for, numbered in order
    used = sorted({i for i in ids if i is not None})
    renumber = {u: n for n, u in enumerate(used)}
    spans = []
    for u in used:
        members = [w for w, unit in zip(words, unit_of, strict=True) if unit == u]
        spans.append((members[0].start, members[-1].end))
    return TokenWords(
        [None if i is None else renumber[i] for i in ids],
        [text[a:b] for a, b in spans],
        spans,
    )


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte-level alphabet (Radford et al. 2019): byte -> the printable character standing for it."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, extra = dict(zip(printable, printable, strict=True)), 0
    for b in range(256):
        if b not in chars:
            chars[b] = 256 + extra
            extra += 1
    return {b: chr(c) for b, c in chars.items()}


def byte_level_decoder(tokenizer) -> dict[str, int] | None:
    """Character -> byte for byte-level BPE tokenizers (GPT-2, RoBERTa...), None for the others."""
    if getattr(tokenizer, "byte_decoder", None):
        return dict(tokenizer.byte_decoder)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return None
    try:
        spec = json.loads(backend.to_str())
    except (ValueError, TypeError):
        return None
    parts = json.dumps([spec.get("pre_tokenizer"), spec.get("decoder")])
    if '"ByteLevel"' not in parts:
        return None
    return {c: b for b, c in bytes_to_unicode().items()}


_SENTENCEPIECE_SPACE = "▁"


def display_token(token: str, byte_decoder: dict[str, int] | None) -> str:
    """A token made readable, white space shown the same way for every tokenizer: ␣ ⇥ ↵ ␍.

    Byte-level tokens are read back as their bytes (Ġ -> ␣, ĉ -> ⇥, Ċ -> ↵, "Ã©" -> é); a token that
    holds part of a character's bytes keeps its byte characters, white space still shown."""
    if byte_decoder and all(c in byte_decoder for c in token):
        raw = bytes(byte_decoder[c] for c in token)
        try:
            return show_whitespace(raw.decode("utf-8"))
        except UnicodeDecodeError:
            shown = {c: WHITESPACE_SHOWN.get(chr(byte_decoder[c]), c) for c in token}
            return "".join(shown[c] for c in token)
    return show_whitespace(token.replace(_SENTENCEPIECE_SPACE, " "))
