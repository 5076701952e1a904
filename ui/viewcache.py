"""Results of the default views, presets and lesson links, kept on disk so a fresh server draws them at once.

A restarted server would otherwise recompute them (ELMo, MiniLM, UMAP: seconds each) before its first
chart. The warm-up (ui/warmup.py) computes each known view once and stores it here; the cached calls
(ui/cached.py) read it before computing. Any other input is computed as usual and never written, so
the folder holds a fixed, small set of files (a few MB).

Keys are a digest of the call's name and arguments, the shipped models' checksums
(assets/SHA256SUMS and MiniLM's sha256) and the engine's source code: new weights or a changed
engine never read an old result. Files are `.npz` (arrays, `allow_pickle=False`) with a JSON tree
for everything else; only engine dataclasses are rebuilt from them, never arbitrary objects, so
nothing here can run code when loaded (no pickle).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import os
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from engine import ASSETS, PROJECT_ROOT

T = TypeVar("T")
FOLDER = Path(os.environ.get("EXPLORER_VIEW_CACHE", PROJECT_ROOT / ".cache" / "views"))
_ALLOWED_MODULES = ("engine.",)  # only these dataclasses are rebuilt from a file
_WRITE = threading.Lock()


@cache
def fingerprint() -> str:
    """Digest of the shipped weights' checksums and of the engine's code: a change invalidates every file."""
    from engine.models.transformer_facts import DEFAULT_SHA256  # no torch: a stored view needs none

    digest = hashlib.sha256(DEFAULT_SHA256.encode())
    sums = ASSETS / "SHA256SUMS"
    digest.update(sums.read_bytes() if sums.is_file() else b"")
    for path in sorted((PROJECT_ROOT / "engine").rglob("*.py")):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def key(name: str, args: tuple) -> str:
    text = json.dumps([name, _encode(args, {})], sort_keys=True)
    return hashlib.sha256((fingerprint() + text).encode()).hexdigest()[:32]


def through(name: str, args: tuple, compute: Callable[[], T], *, store: bool = False) -> T:
    """The stored result of `name(*args)` if there is one, else `compute()` (written when `store`)."""
    found = stored(name, args)  # a damaged file (or one from another version) is deleted and computed again
    if found is not None:
        return found
    result = compute()
    if store:
        save(path_of(name, args), result)
    return result


def stored(name: str, args: tuple) -> Any | None:
    """The stored result of `name(*args)`, or None when there is none (or it is damaged: then deleted)."""
    path = path_of(name, args)
    if not path.is_file():
        return None
    try:
        return load(path)
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return None


def path_of(name: str, args: tuple) -> Path:
    return FOLDER / f"{name}-{key(name, args)}.npz"


def has(name: str, args: tuple) -> bool:
    return path_of(name, args).is_file()


def prune(keep: set[Path]) -> int:
    """Delete stored results not in `keep` (older models or engine code): the folder stays one set of views."""
    removed = 0
    for path in FOLDER.glob("*.npz"):
        if path not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def save(path: Path, value: Any) -> None:
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(value, arrays)
    buffer = io.BytesIO()
    np.savez(buffer, __tree__=np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8), **arrays)
    with _WRITE:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(buffer.getvalue())
        partial.replace(path)  # readers never see half a file


def load(path: Path) -> Any:
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    tree = json.loads(arrays.pop("__tree__").tobytes().decode())
    return _decode(tree, arrays)


def _encode(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(value, np.ndarray):
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"__array__": name}
    if isinstance(value, np.generic):
        return value.item()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = {f.name: _encode(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}
        return {"__dataclass__": f"{cls.__module__}:{cls.__qualname__}", "fields": fields}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, frozenset):  # e.g. the heads switched off in a layer
        return {"__frozenset__": [_encode(v, arrays) for v in sorted(value)]}
    if isinstance(value, dict) and value and all(type(k) is int for k in value):  # e.g. layer -> heads
        return {"__intdict__": [[k, _encode(v, arrays)] for k, v in value.items()]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("only dicts with string or int keys are stored")
        return {"__dict__": {k: _encode(v, arrays) for k, v in value.items()}}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def _decode(tree: Any, arrays: dict[str, np.ndarray]) -> Any:
    if isinstance(tree, list):
        return [_decode(v, arrays) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "__array__" in tree:
        return arrays[tree["__array__"]]
    if "__tuple__" in tree:
        return tuple(_decode(v, arrays) for v in tree["__tuple__"])
    if "__dict__" in tree:
        return {k: _decode(v, arrays) for k, v in tree["__dict__"].items()}
    if "__frozenset__" in tree:
        return frozenset(_decode(v, arrays) for v in tree["__frozenset__"])
    if "__intdict__" in tree:
        return {int(k): _decode(v, arrays) for k, v in tree["__intdict__"]}
    module, _, qualname = tree["__dataclass__"].partition(":")
    if not module.startswith(_ALLOWED_MODULES):
        raise TypeError(f"{module}:{qualname} is not an engine dataclass")
    cls = getattr(importlib.import_module(module), qualname)
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{module}:{qualname} is not a dataclass")
    instance = object.__new__(cls)
    for name, value in tree["fields"].items():
        object.__setattr__(instance, name, _decode(value, arrays))
    return instance
