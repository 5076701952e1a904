"""Checksums of the weights shipped in assets/: written when a model is exported, verified on load."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from engine import ASSETS
from engine.validation import ModelLoadError
from i18n import _

CHECKSUMS = ASSETS / "SHA256SUMS"


def sha256(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _table(checksums: Path) -> dict[str, str]:
    if not checksums.is_file():
        return {}
    rows = (line.split(maxsplit=1) for line in checksums.read_text().splitlines() if line.strip())
    return {name.strip().lstrip("*"): digest for digest, name in rows}


def verify(path: Path, checksums: Path = CHECKSUMS) -> None:
    """Refuse a shipped file whose sha256 is not the one recorded when it was exported."""
    name = path.resolve().relative_to(checksums.parent.resolve()).as_posix()
    if not path.is_file():
        raise ModelLoadError(
            _("The shipped file {path} is missing: restore it with `git checkout -- assets/{name}`.").format(
                path=path, name=name
            )
        )
    expected = _table(checksums).get(name)
    if expected is None:
        raise ModelLoadError(
            _("{path} has no recorded checksum in {name}: re-export it with engine.training.train.").format(
                path=path, name=checksums.name
            )
        )
    actual = sha256(path)
    if actual != expected:
        raise ModelLoadError(
            _(
                "{path} has sha256 {value}…, not the recorded {value2}…: the file is damaged or was "
                "replaced. Restore it with `git checkout -- assets/{name}` or retrain with `make train`."
            ).format(path=path, value=actual[:16], value2=expected[:16], name=name)
        )


def is_packaged(directory: Path, checksums: Path = CHECKSUMS) -> bool:
    """Whether `directory` is inside assets/ (only shipped files get recorded checksums)."""
    return directory.resolve().is_relative_to(checksums.parent.resolve())


def record(paths: Iterable[Path], checksums: Path = CHECKSUMS) -> None:
    """Add or update the entries for `paths` (in `sha256sum` format, so `sha256sum -c` checks them too)."""
    table = _table(checksums)
    for path in paths:
        table[path.resolve().relative_to(checksums.parent.resolve()).as_posix()] = sha256(path)
    checksums.write_text("".join(f"{digest}  {name}\n" for name, digest in sorted(table.items())))


def open_hdf5(path: Path):
    """`path` opened read-only with h5py, without HDF5's file locking: the one place the app reads HDF5.

    HDF5 locks every file it opens, read-only ones included (h5py/h5py #1101, #1722); on storage without
    locks (a school's NFS home, a shared read-only models volume) that open fails ("unable to lock file,
    errno = 37"), and a file another process holds locked could not be read either. Nothing here writes
    the weights a reader has open (a new fetch is installed by renames), so reading needs no lock.
    Returns an `h5py.File` (use it as a context manager); raises OSError when the file is not HDF5."""
    import h5py

    return h5py.File(path, "r", locking=False)
