"""A learner's own text, before any model reads it: is it English, and what will each model do with it;
and the first part of a text that is over a view's limit, cut where a reader would cut it.

Pure Python (no torch, no Streamlit): the Lessons page uses it, and any page can (issue 23). The
language check is a plain heuristic, not a language identifier: it looks at the script (CJK, Cyrillic,
Arabic, ...) and at how many of the words are common function words of English or of a few European
languages. It errs towards "English" on short or mixed text, so a note is shown only when it is clear.

The notes are written in this run's interface language (`i18n`) when `language_check` or `notes_for` is
called; `LanguageCheck.language` stays the English name (marked for the catalogue: show it with `i18n._`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from i18n import N_, _

MODELS = ("char-LSTM", "ELMo", "MiniLM")
FUNCTION_WORDS = {
    "English": {"the", "a", "an", "of", "and", "to", "in", "is", "it", "was", "he", "she", "on", "for", "that",
                "with", "as", "at", "by", "his", "her", "they", "we", "i", "you", "not", "be", "this", "are"},
    "French": {"le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "dans", "que", "qui", "pour", "pas",
               "sur", "au", "aux", "il", "elle", "je", "nous", "vous", "ce", "en", "avec", "se", "sont"},
    "German": {"der", "die", "das", "und", "ist", "nicht", "ein", "eine", "ich", "sie", "es", "mit", "zu", "den",
               "von", "auf", "dem", "sich", "auch", "wir", "war"},
    "Spanish": {"el", "los", "las", "y", "es", "una", "que", "por", "con", "para", "del", "su", "se", "lo", "pero",
                "como", "muy", "yo", "fue", "está"},
}  # fmt: skip
SCRIPTS = (  # (name, test on a character's Unicode name)
    (N_("Chinese, Japanese or Korean"), ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")),
    (N_("Cyrillic"), ("CYRILLIC",)),
    (N_("Arabic"), ("ARABIC",)),
    (N_("Greek"), ("GREEK",)),
    (N_("Hebrew"), ("HEBREW",)),
    (N_("Devanagari"), ("DEVANAGARI",)),
)
LANGUAGE_NAMES = (N_("French"), N_("German"), N_("Spanish"))  # FUNCTION_WORDS' keys, for the catalogue
MIN_WORDS = 4  # fewer words than this: too little to judge, treated as English


@dataclass(frozen=True)
class LanguageCheck:
    """`english` False when the text is clearly in another language or script; `language` then names
    what was seen ("French", "Chinese, Japanese or Korean"), and `notes` says, per model in MODELS,
    what that model will do with the text."""

    english: bool
    language: str = ""
    notes: dict[str, str] | None = None


def _script_share(text: str) -> tuple[str, float]:
    """The most frequent non-Latin script among the letters and its share of them (0 when none)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "", 0.0
    counts: dict[str, int] = {}
    for ch in letters:
        name = unicodedata.name(ch, "")
        for script, marks in SCRIPTS:
            if any(mark in name for mark in marks):
                counts[script] = counts.get(script, 0) + 1
                break
    if not counts:
        return "", 0.0
    script = max(counts, key=counts.get)
    return script, counts[script] / len(letters)


def _function_word_language(text: str) -> str:
    """The language whose function words are most of the text's words, or "" when English leads or
    the text is too short to say."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text)]
    words = [w.split("'")[-1] for w in words]  # l'avocat -> avocat, d'eau -> eau
    if len(words) < MIN_WORDS:
        return ""
    hits = {language: sum(w in vocab for w in words) for language, vocab in FUNCTION_WORDS.items()}
    best = max(hits, key=hits.get)
    if best == "English" or hits[best] < 2 or hits[best] <= 1.5 * hits["English"]:
        return ""
    return best


def notes_for(language: str) -> dict[str, str]:
    """What each model does with text in `language` (the app's three models read English only), in this run's
    interface language; `language` is the English name (`SCRIPTS`, `FUNCTION_WORDS`)."""
    cjk = language.startswith("Chinese")
    if language in dict(SCRIPTS) or cjk:
        lstm = _(
            "It learned English characters only: every character it never saw (such as 中 or ж) is read as ⁇, "
            "and its guesses follow English spelling."
        )
    else:
        lstm = _(
            "It reads the letters, but learned English spelling only: its memory and guesses follow English "
            "patterns, and accented letters it never saw are read as ⁇."
        )
    elmo = _(
        "Its word list is English: each word it does not know becomes the one <UNK> token, all alike, and "
        "<UNK> is cheap to predict, so its scores look better than they are."
    )
    if cjk:
        elmo += _(" Text without spaces is one long 'word'.")
        minilm = _(
            "WordPiece cuts the text into pieces it knows: each Chinese, Japanese or Korean character becomes one "
            "token; it has seen little of such text."
        )
    else:
        minilm = _(
            "WordPiece cuts the text into pieces it knows: unfamiliar words are split into short pieces; it learned "
            "from English text."
        )
    return {"char-LSTM": lstm, "ELMo": elmo, "MiniLM": minilm}


def language_check(text: str) -> LanguageCheck:
    """Whether `text` is English, as far as a plain look can tell (see the module docstring)."""
    script, share = _script_share(text)
    if share >= 0.2:
        return LanguageCheck(False, script, notes_for(script))
    language = _function_word_language(text)
    if language:
        return LanguageCheck(False, language, notes_for(language))
    return LanguageCheck(True)


def first_part(text: str, limit: int) -> str:
    """The first part of `text`, at most `limit` characters, ending at the last sentence end (. ! ? or a
    line break) in its second half, else at the last space in its second half, else at `limit`.
    Raises ValueError for a limit below 1. A text within the limit is returned as it is."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1 character, got {limit}")
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in re.finditer(r"[.!?][\"')\]]*(?=\s)|\n", head + " ") if m.end() <= limit]
    ends = [e for e in ends if e >= limit // 2]
    if ends:
        return head[: ends[-1]].rstrip()
    space = head.rfind(" ")
    return head[:space].rstrip() if space >= limit // 2 else head
