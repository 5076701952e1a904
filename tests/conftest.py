"""Shared test settings: offline, a writable numba cache, the repo root on sys.path."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))


# The interpreter's own teardown, after every test has run and pytest has printed its summary, can abort
# ("terminate called without an active exception", exit 134): native threads that AppTest's runs and the
# warm-up leave behind (torch's and numba's pools) are destroyed while still joinable. That says nothing about
# the tests, so the run ends with pytest's own exit status as soon as pytest is done with it.
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session, exitstatus) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config) -> None:
    if _EXIT_STATUS and not hasattr(config, "workerinput"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])


BROWSER_DIR = Path(__file__).parent / "browser"


def pytest_collection_modifyitems(config, items) -> None:
    """Every test under tests/browser/ is a real-browser test: marked `browser` (`make test-browser`)."""
    for item in items:
        if BROWSER_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
