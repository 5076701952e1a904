"""The glossary the whole app shares: one plain-words line per technical term (issue 23, rule 4).

`ui/glossary.csv` holds `term, zh, definition` (the Chinese column is for the translated interface).
Pages and lessons call `words_used(text)` on what they show and draw the explanations of the terms
found, so a learner meets no term without its one-line explanation on the same screen.

In another interface language (issue 29) a term is shown by its column in the csv (`name`), its definition
through the `app` catalogue (`definition`; `extract_definitions` hands the definitions to `make i18n`), and
`words_used` finds a term by its English or its shown name.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

import i18n
from i18n import _

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


def name(term: str) -> str:
    """`term` as this run's language writes it: the csv's column for the language (e.g. zh), else English."""
    lang = i18n.current()
    return (chinese().get(term) or term) if lang == "zh" else term


def definition(term: str) -> str:
    """The one-line definition of `term` (exact key) in this run's language. Raises KeyError for an unknown term."""
    return _(terms()[term])


def extract_definitions(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extraction method for ui/glossary.csv (registered in i18n/app.cfg): each definition a message,
    with its term as the translator's comment."""
    rows = csv.DictReader(line.decode("utf-8") for line in fileobj)
    for number, row in enumerate(rows, start=2):
        yield number, None, row["definition"], [f"glossary: {row['term']} ({row['zh']})"]


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
    return [term for term in terms() if _pattern(term).search(joined) or _shown_in(term, joined)]


def _shown_in(term: str, joined: str) -> bool:
    """Whether `term`'s name in this run's language (not English) appears in `joined` (Chinese has no word gaps)."""
    shown = name(term)
    return shown != term and shown in joined


def help_text(*texts: str) -> str:
    """Markdown for a widget's `help=`: each term used in `texts` with its explanation."""
    return "\n\n".join(f"**{name(term)}**: {definition(term)}" for term in words_used(*texts))


def line(*texts: str) -> str:
    """One Markdown line, "Words here: **cosine**: … · **softmax**: …", or "" when no term is used."""
    used = words_used(*texts)
    if not used:
        return ""
    return _("Words here:") + " " + " · ".join(f"**{name(term)}**: {definition(term)}" for term in used)
