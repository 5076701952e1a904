"""Every catalogue is complete and consistent (issue 29), domain by domain, language by language.

For each domain of i18n.DOMAINS (app, lessons, charts) and each language with a catalogue: every message the
code marks (extracted here with Babel, as `make i18n` does) has a translation that is neither empty nor fuzzy;
the compiled .mo says what the .po says; a translation keeps the message's `{placeholders}`; and wherever the
English uses a glossary term (ui/glossary.csv, whole word, any case, plural -s), the translation uses the
glossary's Chinese term. Parametrized per domain, so each domain's state is visible on its own.
"""

from __future__ import annotations

import gettext
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import i18n
from ui import glossary

ROOT = Path(__file__).resolve().parents[2]
LANGS = sorted(p.name for p in i18n.LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
CASES = [(domain, lang) for domain in i18n.DOMAINS for lang in LANGS]
IDS = [f"{domain}-{lang}" for domain, lang in CASES]


@cache
def extracted(domain: str) -> frozenset[tuple[str, str | None]]:
    """(msgid, context) of every message the code marks for `domain` (plural forms: the singular), as
    `pybabel extract` finds them; the context is pgettext's, None for a plain message."""
    with (ROOT / "i18n" / f"{domain}.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS)
    return frozenset(
        (msgid if isinstance(msgid, str) else msgid[0], context) for _file, _line, msgid, _comments, context in found
    )


@cache
def catalogue(domain: str, lang: str):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def pairs(domain: str, lang: str) -> list[tuple[str, str]]:
    """(English, translation) for every form of every message of the .po (plurals: each form)."""
    found = []
    for message in catalogue(domain, lang):
        if not message.id:
            continue  # the header
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        found += [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]
    return found


def test_the_checker_finds_a_missing_translation():
    """The checks below can fail: a message without a translation is found by the same code."""
    assert "zh" in LANGS and "app" in i18n.DOMAINS
    assert ("NLP Model Explorer", None) in extracted("app")  # ui/page.py APP_TITLE


@pytest.mark.parametrize(("domain", "lang"), CASES, ids=IDS)
def test_every_message_in_the_code_has_a_translation_neither_empty_nor_fuzzy(domain, lang):
    po = catalogue(domain, lang)
    missing = sorted(m for m, context in extracted(domain) if po.get(m, context=context) is None)
    empty = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id and not all(_forms(m)))
    fuzzy = sorted(str(m.id) for m in po if m.id and m.fuzzy)
    assert (missing, empty, fuzzy) == ([], [], []), (
        f"{domain}/{lang}: {len(missing)} not in the .po (run make i18n), {len(empty)} untranslated, "
        f"{len(fuzzy)} fuzzy; first: {(missing + empty + fuzzy)[:5]}"
    )


def _forms(message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


@pytest.mark.parametrize(("domain", "lang"), CASES, ids=IDS)
def test_the_compiled_catalogue_says_what_the_po_says(domain, lang):
    """The .mo the app reads is up to date (make i18n compiles it; commit .po and .mo together)."""
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for message in catalogue(domain, lang):
        if not message.id or message.fuzzy or not all(_forms(message)):
            continue  # pybabel compile leaves these out
        if isinstance(message.id, str):
            key = message.id if not message.context else f"{message.context}\x04{message.id}"
            shown = compiled._catalog.get(key)
            if shown != message.string:
                stale.append(message.id)
        elif [compiled._catalog.get((message.id[0], i)) for i in range(len(_forms(message)))] != _forms(message):
            stale.append(message.id[0])
    assert stale == [], f"{domain}/{lang}: the .mo is older than the .po (run make i18n): {stale[:5]}"


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a str.format string ("{n:,}" -> "n")."""
    try:
        return {
            field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(text) if field is not None
        }
    except ValueError:  # not a format string (a lone brace in prose): no fields
        return set()


def test_placeholders_are_read_from_format_strings():
    assert placeholders("Head {head} of layer {layer:,}") == {"head", "layer"}
    assert placeholders("no fields") == set()


@pytest.mark.parametrize(("domain", "lang"), CASES, ids=IDS)
def test_a_translation_keeps_the_messages_placeholders(domain, lang):
    wrong = [(en, zh) for en, zh in pairs(domain, lang) if zh and placeholders(en) != placeholders(zh)]
    assert wrong == [], f"{domain}/{lang}: {len(wrong)} translations change the placeholders: {wrong[:3]}"


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def glossary_terms_used(english: str) -> list[str]:
    """The glossary terms `english` uses, longest first; a term inside a longer one ("gate" in "forget
    gate") counts only where it also stands on its own. Placeholders (`{unit}`, `{token}`) are names, not words."""
    rest, used = re.sub(r"\{[^{}]*\}", " ", english), []
    for term in sorted(glossary.terms(), key=len, reverse=True):
        if _pattern(term).search(rest):
            used.append(term)
            rest = _pattern(term).sub(" ", rest)
    return used


def test_glossary_terms_are_found_longest_first():
    assert glossary_terms_used("The forget gate and the cell state") == ["forget gate", "cell state"]
    assert glossary_terms_used("Each gate, and the forget gate") == ["forget gate", "gate"]
    assert glossary_terms_used("Heads of the attention") == ["attention", "head"]
    assert glossary_terms_used("{length:,} {unit} long, reading {token}") == []


@pytest.mark.parametrize(
    ("domain", "lang"), [c for c in CASES if c[1] == "zh"], ids=[i for i in IDS if i.endswith("zh")]
)
def test_the_translation_uses_the_glossarys_chinese_term(domain, lang):
    zh = glossary.chinese()
    wrong = [
        (term, zh[term], en, text)
        for en, text in pairs(domain, lang)
        if text
        for term in glossary_terms_used(en)
        if zh[term] and zh[term].lower() not in text.lower()
    ]
    assert wrong == [], f"{domain}/{lang}: {len(wrong)} translations miss the glossary term: {wrong[:5]}"
