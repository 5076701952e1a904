"""Word tokenization and sentence splitting, shared by the corpus builder and the app.

The models see exactly the tokens this module makes, in training and on user text, so there is
one tokenizer for both. It keeps case (ELMo's characters see it), keeps contractions and words
with apostrophes whole ("don't", "o'clock"), and makes every other punctuation mark a token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# a word (letters/digits/underscore, with inner apostrophes or periods of numbers), or one other symbol
TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*(?:[.,]\d+)*|[^\w\s]")

ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "prof", "rev", "gen", "col", "capt"}
    | {"lt", "sgt", "mt", "no", "fig", "vol", "ch", "cf", "ie", "eg", "viz", "esq", "hon", "sen", "gov"}
    | {"rep", "dept", "inc", "co", "corp", "ltd", "assn", "univ", "approx", "est", "dut", "prop", "jan", "feb"}
    | {"mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "ft", "lb", "oz", "pp", "ed", "eds", "al"}
)
_SENTENCE_END = re.compile(r"([.!?]+[\"'”’)\]]*)(\s+)")


@dataclass(frozen=True)
class Token:
    """A token and where it sits in the original text (`text[start:end] == token.text`)."""

    text: str
    start: int
    end: int


_STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "‚": "'"})


def normalize(text: str) -> str:
    """NFC-normalize (so 'é' is one character everywhere), straighten curly quotes and apostrophes,
    and write the typewriter dash "--" as one em dash "—" (one token, not two hyphens)."""
    return unicodedata.normalize("NFC", text).translate(_STRAIGHTEN).replace("--", "—")


def tokenize_with_spans(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def tokenize(text: str) -> list[str]:
    """`"Don't panic," he said.` -> `['Don't', 'panic', ',', 'he', 'said', '.']`."""
    return TOKEN_RE.findall(text)


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences at . ! ? followed by white space and a capital or quote.

    Blank lines always end a sentence. Abbreviations such as "Mr." and single initials do not.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            end = match.end(1)
            before = paragraph[start : match.start(1)].split()
            last_word = before[-1].lower().strip("\"'(“‘") if before else ""
            following = paragraph[match.end() : match.end() + 1]
            if last_word in ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue
            if following and not (following.isupper() or following in "\"'“‘(["):
                continue
            sentences.append(paragraph[start:end].strip())
            start = match.end()
        rest = paragraph[start:].strip()
        if rest:
            sentences.append(rest)
    return [s for s in sentences if s]


_NO_SPACE_BEFORE = frozenset({".", ",", ";", ":", "!", "?", ")", "]", "}", "%"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$"})


def detokenize(tokens: list[str]) -> str:
    """Tokens back to readable text: no space before closing punctuation, quotes paired open/close."""
    out: list[str] = []
    inside_quote = False
    for token in tokens:
        if token == '"':
            out.append('"' if inside_quote or not out else ' "')
            inside_quote = not inside_quote
            continue
        glue = not out or token in _NO_SPACE_BEFORE or out[-1].strip() in _NO_SPACE_AFTER
        glue = glue or (inside_quote and out[-1].strip() == '"')
        out.append(token if glue else " " + token)
    return "".join(out)
