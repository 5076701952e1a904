"""One place that checks what users type, for every page and every model.

Each check returns a list of `Problem`s instead of raising, so a page can show all of them at
once, keep the user's text in its box and decide whether the model can still run (it can when
there are only warnings). Engine functions that cannot go on raise `InputError`, whose message is
written for the user as it stands.

Messages are written in English and shown in the interface's language (issue 29): a `Problem` keeps its
English template and arguments (`Text`) and is translated when its `message` is read, so a Problem that a
cached call returned reads in the language of whoever is looking, never in the one it was computed in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from engine.text import char_role, has_words, reading_form, steps
from i18n import N_, _, ngettext

Level = Literal["error", "warning", "info"]

ALLOWED_CONTROLS = frozenset("\n\t\r")
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")
SAFE_SUFFIXES = (".safetensors", ".hdf5", ".h5")
# the names pages pass as `what`, `unit` and `model` (English; translated where the message is shown)
NAMES = (
    N_("text"),
    N_("sentence"),
    N_("sentence A"),
    N_("sentence B"),
    N_("sentence with a blank"),
    N_("list of sentences"),
    N_("words"),
    N_("tokens"),
    N_("characters"),
    N_("steps"),
    N_("the char-LSTM"),
    N_("this view of ELMo"),
)


class InputError(ValueError):
    """Input a model cannot take. The message names the problem and the limit, for the user."""


class ModelLoadError(RuntimeError):
    """A model that cannot be loaded: missing folder, broken or unsafe weight file, checksum mismatch."""


@dataclass(frozen=True)
class Text:
    """A message in English, translated when it is read (`str`, `format`): `template` with named {placeholders}
    filled from `args`; with `plural`, `ngettext` picks the form by `count` (also passed as {count}).
    An argument that is a `Text` is translated too, a tuple is shown as its items joined by ", "; `terms` names
    the arguments that are English names a page passed (a model, a unit: "words"), looked up as they are."""

    template: str
    args: tuple[tuple[str, Any], ...] = ()
    plural: str = ""
    count: int = 0
    terms: tuple[str, ...] = ()

    def __str__(self) -> str:
        chosen = ngettext(self.template, self.plural, self.count) if self.plural else _(self.template)
        if not self.args and not self.plural:
            return chosen  # a finished message: its braces (quoted user text) are not placeholders
        values = {name: _shown(value, name in self.terms) for name, value in self.args}
        return chosen.format(**({"count": self.count} if self.plural else {}), **values)


def _shown(value: Any, term: bool) -> Any:
    if isinstance(value, tuple):
        return _(", ").join(str(v) for v in value)
    return _(value) if term else value


def msg(template: str, /, *, terms: tuple[str, ...] = (), **args: Any) -> Text:
    """`Text` of an English `template` (a literal, so `make i18n` extracts it) and its named arguments."""
    return Text(template, tuple(args.items()), terms=terms)


def msg_plural(singular: str, many: str, count: int, /, *, terms: tuple[str, ...] = (), **args: Any) -> Text:
    """`Text` whose form follows `count` (`ngettext`): `singular` for 1 in English, `many` otherwise."""
    return Text(singular, tuple(args.items()), plural=many, count=int(count), terms=terms)


@dataclass(frozen=True)
class Problem:
    """One finding about the user's input. `error` stops the model run; the others are shown beside it.

    `text`: the English message (a plain string, or a `Text` template with its arguments); `message` is it in
    this run's interface language."""

    level: Level
    text: str | Text

    @property
    def message(self) -> str:
        """The message in the interface language of the run that reads it (`i18n`)."""
        return str(self.text) if isinstance(self.text, Text) else _(self.text)


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.level == "error" for p in problems)


def describe_char(ch: str) -> str:
    """`'é' (U+00E9)`: readable even for invisible characters (several characters: each one's code)."""
    if len(ch) != 1:
        return f"{ch!r} ({' '.join(f'U+{ord(c):04X}' for c in ch)})"
    name = unicodedata.name(ch, "")
    shown = repr(ch) if unicodedata.category(ch)[0] in "CZ" else f"'{ch}'"
    return f"{shown} (U+{ord(ch):04X}{' ' + name if name else ''})"


def _examples(chars: Iterable[str], limit: int = 3) -> str | Text:
    unique = list(dict.fromkeys(chars))
    shown = ", ".join(describe_char(c) for c in unique[:limit])
    if len(unique) <= limit:
        return shown
    return msg("{examples} and {more} more", examples=shown, more=len(unique) - limit)


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
    message = msg_plural(
        "The text contains {count} control character ({examples}); it is read as spaces.",
        "The text contains {count} control characters ({examples}); they are read as spaces.",
        len(bad),
        examples=_examples(bad),
    )
    return cleaned, [Problem("warning", message)]


