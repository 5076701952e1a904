"""AllenNLP's published ELMo models: fetched once into the user's cache, verified before any use.

`fetch("small")` downloads `elmo_<name>_options.json` and `elmo_<name>_weights.hdf5` with pooch (from
AllenNLP's public S3 bucket, or a mirror: `base_url=` / `$ELMO_BASE_URL`) into a fresh staging folder,
checks them (the HDF5 signature, every dataset the options call for, with its shape: the table of
`shared/reference/ELMO_FORMAT.md` §4), records their sha256, and only then moves the pair into
`cache_dir()/<name>/` in one rename. So the cache holds a verified pair or nothing, never a partial
file. Once a file's sha256 is known (`sha256.json` beside the models), a download with another one is
refused and the verified pair already there is kept.

Offline, copy the two files by hand into `cache_dir()/<name>/` under their official names; they are
verified the same way on first use.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import h5py

from engine.assets import open_hdf5, sha256
from engine.models.elmo.options import ElmoOptions
from engine.validation import ModelLoadError
from i18n import _

SIZES = {
    "small": "2x1024_128_2048cnn_1xhighway",
    "medium": "2x2048_256_2048cnn_1xhighway",
    "original": "2x4096_512_2048cnn_2xhighway",
}
APPROX_MB = {"small": 54, "medium": 112, "original": 374}  # ≈ 4 bytes x parameters (ELMO_FORMAT.md §5)
DEFAULT_BASE_URL = "https://allennlp.s3.amazonaws.com/models/elmo"
BASE_URL_ENV = "ELMO_BASE_URL"
CACHE_ENV = "ELMO_CACHE_DIR"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
READABLE_FILE, READABLE_FOLDER = 0o644, 0o755  # the server may run as another user than the one who fetched
KNOWN_HASHES = "sha256.json"
VERIFIED = "verified.json"


class FetchError(ModelLoadError):
    """A download that could not be completed or verified; the message says why and what to do."""


@dataclass(frozen=True)
class OfficialModel:
    """A verified official pair in the cache: `options`, `weights` paths and their sha256 (hex)."""

    size: str
    folder: Path
    options: Path
    weights: Path
    sha256: dict[str, str]

    @property
    def label(self) -> str:
        return f"official ELMo {self.size}"


def cache_dir() -> Path:
    """`$ELMO_CACHE_DIR`, else the user's cache folder (platformdirs) + `/elmo`."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nlp-model-explorer")) / "elmo"


