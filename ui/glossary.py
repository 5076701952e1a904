"""The glossary the whole app shares: one plain-words line per technical term (issue 23, rule 4).

`ui/glossary.csv` holds `term, zh, definition` (the Chinese column is for the translated interface).
Pages and lessons call `words_used(text)` on what they show and draw the explanations of the terms
found, so a learner meets no term without its one-line explanation on the same screen.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

CSV = Path(__file__).with_name("glossary.csv")


@lru_cache(maxsize=1)
def terms() -> dict[str, str]:
    """term -> its one-line definition, in the file's order."""
    with CSV.open(encoding="utf-8", newline="") as handle:
        return {row["term"]: row["definition"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def chinese() -> dict[str, str]:
    """term -> its Chinese term (empty when not chosen yet)."""
    with CSV.open(encoding="utf-8", newline="") as handle:
        return {row["term"]: row["zh"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=256)
def _pattern(term: str) -> re.Pattern[str]:
    # word boundaries that also work for terms starting or ending in a digit or symbol ("1-NN")
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def explain(term: str) -> str:
    """The definition of `term` (exact key, case-insensitive). Raises KeyError for an unknown term."""
    for key, definition in terms().items():
        if key.lower() == term.lower():
            return definition
    raise KeyError(term)


def words_used(*texts: str) -> list[str]:
    """The glossary terms that appear in any of `texts` (whole words, case-insensitive, plural -s),
    in glossary order; a term inside a longer one ("cosine" in "cosine distance") counts too."""
    joined = "\n".join(texts)
    return [term for term in terms() if _pattern(term).search(joined)]


def help_text(*texts: str) -> str:
    """Markdown for a widget's `help=`: each term used in `texts` with its explanation."""
    return "\n\n".join(f"**{term}**: {terms()[term]}" for term in words_used(*texts))


def line(*texts: str) -> str:
    """One Markdown line, "Words here: **cosine**: … · **softmax**: …", or "" when no term is used."""
    used = words_used(*texts)
    if not used:
        return ""
    return "Words here: " + " · ".join(f"**{term}**: {terms()[term]}" for term in used)
