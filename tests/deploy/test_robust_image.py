"""Issue 24, kind 7: the image's numba cache under any user id in group 0 (OpenShift, `docker run -u`).
Without Docker here, the Dockerfile's own commands prepare a cache folder, and `import umap` (with
numba's cache on, as the app imports it) runs in processes under those user ids."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.browser.harness import ROOT
from tests.deploy.test_recipes import instructions

pytestmark = [
    pytest.mark.robust,
    pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/usr/bin/setpriv"), reason="needs root and setpriv"),
]

CACHE = "/app/.numba_cache"
IMPORT = (  # under the umask given as argv[1], as the image's CMD sets it
    "import os, sys; os.umask(int(sys.argv[1], 8))\n"
    "from engine.analysis.projection import import_umap; import_umap(); print('ok')"
)


def cache_commands() -> list[str]:
    """The Dockerfile's shell commands that make or own the numba cache, in order."""
    run = [args for kind, args in instructions() if kind == "RUN"]
    commands = [c.strip() for args in run for c in args.split("&&")]
    chosen = [c for c in commands if CACHE in c]
    assert chosen, f"the Dockerfile no longer prepares {CACHE}"
    return chosen


def image_umask() -> str:
    """The umask the image's CMD sets before starting the server (the process default otherwise)."""
    cmd = next(args for kind, args in instructions() if kind == "CMD")
    found = re.search(r"umask (0?[0-7]{3})", cmd)
    return found.group(1) if found else "0022"


def as_user(uid: int, cache) -> subprocess.CompletedProcess:
    """`import umap` as `uid` in group 0, under the image's umask, as the image's CMD would start it."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "HOME": "/nonexistent"}
    command = ["setpriv", f"--reuid={uid}", "--regid=0", "--clear-groups", sys.executable, "-c", IMPORT, image_umask()]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.fixture
def tmp_path():
    """A folder every user can reach (pytest's own lies under a 0700 folder of root's)."""
    path = Path(tempfile.mkdtemp(prefix="image-cache-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_umap_imports_under_the_image_user_and_any_other_in_group_0(tmp_path):
    cache = tmp_path / "numba_cache"
    for command in cache_commands():  # as root, like `docker build`; the image's user is uid 10001
        command = re.sub(r"\bexplorer\b", "10001", command).replace("/models", str(tmp_path / "models"))
        subprocess.run(["bash", "-c", command.replace(CACHE, str(cache))], check=True)
    for uid in (10001, 54321, 1000670000):  # the image's user, `docker run -u 54321:0`, an OpenShift uid
        done = as_user(uid, cache)
        assert done.returncode == 0 and "ok" in done.stdout, f"uid {uid}: {done.stderr[-800:]}"