def base_url(override: str | None = None) -> str:
    return (override or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def file_names(size: str) -> dict[str, str]:
    """{"options": "elmo_<name>_options.json", "weights": "elmo_<name>_weights.hdf5"} (AllenNLP's names)."""
    name = _name(size)
    return {"options": f"elmo_{name}_options.json", "weights": f"elmo_{name}_weights.hdf5"}


def urls(size: str, base: str | None = None) -> dict[str, str]:
    folder = f"{base_url(base)}/{_name(size)}"
    return {kind: f"{folder}/{file}" for kind, file in file_names(size).items()}


def _name(size: str) -> str:
    if size not in SIZES:
        raise FetchError(
            _("Unknown ELMo size {size!r}: choose one of {value}.").format(size=size, value=", ".join(SIZES))
        )
    return SIZES[size]


# ---------------------------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------------------------
def expected_shapes(options: ElmoOptions) -> dict[str, tuple[int, ...]]:
    """Every dataset of an official weights.hdf5 for these options, with its shape (ELMO_FORMAT.md §4)."""
    p, c, d, f = options.projection_dim, options.dim, options.char_embedding_dim, options.n_filters
    shapes: dict[str, tuple[int, ...]] = {"char_embed": (options.n_characters - 1, d)}
    for k, (width, number) in enumerate(options.filters):
        shapes[f"CNN/W_cnn_{k}"] = (1, width, d, number)
        shapes[f"CNN/b_cnn_{k}"] = (number,)
    for k in range(options.n_highway):
        for part in ("carry", "transform"):
            shapes[f"CNN_high_{k}/W_{part}"] = (f, f)
            shapes[f"CNN_high_{k}/b_{part}"] = (f,)
    shapes["CNN_proj/W_proj"], shapes["CNN_proj/b_proj"] = (f, p), (p,)
    for direction in (0, 1):
        for layer in range(options.n_layers):
            prefix = f"RNN_{direction}/RNN/MultiRNNCell/Cell{layer}/LSTMCell"
            shapes[f"{prefix}/W_0"], shapes[f"{prefix}/B"], shapes[f"{prefix}/W_P_0"] = (2 * p, 4 * c), (4 * c,), (c, p)
    return shapes


def verify_pair(options_path: Path, weights_path: Path) -> ElmoOptions:
    """Check that the two files are an ELMo options.json and a complete weights.hdf5 that fits it.

    Raises `FetchError` naming the first problem: not JSON (e.g. an HTML error page), not HDF5,
    truncated, a missing dataset, a dataset of the wrong shape.
    """
    head = options_path.read_bytes()[:256].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml")):
        raise FetchError(
            _("{name} is a web page (HTML or XML), not an ELMo options file.").format(name=options_path.name)
        )
    try:
        options = ElmoOptions.from_dict(json.loads(options_path.read_text(encoding="utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(_("{name} is not a JSON options file: {exc}").format(name=options_path.name, exc=exc)) from exc
    except ModelLoadError as exc:
        raise FetchError(_("{name}: {exc}").format(name=options_path.name, exc=exc)) from exc
    with weights_path.open("rb") as f:
        signature = f.read(len(HDF5_SIGNATURE))
    if signature != HDF5_SIGNATURE:
        kind = "a web page (HTML)" if signature.lstrip().lower().startswith(b"<") else "not an HDF5 file"
        raise FetchError(_("{name} is {kind}: the server did not send the weight file.").format(
            name=weights_path.name, kind=kind))  # fmt: skip
    try:
        with open_hdf5(weights_path) as h5:
            for name, shape in expected_shapes(options).items():
                if name not in h5 or not isinstance(h5[name], h5py.Dataset):
                    raise FetchError(_("{name} has no dataset {name2!r}: it does not fit its options file.").format(
                        name=weights_path.name, name2=name))  # fmt: skip
                if h5[name].shape != shape:
                    raise FetchError(_("{name}: {name2} has shape {shape}, the options call for {shape2}.").format(
                        name=weights_path.name, name2=name, shape=h5[name].shape, shape2=shape))  # fmt: skip
                h5[name][(0,) * len(shape)]  # reads a chunk: a cut-off file fails here
                h5[name][tuple(n - 1 for n in shape)]
    except OSError as exc:
        raise FetchError(_("{name} is not a complete HDF5 file (truncated?): {exc}").format(
            name=weights_path.name, exc=exc)) from exc  # fmt: skip
    return options


def _known_hashes(root: Path) -> dict[str, str]:
    path = root / KNOWN_HASHES
    try:
        return json.loads(path.read_text()) if path.is_file() else {}
    except (OSError, json.JSONDecodeError):
        return {}


def _check_and_record_hashes(root: Path, digests: dict[str, str]) -> None:
    """Refuse a file whose sha256 differs from the one recorded at its first verified fetch; record new ones."""
    known = _known_hashes(root)
    for file, digest in digests.items():
        if file in known and known[file] != digest:
            raise FetchError(
                _(
                    "{file} has changed: its sha256 is now {value}…, but it was {value2}… when it was first "
                    "fetched. Refused (the server or a mirror serves a different file). If the change is "
                    "intended, delete {value3}."
                ).format(file=file, value=digest[:16], value2=known[file][:16], value3=root / KNOWN_HASHES)
            )
    _write_json(root / KNOWN_HASHES, known | digests)


def _write_json(path: Path, data: dict) -> None:
    """Written under a name no other process uses, then renamed: readers see the old or the new file."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    temporary.chmod(READABLE_FILE)
    os.replace(temporary, path)


# ---------------------------------------------------------------------------------------------
# the cache
# ---------------------------------------------------------------------------------------------
def folder(size: str, root: Path | None = None) -> Path:
    return (root or cache_dir()) / size


def available(root: Path | None = None) -> list[str]:
    """The sizes whose two files are in the cache (fetched, or copied there by hand), in SIZES order."""
    root = root or cache_dir()
    return [size for size in SIZES if all((root / size / f).is_file() for f in file_names(size).values())]


def load_verified(size: str, root: Path | None = None) -> OfficialModel:
    """The cached pair of `size`, verified (hand-copied files are checked and their sha256 recorded the
    first time; a fetched pair is re-hashed only if a file's size or time changed). Raises `FetchError`."""
    root = root or cache_dir()
    where = folder(size, root)
    paths = {kind: where / name for kind, name in file_names(size).items()}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise FetchError(
            _(
                "The official ELMo {size} is not in the cache: {value} missing in {where}. Fetch it "
                "(`python -m engine elmo-fetch {size}`) or copy the files there by hand."
            ).format(size=size, value=", ".join(missing), where=where)
        )
    stamp = {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in paths.values()}
    record_path = where / VERIFIED
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    if record.get("stamp") != stamp:
        verify_pair(paths["options"], paths["weights"])
        digests = {p.name: sha256(p) for p in paths.values()}
        _check_and_record_hashes(root, digests)
        record = {"stamp": stamp, "sha256": digests}
        _write_json(record_path, record)
    return OfficialModel(size, where, paths["options"], paths["weights"], record["sha256"])


def fetch(
    size: str,
    base: str | None = None,
    root: Path | None = None,
    progress: Callable[[str], object] | bool = False,
    timeout: float = 30.0,
    retries: int = 3,
) -> OfficialModel:
    """Download, verify and install the official pair of `size`; returns it. Raises `FetchError`.

    `progress`: True for a tqdm bar per file (command line), or a function file name -> a tqdm-like
    object (`total`, `update`, `reset`, `close`) for the page. Each file is tried `retries` times when
    the connection fails or drops mid-file (a fresh download each time). `timeout`: seconds without data.
    """
    root = root or cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    with _one_fetch_at_a_time(root, size) as waited:
        if waited and size in available(root):
            return load_verified(size, root)  # fetched by the other process while this one waited
        return _fetch(size, base, root, progress, timeout, retries)


@contextlib.contextmanager
def _one_fetch_at_a_time(root: Path, size: str) -> Iterator[bool]:
    """Hold an exclusive lock on `root/fetch-<size>.lock` (fcntl.flock: every process, every thread) for a
    whole fetch; yields whether another fetch of `size` held it first. Two fetches started together once
    removed each other's staging files (pooch has no cross-process lock, fatiando/pooch #411). Where the
    storage has no locks, the fetches still use names of their own and rename whole folders into place."""
    with (root / f"fetch-{size}.lock").open("a") as lock:
        waited = False
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = True
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        except OSError:  # no locks on this storage (ENOLCK): unique names below keep each fetch whole
            pass
        yield waited


def _fetch(size: str, base: str | None, root: Path, progress, timeout: float, retries: int) -> OfficialModel:
    import pooch

    pooch.get_logger().setLevel("WARNING")
    staging = Path(tempfile.mkdtemp(prefix=f".fetching-{size}-", dir=root))
    try:
        paths = {}
        for kind, url in urls(size, base).items():
            name = file_names(size)[kind]
            bar = progress(name) if callable(progress) else bool(progress)
            downloader = pooch.HTTPDownloader(progressbar=bar, timeout=timeout, chunk_size=1 << 16)
            paths[kind] = _download(pooch, url, staging / name, downloader, retries, folder(size, root))
            if isinstance(bar, DownloadProgress):
                bar.complete(paths[kind].stat().st_size)
        verify_pair(paths["options"], paths["weights"])
        digests = {p.name: sha256(p) for p in paths.values()}
        _check_and_record_hashes(root, digests)
        stamp = {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in paths.values()}
        _write_json(staging / VERIFIED, {"stamp": stamp, "sha256": digests})
        _install(staging, folder(size, root))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return load_verified(size, root)


def _download(pooch, url: str, target: Path, downloader, retries: int, by_hand: Path) -> Path:
    import requests

    last: Exception | None = None
    for _ignored in range(max(1, retries)):
        try:
            return Path(
                pooch.retrieve(url, known_hash=None, fname=target.name, path=target.parent, downloader=downloader)
            )
        except requests.HTTPError as exc:
            raise FetchError(
                _("The server refused {url}: {exc}. Check the address (or the mirror's).").format(url=url, exc=exc)
            ) from exc
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            last = exc  # unreachable, too slow, or cut off mid-file: try again from the start
            target.unlink(missing_ok=True)
    raise FetchError(
        _(
            "Could not download {url} after {retries} tries ({name__}): the server is unreachable, too "
            "slow or cut the connection. Fetching needs the network. Offline, copy the official files "
            "by hand into {by_hand} (under their official names, e.g. {name}); they are verified on "
            "first use."
        ).format(url=url, retries=retries, name__=type(last).__name__, by_hand=by_hand, name=target.name)
    ) from last


def _install(staging: Path, target: Path) -> None:
    """Replace `target` by the verified `staging` folder's files with renames only (same filesystem)."""
    unique = uuid.uuid4().hex  # never a name another fetch uses at the same time
    fresh = target.with_name(f".new-{target.name}-{unique}")
    fresh.mkdir(mode=READABLE_FOLDER)
    fresh.chmod(READABLE_FOLDER)  # whatever the umask: every user of the server reads the models
    for path in staging.iterdir():
        if path.is_file():
            path.chmod(READABLE_FILE)  # pooch's temporary files are private (0600)
            os.replace(path, fresh / path.name)
    old = target.with_name(f".old-{target.name}-{unique}")
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# progress, honest when the server does not say how big a file is
# ---------------------------------------------------------------------------------------------
class DownloadProgress:
    """A tqdm-like object for pooch (`total`, `update`, `reset`, `close`) that says only what it knows.

    pooch sets `total` from Content-Length, 0 when a mirror sends chunked data without one, and at the
    end calls `reset()` then `update(total)`: with no length that drew "0.0 of 0.0 MB" for the whole
    download and zeroed the count at the end. Here an unknown total shows the megabytes received (and
    the official size, marked "about", when the file is a known one); setting `total` starts an attempt
    (a retry starts again from 0). `shown()` -> (share in [0, 1], text); `draw` is called with it."""

    def __init__(self, name: str, draw: Callable[[float, str], object] = lambda share, text: None) -> None:
        self.name, self.draw = name, draw
        self._total, self.done, self.finished = 0, 0, False
        self.expected = next((APPROX_MB[s] * 10**6 for s in SIZES if file_names(s)["weights"] == name), None)
        self.draw(0.0, f"{name}: connecting…")

    @property
    def total(self) -> int:
        return self._total

    @total.setter
    def total(self, value: int) -> None:  # pooch sets it as each download attempt starts
        self._total, self.done, self.finished = int(value or 0), 0, False
        self.draw(*self.shown())

    def update(self, n: int) -> None:
        self.done += n
        self.draw(*self.shown())

    def reset(self) -> None:
        if self._total:  # pooch refills a known total next; an unknown one keeps the real count
            self.done = 0

    def close(self) -> None:
        self.finished = True
        self.draw(*self.shown())

    def complete(self, size: int) -> None:
        """The file is in place and holds `size` bytes (pooch counts in whole chunks): draw that."""
        self.done, self.finished = size, True
        self.draw(*self.shown())

    def shown(self) -> tuple[float, str]:
        mb = self.done / 1e6
        if self._total:  # pooch counts whole chunks: the last one may pass the total
            done = min(self.done, self._total)
            return done / self._total, _("{name}: {done:.1f} of {total:.1f} MB").format(
                name=self.name, done=done / 1e6, total=self._total / 1e6
            )
        if self.finished:
            return 1.0, _("{name}: {mb:.1f} MB received, complete").format(name=self.name, mb=mb)
        if self.expected:
            share = min(self.done / self.expected, 0.99)  # never "done" before it is
            return share, _("{name}: {mb:.1f} MB received of about {expected:.0f} MB (size not sent)").format(
                name=self.name, mb=mb, expected=self.expected / 1e6
            )
        return 0.0, _("{name}: {mb:.1f} MB received (the server did not send the size)").format(name=self.name, mb=mb)
