"""2-D maps of word vectors: UMAP (cosine, fixed seed) when there are enough points, PCA below that.

UMAP's neighbourhood graph is unstable on a handful of points (and fails outright below 4), so
fewer than 15 points get PCA, which is deterministic and exact about what it shows. Every map says
which method drew it and with how many points. Maps of consecutive layers are aligned (orthogonal
Procrustes) so that a class sees points move, not a rotated picture.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from dataclasses import dataclass

import numpy as np

from engine import PROJECT_ROOT
from engine.validation import InputError, Text, msg
from i18n import ngettext

os.environ.setdefault("NUMBA_CACHE_DIR", str(PROJECT_ROOT / ".numba_cache"))

UMAP_MIN_POINTS = 15
SEED = 42  # fixed: the same sentences give the same picture in every classroom
RELATIVE_TOLERANCE = 1e-5  # float32 noise is ~1e-7 of a vector's size; real differences are far larger


@dataclass
class Projection:
    coords: np.ndarray  # [n, 2]
    method: str  # "UMAP" or "PCA"
    n: int
    n_neighbors: int | None = None
    explained: tuple[float, float] | None = None  # PCA: share of variance on each axis
    degenerate: bool = False  # every point the same (to rounding): drawn at (0, 0), never a reference

    @property
    def caption(self) -> Text:
        """Which method drew the map, with how many points: English, translated when it is read (`str`,
        `format`), so a cached map's caption reads in the language of whoever is looking (issue 29)."""
        if self.method == "UMAP":
            return msg(
                "UMAP (cosine, {neighbours} neighbours, seed {seed}) of {count} points",
                neighbours=self.n_neighbors,
                seed=SEED,
                count=self.n,
            )
        if self.explained:
            return msg(
                "PCA of {count} points, {first:.0%} + {second:.0%} of the variance (UMAP needs at least {least})",
                count=self.n,
                first=self.explained[0],
                second=self.explained[1],
                least=UMAP_MIN_POINTS,
            )
        return msg("PCA of {count} points (UMAP needs at least {least})", count=self.n, least=UMAP_MIN_POINTS)

    @property
    def description(self) -> str:
        """`caption` in this run's interface language."""
        return str(self.caption)


