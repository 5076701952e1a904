"""One place that checks what users type, for every page and every model.

Each check returns a list of `Problem`s instead of raising, so a page can show all of them at
once, keep the user's text in its box and decide whether the model can still run (it can when
there are only warnings). Engine functions that cannot go on raise `InputError`, whose message is
written for the user as it stands.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from engine.text import char_role, has_words, reading_form, steps

Level = Literal["error", "warning", "info"]

ALLOWED_CONTROLS = frozenset("\n\t\r")
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")
SAFE_SUFFIXES = (".safetensors", ".hdf5", ".h5")


class InputError(ValueError):
    """Input a model cannot take. The message names the problem and the limit, for the user."""


class ModelLoadError(RuntimeError):
    """A model that cannot be loaded: missing folder, broken or unsafe weight file, checksum mismatch."""


@dataclass(frozen=True)
class Problem:
    """One finding about the user's input. `error` stops the model run; the others are shown beside it."""

    level: Level
    message: str


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.level == "error" for p in problems)


def describe_char(ch: str) -> str:
    """`'é' (U+00E9)`: readable even for invisible characters (several characters: each one's code)."""
    if len(ch) != 1:
        return f"{ch!r} ({' '.join(f'U+{ord(c):04X}' for c in ch)})"
    name = unicodedata.name(ch, "")
    shown = repr(ch) if unicodedata.category(ch)[0] in "CZ" else f"'{ch}'"
    return f"{shown} (U+{ord(ch):04X}{' ' + name if name else ''})"


def _examples(chars: Iterable[str], limit: int = 3) -> str:
    unique = list(dict.fromkeys(chars))
    shown = ", ".join(describe_char(c) for c in unique[:limit])
    return shown + (f" and {len(unique) - limit} more" if len(unique) > limit else "")


def control_characters(text: str) -> list[str]:
    """Control characters (Cc other than white space, lone surrogates): `engine.text.char_role`'s
    "control". Format characters (Cf) are not among them: they join the word they touch."""
    return [c for c in text if char_role(c) == "control"]


def format_characters(text: str) -> list[str]:
    """Invisible format characters (Cf: soft hyphen, zero-width space, joiners, BOM, direction marks)."""
    return [c for c in text if unicodedata.category(c) == "Cf"]


def clean_text(text: str) -> tuple[str, list[Problem]]:
    """Replace control characters by spaces, saying so. Nothing else is changed."""
    bad = control_characters(text)
    if not bad:
        return text, []
    cleaned = "".join(" " if c in bad else c for c in text)
    msg = (
        f"The text contains {len(bad)} control character{'s' if len(bad) > 1 else ''} "
        f"({_examples(bad)}); {'they are' if len(bad) > 1 else 'it is'} read as spaces."
    )
    return cleaned, [Problem("warning", msg)]


def check_text(text: str | None, *, max_chars: int, what: str = "text") -> list[Problem]:
    """Empty text and text over a page's character limit are errors; control characters a warning."""
    text = text or ""
    if not has_words(clean_text(text)[0]):
        return [Problem("error", f"The {what} is empty: type at least one word.")]
    if len(text) > max_chars:
        return [
            Problem(
                "error",
                f"The {what} has {len(text):,} characters; this view reads at most {max_chars:,}. "
                f"Shorten it by {len(text) - max_chars:,} characters (nothing was cut for you).",
            )
        ]
    return clean_text(text)[1] + _format_note(text)


def _format_note(text: str) -> list[Problem]:
    invisible = format_characters(text)
    if not invisible:
        return []
    many = len(invisible) > 1
    return [
        Problem(
            "info",
            f"The text has {len(invisible)} invisible format character{'s' if many else ''} ({_examples(invisible)}): "
            f"{'each stays' if many else 'it stays'} with the character before it, never counts as a word or a step, "
            "and the models read words without it.",
        )
    ]


def check_count(count: int, *, limit: int, unit: str, model: str, note: str = "") -> list[Problem]:
    """An error when `count` units (tokens, words, steps...) exceed what `model` reads."""
    if count <= limit:
        return []
    extra = f" {note}" if note else ""
    return [
        Problem(
            "error",
            f"The text is {count:,} {unit} long; {model} reads at most {limit:,} {unit}.{extra} "
            f"Shorten it by {count - limit:,} {unit} (nothing was cut for you).",
        )
    ]


def check_alphabet(text: str, alphabet: Iterable[str], *, model: str, unknown: str) -> list[Problem]:
    """A warning naming the characters `model` has never seen (emoji, accents...). The text is read
    step by step (`engine.text.steps`: a character with its marks, in `reading_form`)."""
    known = set(alphabet)
    readings = [reading_form(s.text) for s in steps(text)]
    missing = [r for r in readings if r and r not in known and r not in ALLOWED_CONTROLS and not control_characters(r)]
    if not missing:
        return []
    return [
        Problem(
            "warning",
            f"{len(missing)} character{'s are' if len(missing) > 1 else ' is'} outside {model}'s alphabet "
            f"({_examples(missing)}); {'they are' if len(missing) > 1 else 'it is'} read as the unknown "
            f"symbol {unknown}.",
        )
    ]


def check_non_ascii(text: str, *, model: str, consequence: str) -> list[Problem]:
    """An info note for emoji and other non-ASCII characters, for models that still read them."""
    odd = [c for c in text if ord(c) > 127]
    if not odd:
        return []
    return [Problem("info", f"The text has non-ASCII characters ({_examples(odd)}): {model} {consequence}")]


def check_model_dir(path: str | Path | None, *, allow_pickle: bool = False) -> list[Problem]:
    """Problems with a user-given model folder: missing, not a folder, no config, pickled weights only."""
    if path is None or not str(path).strip():
        return [Problem("error", "No model folder given: type the path of a local model folder.")]
    folder = Path(str(path).strip()).expanduser()
    if not folder.exists():
        return [Problem("error", f"The model folder {folder} does not exist.")]
    if not folder.is_dir():
        return [Problem("error", f"{folder} is a file, not a model folder.")]
    if not (folder / "config.json").is_file():
        return [Problem("error", f"{folder} has no config.json, so it is not a Hugging Face model folder.")]
    names = [p.name for p in folder.iterdir()]
    safe = [n for n in names if n.endswith(SAFE_SUFFIXES)]
    pickled = [n for n in names if n.endswith(PICKLE_SUFFIXES)]
    if not safe and not pickled:
        return [Problem("error", f"{folder} holds no weight file (model.safetensors or pytorch_model.bin).")]
    if not safe and not allow_pickle:
        return [
            Problem(
                "error",
                f"{folder} only has pickled weights ({', '.join(sorted(pickled))}). Pickles can run code "
                "when loaded, so they are refused unless you explicitly allow them.",
            )
        ]
    return []


def clamp_choice(value: int, *, low: int, high: int, what: str) -> tuple[int, list[Problem]]:
    """Bring a setting from a shared link back into range, saying so (e.g. layer 99 of 6)."""
    if low <= value <= high:
        return value, []
    fixed = min(max(value, low), high)
    return fixed, [Problem("warning", f"{what} {value} does not exist (valid: {low}–{high}); showing {fixed}.")]
