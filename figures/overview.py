"""The home page's overview diagram (assets/overview.svg) in this run's interface language.

The diagram is one drawing in English; its sentences are translated here when it is shown (`i18n._`),
so no second drawing is kept in step. Formulas, model names and the example's tokens ("the bank of the
river") stay as they are. The root's font list gains the CJK fonts of `figures.common.CJK_FONTS`, which
the browser has from the system (no web font).
"""

from __future__ import annotations

import html
import re

from engine import ASSETS
from figures.common import CJK_FONTS
from i18n import N_, _

OVERVIEW = ASSETS / "overview.svg"
TEXTS = (  # the diagram's sentences, as in the file (entities decoded)
    N_("gates decide what to forget, write and show"),
    N_("x\u209c (a character) and h\u209c\u208b\u2081"),
    N_("Page: watch every gate, step by step"),
    N_("one spelling, a new vector in every sentence"),
    N_("layer 0: characters \u2192 CNN (no context)"),
    N_("layer 1 \u2192 forward"),
    N_("backward \u2190 layer 1"),
    N_("layer 2 \u2192 forward"),
    N_("backward \u2190 layer 2"),
    N_("river bank"),
    N_("money bank"),
    N_("\u201cWe sat on the bank\u201d vs \u201cI paid the bank\u201d"),
    N_("ELMo = \u03b3 \u03a3\u2c7c s\u2c7c h\u2c7c  (a mix of the three layers)"),
    N_("Page: see the senses pull apart, layer by layer"),
    N_("every head decides where each word looks"),
    N_("\u201cbank\u201d looks"),
    N_("at \u201criver\u201d"),
    N_("6 layers \u00d7 12 heads in MiniLM"),
    N_("Page: find the heads and read their weights"),
)
TEXT_NODE = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")
ROOT_FONT = re.compile(r'(<svg\b[^>]*?font-family=")([^"]*)(")')


def translated(svg: str | None = None) -> str:
    """`svg` (default: the file's text) with every sentence of `TEXTS` in this run's language and the CJK
    fonts added to the root's font list. Text not in `TEXTS` is left exactly as it is."""
    svg = svg if svg is not None else OVERVIEW.read_text(encoding="utf-8")
    known = set(TEXTS)

    def one(found: re.Match) -> str:
        text = html.unescape(found.group(2))
        shown = _(text) if text in known else text
        if shown == text:
            return found.group(0)  # untouched, entities and all
        return found.group(1) + html.escape(shown, quote=False) + found.group(3)

    svg = TEXT_NODE.sub(one, svg)
    return ROOT_FONT.sub(lambda m: m.group(1) + _with_cjk(m.group(2)) + m.group(3), svg, count=1)


def _with_cjk(families: str) -> str:
    """The font list with the CJK fonts before its generic family (once)."""
    if CJK_FONTS in families:
        return families
    head, _sep, generic = families.rpartition(",")
    return f"{head}, {CJK_FONTS},{generic}" if head else f"{CJK_FONTS}, {families}"
