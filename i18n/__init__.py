"""The interface's language (issue 29): gettext catalogues, extracted and compiled with Babel.

Every string a learner reads is written in English in the code and wrapped in ``_()`` (or ``N_()`` where it
is data defined at import time, translated later by ``_()`` where it is shown). Catalogues live in
``i18n/locale/<lang>/LC_MESSAGES/<domain>.po`` and are compiled to ``.mo`` by ``make i18n`` (pybabel), so a
third language is a new catalogue and one line in ``LANGUAGES``.

Three domains keep the work apart: ``app`` (app.py, pages, ui), ``lessons`` (lessons) and ``charts`` (figures, and
engine messages). ``_()`` looks in all three.

The language is per script run, never process-wide: ``use(lang)`` sets a context variable in the thread
that runs one session's script. Where a run starts without it (a fragment rerun in a new thread), the
resolver that ``ui`` registers with ``set_resolver`` reads the session's own state.

This module is plain Python (stdlib ``gettext``): engine, lessons and figures may import it.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAINS = ("app", "lessons", "charts")
DEFAULT = "en"
LANGUAGES = {"en": "English", "zh": "简体中文"}  # code -> the language's own name, shown in the switch

_current: ContextVar[str] = ContextVar("interface_language")
_resolver: list[Callable[[], str | None]] = []  # at most one: set by ui at import; reads per-session state


def use(lang: str) -> None:
    """Make ``lang`` the language of this script run (this thread's context).

    Raises ValueError for a code not in LANGUAGES (callers name a bad link value to the learner first)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown interface language {lang!r}; known: {', '.join(LANGUAGES)}")
    _current.set(lang)


def set_resolver(resolver: Callable[[], str | None]) -> None:
    """Register the function that finds the language when this context has none (e.g. a fragment rerun)."""
    _resolver[:] = [resolver]


def current() -> str:
    """The language code of this script run: the context's, else the resolver's, else English."""
    try:
        return _current.get()
    except LookupError:
        pass
    found = _resolver[0]() if _resolver else None
    return found if found in LANGUAGES else DEFAULT


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """Both domains' compiled catalogues for ``lang`` chained into one (English: no catalogue)."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if lang == DEFAULT:
        return chain
    found = [gettext.translation(d, LOCALE_DIR, languages=[lang], fallback=True) for d in DOMAINS]
    chain = found[0]
    for more in found[1:]:
        chain.add_fallback(more)
    return chain


def _(message: str) -> str:
    """``message`` in this run's language (itself where the catalogue has no translation)."""
    return catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in this run's language."""
    return catalogue(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in this run's language, told apart by ``context`` where one English word has two senses."""
    return catalogue(current()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; translate it with ``_()`` where it is shown."""
    return message
