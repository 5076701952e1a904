"""Who may load what: the one rule for model folders, pickled weights and hub names.

Two modes, chosen by the operator through the environment, never by a visitor:

- **Own machine** (the default, `make run`): the person at the keyboard runs the server, so any
  local folder works, pickled weights load when the user ticks the box, and a hub name works when
  the operator started the app with `HF_HUB_OFFLINE=0`.
- **Shared mode** (`EXPLORER_SHARED_MODE=1`, set by every recipe in `deploy/`): visitors are not
  trusted. A model folder is a name *inside* the operator's models root (`EXPLORER_MODELS_ROOT`);
  absolute paths, `~`, `..`, empty or odd components, and symlinks that lead out of the root are
  refused, all with the same message, which says nothing about the server's files (not even
  whether a path exists). Pickled weights and hub names are refused. Without a models root, no
  folder can be chosen at all.

Pages ask `current()` what to offer and call `check_folder` / `model_folder`; the engine's loaders
call `model_folder`, `refuse_pickles` and `refuse_hub` again, so a crafted request cannot skip the
page. Messages shown to users go through `public_message`, which hides the root's location.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from engine.validation import (
    PICKLE_SUFFIXES,
    SAFE_SUFFIXES,
    InputError,
    ModelLoadError,
    Problem,
    Text,
    check_model_dir,
    msg,
)
from i18n import N_, _

SHARED_ENV = "EXPLORER_SHARED_MODE"
ROOT_ENV = "EXPLORER_MODELS_ROOT"
_OFF = frozenset({"", "0", "false", "no", "off"})  # anything else, even a typo, turns shared mode on
MAX_NAME = 255
MAX_LISTED = 20

# English; shown through i18n._ where raised (issue 29)
NO_FOLDERS = N_("This server offers no model folders: use the built-in model.")
PICKLES_REFUSED = N_("This server is shared, so it never loads pickled weights (they can run code when loaded).")
HUB_REFUSED = N_("This server is shared, so it does not fetch models from a hub: use one of the models it offers.")


@dataclass(frozen=True)
class Policy:
    """What this server lets its visitors load. `models_root` is resolved (no symlinks), or None."""

    shared: bool = False
    models_root: Path | None = None

    @property
    def allows_pickles(self) -> bool:
        return not self.shared

    @property
    def allows_hub(self) -> bool:
        return not self.shared

    @property
    def allows_downloads(self) -> bool:
        """False in shared mode: a visitor never makes the server fetch files (e.g. official ELMo weights);
        the operator puts them into the models root instead."""
        return not self.shared

    @property
    def allows_folders(self) -> bool:
        """False only in shared mode without a usable models root: the pages then hide folder choices."""
        return not self.shared or self.models_root is not None


def current() -> Policy:
    """The policy from the environment, read on every call (the operator's setting, never the visitor's).

    `EXPLORER_SHARED_MODE`: unset, "", "0", "false", "no" or "off" mean own machine; anything else
    means shared. `EXPLORER_MODELS_ROOT`: a folder; ignored (no folders offered) if it is not one.
    """
    shared = os.environ.get(SHARED_ENV, "").strip().lower() not in _OFF
    root_text = os.environ.get(ROOT_ENV, "").strip()
    root = None
    if shared and root_text:
        candidate = Path(root_text).expanduser()
        root = candidate.resolve() if candidate.is_dir() else None
    return Policy(shared=shared, models_root=root)


def offered_folders(policy: Policy | None = None) -> list[str]:
    """The folder names a shared server offers: the visible subfolders of the models root (sorted).

    The root is the operator's public catalogue, so its names may be shown; a subfolder that is a
    symlink out of the root is not offered. Empty on one's own machine (any path works there).
    """
    policy = policy or current()
    root = policy.models_root
    if not policy.shared or root is None:
        return []
    names = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        if entry.resolve().is_relative_to(root):
            names.append(entry.name)
    return names


def refused_message(policy: Policy | None = None) -> str:
    """The one message for every folder a shared server refuses: it names the offer, never the path."""
    policy = policy or current()
    names = offered_folders(policy)
    if not names:
        return _(NO_FOLDERS)
    shown = ", ".join(names[:MAX_LISTED])
    if len(names) > MAX_LISTED:
        shown = _("{names} and {more} more").format(names=shown, more=len(names) - MAX_LISTED)
    return _("This server loads only the model folders it offers. Type one of their names: {names}.").format(
        names=shown
    )


def model_folder(text: str | os.PathLike | None, policy: Policy | None = None) -> Path:
    """The folder a user's `text` names, under the rules of `policy` (default: `current()`).

    Own machine: the path as typed (`~` expanded), checked later by `check_model_dir`.
    Shared: `text` must be a relative name of plain components under the models root, and the
    folder it resolves to (symlinks followed), and every entry in it, must lie inside the root.
    Returns the resolved folder. Raises `InputError` with `refused_message()` otherwise: the same
    message for a path that exists outside the root, one that does not exist, and one that escapes.
    """
    policy = policy or current()
    raw = "" if text is None else str(text).strip()
    if not policy.shared:
        return Path(raw).expanduser()
    root = policy.models_root
    if not raw.startswith("/"):
        raw = raw.rstrip("/")  # "bert/" names the folder "bert"
    if root is None or not _plain_relative(raw):
        raise InputError(refused_message(policy))
    try:
        folder = (root / raw).resolve(strict=True)
        inside = folder.is_relative_to(root) and folder.is_dir() and folder != root
        inside = inside and all(entry.resolve().is_relative_to(root) for entry in folder.iterdir())
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, unreadable: all look alike
        inside = False
    if not inside:
        raise InputError(refused_message(policy))
    return folder


def _plain_relative(name: str) -> bool:
    """A relative path of ordinary components: no `/...`, `~`, `..`, `.`, empty parts, `\\` or control characters."""
    if not name or len(name) > MAX_NAME or name.startswith(("/", "~")) or "\\" in name:
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def check_folder(text: str | None, *, allow_pickle: bool = False, policy: Policy | None = None) -> list[Problem]:
    """`check_model_dir` under the policy: in shared mode the folder must pass `model_folder` first,
    pickles are never allowed, and messages name the folder as the user typed it, never the root."""
    policy = policy or current()
    if not policy.shared:
        return check_model_dir(text, allow_pickle=allow_pickle)
    try:
        folder = model_folder(text, policy)
    except InputError as exc:
        return [Problem("error", str(exc))]
    names = [entry.name for entry in folder.iterdir()]
    if any(n.endswith(PICKLE_SUFFIXES) for n in names) and not any(n.endswith(SAFE_SUFFIXES) for n in names):
        return [Problem("error", msg("That folder only has pickled weights. {why}", why=Text(PICKLES_REFUSED)))]
    problems = check_model_dir(folder, allow_pickle=False)
    return [Problem(p.level, public_message(p.message, policy)) for p in problems]


def refuse_pickles(allow_pickle: bool, policy: Policy | None = None) -> None:
    """Raises `ModelLoadError` when pickles are asked for on a shared server."""
    if allow_pickle and not (policy or current()).allows_pickles:
        raise ModelLoadError(_(PICKLES_REFUSED))


def refuse_hub(policy: Policy | None = None) -> None:
    """Raises `ModelLoadError` on a shared server: nothing is fetched from a hub for a visitor."""
    if not (policy or current()).allows_hub:
        raise ModelLoadError(_(HUB_REFUSED))


def public_message(message: str, policy: Policy | None = None) -> str:
    """`message` with the models root's location removed (shared mode); unchanged on one's own machine."""
    policy = policy or current()
    if not policy.shared or policy.models_root is None:
        return message
    root = str(policy.models_root)
    return message.replace(root + os.sep, "").replace(root, "the models library")
