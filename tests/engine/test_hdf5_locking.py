"""Issue 24, kind 7: HDF5 weights are read without file locks (network storage without locks, a file
another process holds locked). The lock is real: an exclusive flock on the file, as a writer or a
lock-less NFS mount makes HDF5's own lock attempt fail."""

from __future__ import annotations

import contextlib
import fcntl

import numpy as np

from engine.models.elmo import Elmo
from engine.models.elmo import official as O
from tests.engine.test_elmo import TINY, write_model


@contextlib.contextmanager
def locked(path):
    """Another open file description of `path` holding an exclusive flock (as another process would)."""
    with path.open("rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def test_a_model_loads_while_its_weight_file_is_locked(tmp_path):
    options_path, weights_path, _ = write_model(tmp_path)
    unlocked = Elmo.from_files(options_path, weights_path).embed([["a", "bank"]])
    with locked(weights_path):
        again = Elmo.from_files(options_path, weights_path).embed([["a", "bank"]])
    for ours, reference in zip(again, unlocked, strict=True):
        np.testing.assert_array_equal(ours, reference)


def test_an_official_pair_is_verified_while_locked(tmp_path):
    """Chosen second input: the official pair's check (`verify_pair`) reads the same way."""
    names = O.file_names("small")
    options_path, weights_path, _ = write_model(tmp_path, TINY)
    options_path = options_path.rename(tmp_path / names["options"])
    weights_path = weights_path.rename(tmp_path / names["weights"])
    with locked(weights_path):
        options = O.verify_pair(options_path, weights_path)
    assert options.n_layers == TINY["lstm"]["n_layers"]
