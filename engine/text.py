"""Word tokenization and sentence splitting, shared by the corpus builder and the app, and the one
place that decides what each kind of Unicode character is (`char_role`).

The models see exactly the tokens this module makes, in training and on user text, so there is
one tokenizer for both. It keeps case (ELMo's characters see it), keeps contractions and words
with apostrophes whole ("don't", "o'clock"), and makes every other punctuation mark a token.

The Unicode policy, followed by every page and model (`char_role`):

- space (Zs, Zl, Zp, and tab, newline, carriage return...): separates words and is never a word;
  token views show it as ␣ (space), ⇥ (tab), ↵ (newline), ␍ (carriage return) (`show_whitespace`).
- join (combining marks Mn, Mc, Me; format characters Cf: soft hyphen, zero-width space and
  joiners, word joiner, byte-order mark, direction marks): belongs to the character before it (to
  the next one when nothing visible comes before), so it never makes a word, a token of ours or a
  char-LSTM step of its own; a word's label is the typed text, whole ("cafe\u0301" stays 5
  characters). Models read a word in NFC with its format characters removed (`reading_form`).
- control (other Cc, lone surrogates Cs): read as a space, with a warning (`validation.clean_text`).
- visible: everything else (letters, digits, punctuation, symbols, private use, unassigned).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from i18n import _

Role = Literal["space", "join", "control", "visible"]
WHITESPACE_SHOWN = {" ": "␣", "\t": "⇥", "\n": "↵", "\r": "␍"}


def char_role(ch: str) -> Role:
    """What a character is, for every page and model (see the module docstring)."""
    category = unicodedata.category(ch)
    if ch.isspace() or category in ("Zs", "Zl", "Zp"):
        return "space"
    if category[0] == "M" or category == "Cf":
        return "join"
    if category in ("Cc", "Cs"):
        return "control"
    return "visible"


@cache
def _join_classes() -> tuple[str, str]:
    """Regex character-class bodies of every joining character (marks and format characters): the
    ones in the Basic Multilingual Plane, and the others (kept apart: `re` tests a class of BMP
    characters in one step, and one with astral ranges one range at a time)."""
    ranges: list[list[int]] = []
    for code in [*range(0x40000), *range(0xE0000, 0xE1000)]:  # no mark or format character lies elsewhere
        category = unicodedata.category(chr(code))
        if category[0] == "M" or category == "Cf":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])

    def body(selected: list[list[int]]) -> str:
        return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in selected)

    return body([r for r in ranges if r[1] < 0x10000]), body([r for r in ranges if r[0] >= 0x10000])


@cache
def _token_re(astral: bool) -> re.Pattern:
    """The token pattern; `astral`: the text has characters beyond the BMP (a slower pattern)."""
    bmp, others = _join_classes()
    j = f"(?:[{bmp}]|[{others}])" if astral else f"[{bmp}]"
    word = rf"\w+(?:{j}+\w*)*"
    symbol = rf"(?![{others}])[^\w\s{bmp}]" if astral else rf"[^\w\s{bmp}]"
    # a word (letters/digits/underscore, with inner apostrophes or periods of numbers), or one other
    # symbol; joining characters stay with the character before them (ZWJ also with the one after),
    # and lead a word only where nothing visible comes before them
    return re.compile(rf"{j}*(?:{word}(?:['’]{word})*(?:[.,]\d+{j}*)*|{symbol}(?:\u200d[^\s]|{j})*)")


def _pattern(text: str) -> re.Pattern:
    return _token_re(bool(text) and max(text) > "\uffff")


def _is_token(found: str) -> bool:
    """A word starts with a letter or digit, a symbol with itself; a match that starts with joining
    characters or a control character may have nothing visible, and is then no token."""
    return char_role(found[0]) == "visible" or has_words(found)


def reading_form(text: str) -> str:
    """What a model reads for a piece of typed text: NFC, without format characters (Cf)."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf")


def show_whitespace(token: str) -> str:
    """White space made visible, the same way for every tokenizer: ␣ ⇥ ↵ ␍ (other spaces ␣)."""
    return "".join(WHITESPACE_SHOWN.get(c, "␣" if c.isspace() else c) for c in token)


def has_words(text: str) -> bool:
    """Whether the text has anything but spaces, controls and lone joining characters."""
    return any(char_role(c) == "visible" for c in text)


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
    """Tokens with their spans in `text`; joining characters stay inside the token they touch, and
    ones with nothing visible to join (between spaces) belong to no token."""
    return [Token(m.group(), m.start(), m.end()) for m in _pattern(text).finditer(text) if _is_token(m.group())]


def tokenize(text: str) -> list[str]:
    """`"Don't panic," he said.` -> `['Don't', 'panic', ',', 'he', 'said', '.']`."""
    return [found for found in _pattern(text).findall(text) if _is_token(found)]


def steps(text: str) -> list[Token]:
    """The text as character steps (the char-LSTM's): one per character, except that joining
    characters belong to the step before them (the next one at the start of the text), so they
    never make a step of their own. The steps cover the text exactly, in order."""
    found: list[Token] = []
    start = 0
    for k, ch in enumerate(text):
        joins = char_role(ch) == "join" or (k > 0 and text[k - 1] == "\u200d")
        if k > start and not (joins or all(char_role(c) == "join" for c in text[start:k])):
            found.append(Token(text[start:k], start, k))
            start = k
    if start < len(text):
        found.append(Token(text[start:], start, len(text)))
    return found


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


# A few of the most frequent English words: real English prose of a dozen words or more nearly always has some.
# fmt: off
_ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "from", "by", "is", "are",
    "was", "were", "be", "been", "it", "he", "she", "they", "we", "you", "i", "this", "that", "not", "no", "as",
    "his", "her", "their", "my", "your", "our", "do", "did", "have", "has", "had", "will", "would", "can", "could",
    "so", "if",
})
# fmt: on
NON_LATIN_SHARE = 0.3  # letters outside the Latin script above this share: not English
MIN_WORDS_TO_JUDGE = 6  # fewer words say too little about the language


def language_note(text: str) -> str:
    """ "" for text that looks English, else one plain sentence on why it does not (the models here read English),
    in this run's interface language (`i18n._`).

    Two cheap signs, no model: the share of letters outside the Latin script (Chinese, Cyrillic, Arabic...)
    above `NON_LATIN_SHARE`, or, in Latin-script text of at least `MIN_WORDS_TO_JUDGE` words, not one of
    the most frequent English words ("Je suis allé à la banque"). Each page says what its model does with it.
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ""
    non_latin = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN")) / len(letters)
    if non_latin > NON_LATIN_SHARE:
        return _(
            "This text is mostly not in the Latin alphabet ({share:.0%} of its letters): it is not English."
        ).format(share=non_latin)
    words = [t.lower() for t in tokenize(text) if any(ch.isalpha() for ch in t)]
    if len(words) >= MIN_WORDS_TO_JUDGE and not _ENGLISH_FUNCTION_WORDS.intersection(words):
        return _(
            "None of this text's {count} words is a common English word (the, and, of, is…): "
            "it looks like another language."
        ).format(count=len(words))
    return ""
