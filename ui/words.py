"""The "Words on this page" box: the one-line explanation of every technical term a page uses (issue 23, rule 4).

Each page names its terms once, right under its title; the explanations come from the shared glossary
(ui/glossary.csv), and a term used inside an explanation is explained too. tests/app/test_glossary_pages.py
runs every page and fails when a glossary term it shows has no explanation on it.
"""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

import i18n
from i18n import N_, _
from ui import glossary
from ui.literal import md


def with_explanations_closed(terms: list[str]) -> list[str]:
    """`terms` plus every glossary term their explanations use, and so on, in glossary order.
    Raises KeyError for a term the glossary does not have."""
    return list(_closed(tuple(terms), i18n.current()))


@lru_cache(maxsize=256)
def _closed(terms: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """The closure for `terms` in the interface language `lang` (the explanations, and so the terms they use,
    are that language's): a pure function of both, scanned once per process, not on every page run."""
    for term in terms:
        glossary.explain(term)  # a typo fails loudly
    found = set(terms)
    while True:
        more = set(glossary.words_used(*(glossary.definition(t) for t in found))) - found
        if not more:
            return tuple(t for t in glossary.terms() if t in found)
        found |= more


def words_here(*terms: str) -> None:
    """A closed "Words on this page" expander with "**term**: explanation" per term (and the terms they use)."""
    # escaped (ui.literal.md): "<UNK>" and "[CLS]" are shown as written, never read as HTML or a link
    lines = [
        f"- **{md(glossary.name(term))}**: {md(glossary.definition(term))}"
        for term in with_explanations_closed(list(terms))
    ]
    with st.expander(_("Words on this page, in plain words"), icon=":material/menu_book:"):
        st.markdown("\n".join(lines))


MODEL_NOTES = {  # what each model does with text that is not English (issue 23: "a note per model")
    "char-LSTM": N_(
        "The char-LSTM learned English spelling from English books: it reads other letters, but its "
        "guesses and its units follow English habits, and a character it never saw is read as ⁇."
    ),
    "ELMo": N_(
        "ELMo learned English words: it builds a vector for any word from its letters (char-CNN), but its "
        "language model guesses English words and reads every word outside its vocabulary as <UNK>."
    ),
    "MiniLM": N_(
        "MiniLM's vocabulary is English: it splits other words into many subword pieces, or reads them as "
        "[UNK], and its heads were trained on English sentences."
    ),
}


CHINESE_NOTES = {  # the same, for text with Chinese characters in it (issue 29)
    "char-LSTM": N_(
        "The char-LSTM never saw a Chinese character in its English books: it reads each one as ⁇, so its "
        "guesses and its units say nothing about Chinese."
    ),
    "ELMo": N_(
        "ELMo splits text at spaces, so Chinese written without spaces is one long word to it; it never saw "
        "Chinese, reads such a word as <UNK> and guesses English words."
    ),
    "MiniLM": N_(
        "MiniLM's vocabulary has the common Chinese characters one by one: it reads Chinese one character per "
        "token (a rare one as [UNK]), but its heads were trained on English sentences."
    ),
}


def has_chinese(text: str) -> bool:
    """Whether `text` holds a CJK ideograph (the Unicode block U+4E00..U+9FFF or its extension A)."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def language_note(text: str, *models: str) -> None:
    """A note when `text` does not look English (engine.text.language_note), saying what each of `models`
    ("char-LSTM", "ELMo", "MiniLM") does with it (Chinese text: CHINESE_NOTES); nothing for English text."""
    from engine.text import language_note as looks_foreign

    note = looks_foreign(text)
    if note:
        notes = CHINESE_NOTES if has_chinese(text) else MODEL_NOTES
        st.info(" ".join([_(note), *(md(_(notes[m])) for m in models)]), icon=":material/translate:")
