"""Issue 24, kind 6: the same UMAP map in every process for any input, blocks of exactly equal rows
included (ELMo's layer 0 gives one vector per spelling). Each map is drawn in its own fresh Python
process; one of them first draws another map, as a replica that served other students has."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

# A child process prints the maps of two inputs with blocks of equal rows. A "busy" one first draws each
# map three times, as a replica that served other students has (ARPACK's hidden generator moves on).
CHILD = """
import json, sys
import numpy as np
from engine.analysis.projection import project

def issue_blocks():
    # three spellings, each one vector repeated 7 times (the draw that made today's maps differ)
    rng = np.random.default_rng(1)
    for sizes in [(16,), (5, 5), (8, 8), (3, 3, 3), (6, 6, 6, 6), (4,) * 6, (10, 3), (2,) * 10, (7, 7, 7)]:
        for extra in [0, 1, 3, 8]:
            x = np.vstack([np.repeat(rng.normal(size=(len(sizes), 8)), sizes, axis=0), rng.normal(size=(extra, 8))])
            if sizes == (7, 7, 7):
                return x

def chosen_blocks():
    # chosen: four spellings of five and three distinct occurrences, 12-dimensional
    rng = np.random.default_rng(0)
    rows = np.repeat(rng.normal(size=(4, 12)), 5, axis=0)
    return np.vstack([rows, rng.normal(size=(3, 12))])

inputs = [issue_blocks(), chosen_blocks()]
if sys.argv[1] == "busy":
    for x in inputs:
        for _ in range(3):
            project(x)
print(json.dumps([project(x).coords.tolist() for x in inputs]))
"""


def _maps_in_fresh_process(busy: bool) -> list[np.ndarray]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "random"}
    args = [sys.executable, "-c", CHILD, "busy" if busy else "fresh"]
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return [np.array(coords) for coords in json.loads(done.stdout.strip().splitlines()[-1])]


@pytest.mark.robust
def test_blocks_of_equal_rows_give_the_same_map_in_every_process():
    fresh = _maps_in_fresh_process(busy=False)
    busy = _maps_in_fresh_process(busy=True)
    for name, a, b, n in zip(["issue's blocks", "chosen blocks"], fresh, busy, [21, 23], strict=True):
        assert a.shape == (n, 2), name
        assert np.ptp(a, axis=0).min() > 0, f"{name}: a real map, not one point"
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-6, err_msg=name)


# Kind 7: two sessions fitting UMAP at once in one server process. Without TBB numba's workqueue layer
# aborted the process (exit 134); pynndescent switches "omp" to it too.
TWO_SESSIONS = """
import sys, threading
import numpy as np
from engine.analysis.projection import project

rng = np.random.default_rng(0)
inputs = [rng.normal(size=(120, 24)), np.repeat(rng.normal(size=(6, 24)), 20, axis=0)]
done = []

def session(x):
    for _ in range(2):
        done.append(project(x, method="UMAP").coords.shape)

threads = [threading.Thread(target=session, args=(x,)) for x in inputs]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
import numba
print(len(done), numba.threading_layer())
"""


@pytest.mark.robust
@pytest.mark.parametrize("layer", ["workqueue", "omp"])
def test_two_sessions_fitting_at_once_never_kill_the_process(layer):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_THREADING_LAYER": layer}
    done = subprocess.run(
        [sys.executable, "-c", TWO_SESSIONS], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-1500:]}"
    fits, _ = done.stdout.split()
    assert int(fits) == 4
