"""The shipped char-LSTM as its JSON config describes it, with no torch: its name and alphabet.

A page checks a text's characters against the alphabet before it draws a stored view (ui/viewcache.py);
reading 2 KB of JSON keeps torch out of that first run (issue 24, kind 8). `engine.models.charlstm`
re-exports UNKNOWN_CHAR under its old name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from engine import ASSETS
from engine.assets import verify
from engine.validation import ModelLoadError
from i18n import _

UNKNOWN_CHAR = "\u2047"  # ⁇: stands for every character outside the vocabulary
CONFIG = ASSETS / "charlstm" / "config.json"


@dataclass(frozen=True)
class CharLstmFacts:
    """What a page needs before the model: `name` as `CharLstm.name`, `alphabet` as `CharLstm.alphabet`
    (the vocabulary without index 0, UNKNOWN_CHAR)."""

    name: str
    alphabet: list[str]


@cache
def default_facts() -> CharLstmFacts:
    """The shipped char-LSTM's config.json (checksum verified, as `charlstm.load_default` does); ModelLoadError."""
    verify(CONFIG)
    try:
        chars = json.loads(CONFIG.read_text(encoding="utf-8"))["chars"]
    except (OSError, ValueError, KeyError) as exc:
        raise ModelLoadError(
            _("{config_path} is not a char-LSTM config: {exc}").format(config_path=CONFIG, exc=exc)
        ) from exc
    return CharLstmFacts(name="char-LSTM", alphabet=list(chars[1:]))
