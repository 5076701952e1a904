"""Minimal pairs chosen to teach where context flows (the Compare page's presets)."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_


@dataclass(frozen=True)
class Preset:
    """A minimal pair: its `name` and `lesson` are English (marked `N_`, shown through `i18n._`); the two
    sentences `a` and `b` are what the models read, never translated."""

    name: str
    a: str
    b: str
    lesson: str


PRESETS = [
    Preset(
        N_("bank: river / money"),
        "She sat on the bank of the river.",
        "She sat on the bank of the money.",
        N_(
            "The word that decides the sense of 'bank' comes after it. Only models that read to the right can "
            "let it change 'bank': ELMo's backward half and MiniLM; the char-LSTM and ELMo's forward half cannot."
        ),
    ),
    Preset(
        N_("trophy: too big / too small"),
        "The trophy didn't fit in the suitcase because it was too big.",
        "The trophy didn't fit in the suitcase because it was too small.",
        N_(
            "A Winograd schema: big/small decides whether 'it' is the trophy or the suitcase. The deciding word is "
            "last, so nothing reading left to right sees it before 'it'."
        ),
    ),
    Preset(
        N_("quote opened / not opened"),
        'He said "we will meet at the bank by the river" and left.',
        "He said we will meet at the bank by the river and left.",
        N_(
            "One quote mark changes everything after it for the char-LSTM: its state never comes back to where it "
            "was, because it remembers that a quote is open. ELMo's backward half and MiniLM move before it too."
        ),
    ),
    Preset(
        N_("agreement: key is / keys are"),
        "The key to the cabinets is on the table.",
        "The keys to the cabinets are on the table.",
        N_(
            "Two words change (key/keys and is/are): a pair that is not minimal. The words between them move in "
            "every model that reads in their direction."
        ),
    ),
]
