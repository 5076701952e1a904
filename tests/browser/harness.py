"""Start the app with `streamlit run` and drive Debian's chromium: shared by tests/browser and bench/.

Never `playwright install`: it downloads a browser. The browser is /usr/bin/chromium (installed by
`make test`), started headless with the flags that keep it off the network.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy in {timeout} s")


def wait_warm(log_path: Path, timeout: float = 300) -> float:
    """Wait until the server's log (`streamlit_server(log_path)`) says its warm-up's last step ended, so
    that "warm" timings do not share the CPU with it; the seconds waited. The warm-up begins with a
    `streamlit run` server's first visitor: call this after the first page has opened."""
    from ui.warmup import STEPS

    last = f"warm-up: {list(STEPS.values())[-1].what} "
    started = time.monotonic()
    while last not in log_path.read_text(encoding="utf-8", errors="replace"):
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"the warm-up did not finish in {timeout} s (no {last!r} in {log_path})")
        time.sleep(0.2)
    return time.monotonic() - started


@contextmanager
def streamlit_process(log_path: Path | None = None, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`streamlit run app.py` on a free loopback port, `env` added to the environment; yields (its URL, its
    process id) once /_stcore/health answers, and stops it afterwards."""
    port = free_port()
    log = log_path.open("w") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env={**(env or {}), **os.environ, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log_path:
            log.close()


@contextmanager
def streamlit_server(log_path: Path | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port; yields its URL once /_stcore/health answers."""
    with streamlit_process(log_path) as (url, _):
        yield url