def unit_rows(x: np.ndarray) -> np.ndarray:
    """The rows of `x` scaled to length 1 (float64; all-zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def identical_rows(x: np.ndarray, tolerance: float = RELATIVE_TOLERANCE) -> bool:
    """Whether every row of `x` equals the first to within `tolerance` times the rows' own size
    (their largest absolute entry): float32 noise between "identical" vectors (ELMo's layer 0,
    computed in different batches) is not a difference. Never `> 0` on floats."""
    x = np.asarray(x, dtype=np.float64)
    if len(x) < 2:
        return True
    return bool(np.abs(x - x[0]).max() <= tolerance * np.abs(x).max())


def cosine_distances(x: np.ndarray) -> np.ndarray:
    """1 - cosine similarity for every pair of rows, clipped to [0, 2], exactly 0 on the diagonal."""
    u = unit_rows(x)
    distances = np.clip(1.0 - u @ u.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return distances


def project(x: np.ndarray, method: str = "auto") -> Projection:
    """A 2-D map of the rows of `x` (compared by cosine: rows are normalized first)."""
    n = len(x)
    if n < 3:
        raise InputError(
            ngettext(
                "Only {n} occurrence: a map needs at least 3.", "Only {n} occurrences: a map needs at least 3.", n
            ).format(n=n)
        )
    unit = unit_rows(x)
    umap_method = method == "UMAP" or (method == "auto" and n >= UMAP_MIN_POINTS)
    if identical_rows(unit):  # nothing to lay out: one point, however the rounding differs
        name = "UMAP" if umap_method else "PCA"
        neighbours = min(15, n - 1) if umap_method else None
        return Projection(np.zeros((n, 2)), name, n, neighbours, degenerate=True)
    return _umap(unit) if umap_method else _pca(unit)


def _pca(unit: np.ndarray) -> Projection:
    centred = unit - unit.mean(axis=0)
    _u, singular, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    total = float((singular**2).sum())
    shares = np.zeros(2)
    if total > 0:
        shares[: min(2, len(singular))] = singular[:2] ** 2 / total
    # a fixed sign per axis, so the same data never comes out mirrored
    signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), range(2)])
    explained = (float(shares[0]), float(shares[1]))
    return Projection(coords * np.where(signs == 0, 1, signs), "PCA", len(unit), explained=explained)


def import_umap():
    """`import umap`, its numba functions compiled with `cache=True` (into NUMBA_CACHE_DIR).

    umap's own `@numba.njit` functions are not cached (only pynndescent's are), so every new process
    compiled them again on its first fit: 10 s on 2 idle cores, 20-36 s on a busy machine. Importing umap
    while numba's decorators default to `cache=True` makes the second and later processes load the
    compiled code instead (the warm-up fit then takes 0.2 s). Functions numba cannot cache are compiled
    as before. The decorators are restored at once: nothing else is affected."""
    with _UMAP_IMPORT:  # one thread imports; others wait for the whole module (not a half-made one)
        return _import_umap_cached()


_UMAP_IMPORT = threading.Lock()

# umap and pynndescent run numba `parallel=True` kernels. Without TBB, pynndescent switches numba to its
# workqueue layer (even when NUMBA_THREADING_LAYER=omp), and workqueue aborts the whole process
# ("Concurrent access has been detected", exit 134) when two threads (two students' sessions) enter
# such code at once (numba/numba #9288). So every caller of that code holds this lock: a second fit
# waits for the first (a fit of a few hundred points takes well under a second).
NUMBA_PARALLEL = threading.Lock()


def _import_umap_cached():
    import sys

    if "umap" in sys.modules:
        import umap

        return umap
    import numba

    def cached(decorator):
        def with_cache(*args, **kwargs):
            kwargs.setdefault("cache", True)
            return decorator(*args, **kwargs)

        return with_cache

    njit, jit = numba.njit, numba.jit
    numba.njit, numba.jit = cached(njit), cached(jit)
    try:
        import umap
    finally:
        numba.njit, numba.jit = njit, jit
    return umap


def _umap(unit: np.ndarray) -> Projection:
    umap = import_umap()

    neighbours = min(15, len(unit) - 1)
    # cosine distances computed here in one matmul: given a metric, UMAP would call it once per pair
    # from Python (half of its time at 200 points)
    distances = cosine_distances(unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n_jobs overridden by random_state; spectral fallback notes
        settings = {"n_neighbors": neighbours, "metric": "precomputed", "random_state": SEED, "n_epochs": 200}
        with NUMBA_PARALLEL:  # one fit at a time in this process, whatever numba's threading layer
            try:
                start = spectral_init(umap, distances, neighbours)
                coords = umap.UMAP(init=start, **settings).fit_transform(distances)
            except (ValueError, TypeError, np.linalg.LinAlgError):
                coords = umap.UMAP(init="random", **settings).fit_transform(distances)
    return Projection(np.asarray(coords, dtype=np.float64), "UMAP", len(unit), neighbours)


def spectral_init(umap, distances: np.ndarray, neighbours: int) -> np.ndarray:
    """UMAP's spectral initialisation, computed so that it is the same in every process: [n, 2].

    The eigenvectors 2 and 3 (smallest eigenvalues after the first) of the normalized graph Laplacian
    L = I - D^-1/2 W D^-1/2 of UMAP's fuzzy graph W (McInnes et al. 2018, section 3.2), from a dense
    LAPACK `eigh`. umap's own `spectral_layout` calls ARPACK with `v0 = ones`; when the input holds
    blocks of exactly equal rows that start vector lies in a symmetric subspace, the Krylov space breaks
    down and ARPACK restarts from its own unseeded generator, whose state depends on what the process
    did before (lmcinnes/umap #1277): two replicas then drew different maps of the same link.
    Each axis gets a fixed sign (its largest entry positive) so no map comes out mirrored.
    Raises numpy.linalg.LinAlgError if `eigh` does not converge."""
    from umap.umap_ import fuzzy_simplicial_set

    graph = fuzzy_simplicial_set(distances, neighbours, SEED, "precomputed")[0]
    weights = np.asarray(graph.todense(), dtype=np.float64)  # W: [n, n], symmetric
    degree = weights.sum(axis=0)
    scale = 1.0 / np.sqrt(np.where(degree > 0, degree, 1.0))
    laplacian = np.eye(len(weights)) - scale[:, None] * weights * scale[None, :]
    _ignored, vectors = np.linalg.eigh(laplacian)  # eigenvalues ascending
    coords = vectors[:, 1:3]
    signs = np.sign(coords[np.argmax(np.abs(coords), axis=0), range(2)])
    return coords * np.where(signs == 0, 1, signs)


def align(reference: np.ndarray, coords: np.ndarray, tolerance: float = RELATIVE_TOLERANCE) -> np.ndarray:
    """Rotate/reflect and scale `coords` onto `reference` (orthogonal Procrustes), keeping its shape.

    A degenerate map (all its points in one place, to within `tolerance` of the other map's spread)
    never rotates or rescales the other: `coords` come back only centred."""
    a = reference - reference.mean(axis=0)
    b = coords - coords.mean(axis=0)
    spread_a, spread_b = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if spread_a <= tolerance * spread_b or spread_b <= tolerance * spread_a or spread_a == 0 or spread_b == 0:
        return b
    u, s, vt = np.linalg.svd(b.T @ a)
    rotation = u @ vt
    scale = s.sum() / (b**2).sum()
    return b @ rotation * scale


def warm_up() -> float:
    """Compile UMAP's numba code once (about 10 s on 2 cores) so no user waits for it; seconds taken."""
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    project(rng.normal(size=(40, 16)), method="UMAP")
    return time.perf_counter() - started