def check_text(text: str | None, *, max_chars: int, what: str = "text") -> list[Problem]:
    """Empty text and text over a page's character limit are errors; control characters a warning."""
    typed = text or ""
    if not has_words(clean_text(typed)[0]):
        return [Problem("error", msg("The {what} is empty: type at least one word.", terms=("what",), what=what))]
    if len(typed) > max_chars:
        message = msg(
            "The {what} has {length:,} characters; this view reads at most {limit:,}. "
            "Shorten it by {over:,} characters (nothing was cut for you).",
            terms=("what",),
            what=what,
            length=len(typed),
            limit=max_chars,
            over=len(typed) - max_chars,
        )
        return [Problem("error", message)]
    return clean_text(typed)[1] + _format_note(typed)


def _format_note(text: str) -> list[Problem]:
    invisible = format_characters(text)
    if not invisible:
        return []
    message = msg_plural(
        "The text has {count} invisible format character ({examples}): it stays with the character before it, "
        "never counts as a word or a step, and the models read words without it.",
        "The text has {count} invisible format characters ({examples}): each stays with the character before it, "
        "never counts as a word or a step, and the models read words without it.",
        len(invisible),
        examples=_examples(invisible),
    )
    return [Problem("info", message)]


def check_count(count: int, *, limit: int, unit: str, model: str, note: str = "") -> list[Problem]:
    """An error when `count` units (tokens, words, steps...) exceed what `model` reads."""
    if count <= limit:
        return []
    names = {"unit": unit, "model": model, "limit": limit, "over": count - limit, "terms": ("unit", "model")}
    if note:
        message = msg(
            "The text is {length:,} {unit} long; {model} reads at most {limit:,} {unit}. {note} "
            "Shorten it by {over:,} {unit} (nothing was cut for you).",
            length=count,
            note=Text(note),
            **names,
        )
    else:
        message = msg(
            "The text is {length:,} {unit} long; {model} reads at most {limit:,} {unit}. "
            "Shorten it by {over:,} {unit} (nothing was cut for you).",
            length=count,
            **names,
        )
    return [Problem("error", message)]


def check_alphabet(text: str, alphabet: Iterable[str], *, model: str, unknown: str) -> list[Problem]:
    """A warning naming the characters `model` has never seen (emoji, accents...). The text is read
    step by step (`engine.text.steps`: a character with its marks, in `reading_form`)."""
    known = set(alphabet)
    readings = [reading_form(s.text) for s in steps(text)]
    missing = [r for r in readings if r and r not in known and r not in ALLOWED_CONTROLS and not control_characters(r)]
    if not missing:
        return []
    message = msg_plural(
        "{count} character is outside {model}'s alphabet ({examples}); it is read as the unknown symbol {unknown}.",
        "{count} characters are outside {model}'s alphabet ({examples}); they are read as the unknown symbol "
        "{unknown}.",
        len(missing),
        terms=("model",),
        model=model,
        examples=_examples(missing),
        unknown=unknown,
    )
    return [Problem("warning", message)]


def check_non_ascii(text: str, *, model: str, consequence: str) -> list[Problem]:
    """An info note for emoji and other non-ASCII characters, for models that still read them."""
    odd = [c for c in text if ord(c) > 127]
    if not odd:
        return []
    message = msg(
        "The text has non-ASCII characters ({examples}): {model} {consequence}",
        terms=("model", "consequence"),
        examples=_examples(odd),
        model=model,
        consequence=consequence,
    )
    return [Problem("info", message)]


def check_model_dir(path: str | Path | None, *, allow_pickle: bool = False) -> list[Problem]:
    """Problems with a user-given model folder: missing, not a folder, no config, pickled weights only."""
    if path is None or not str(path).strip():
        return [Problem("error", msg("No model folder given: type the path of a local model folder."))]
    folder = Path(str(path).strip()).expanduser()
    if not folder.exists():
        return [Problem("error", msg("The model folder {folder} does not exist.", folder=str(folder)))]
    if not folder.is_dir():
        return [Problem("error", msg("{folder} is a file, not a model folder.", folder=str(folder)))]
    if not (folder / "config.json").is_file():
        message = msg("{folder} has no config.json, so it is not a Hugging Face model folder.", folder=str(folder))
        return [Problem("error", message)]
    names = [p.name for p in folder.iterdir()]
    safe = [n for n in names if n.endswith(SAFE_SUFFIXES)]
    pickled = [n for n in names if n.endswith(PICKLE_SUFFIXES)]
    if not safe and not pickled:
        message = msg("{folder} holds no weight file (model.safetensors or pytorch_model.bin).", folder=str(folder))
        return [Problem("error", message)]
    if not safe and not allow_pickle:
        message = msg(
            "{folder} only has pickled weights ({names}). Pickles can run code "
            "when loaded, so they are refused unless you explicitly allow them.",
            folder=str(folder),
            names=", ".join(sorted(pickled)),
        )
        return [Problem("error", message)]
    return []


def clamp_choice(value: int, *, low: int, high: int, what: str) -> tuple[int, list[Problem]]:
    """Bring a setting from a shared link back into range, saying so (e.g. layer 99 of 6)."""
    if low <= value <= high:
        return value, []
    fixed = min(max(value, low), high)
    message = msg(
        "{what} {value} does not exist (valid: {low}–{high}); showing {fixed}.",
        terms=("what",),
        what=what,
        value=value,
        low=low,
        high=high,
        fixed=fixed,
    )
    return fixed, [Problem("warning", message)]
