"""Server CPU time per warm rerun of each page (printed; never pass/fail).

Starts a server (`python -m ui.serve`, or `--plain`: `streamlit run app.py`, e.g. in an older
checkout given by `--root`), opens each page's default view once (models load, results cached),
then repeats two kinds of warm rerun with bench/streamlit_client.py and reads the server process's
CPU time (user + system, psutil) around them:

- full: the whole script again with nothing changed (every result cached), as after "Rerun";
- widget: a setting inside the page's fragment changed back and forth (e.g. the attention layer),
  whose results are cached too.

Prints the median wall time per rerun and the server CPU seconds per rerun (the mean over `--n`).

    .venv/bin/python bench/rerun_cpu.py [--n 20] [--root /path/to/other/checkout --plain]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from bench.streamlit_client import SyncSession  # noqa: E402
from tests.browser.harness import free_port, wait_healthy, wait_warm  # noqa: E402

WIDGET = {  # page -> (key, two values to alternate), or None: full reruns only
    "LSTM_gates": ("unit", (3, 4)),
    "ELMo_senses": ("w0", ([0.5], [1.0])),
    "Transformer_attention": ("layer", (2, 3)),
    "LSTM_step_by_step": ("step", (5, 6)),
    "ELMo_language_model": ("k", (5, 6)),
    "Compare": ("which", ("A", "B")),
    "Lessons": None,
}


def measure(url: str, pid: int, page: str, n: int) -> dict[str, tuple[float, float]]:
    server = psutil.Process(pid)

    def cpu() -> float:
        times = server.cpu_times()
        return times.user + times.system + times.children_user + times.children_system

    out = {}
    with SyncSession(url, page, timeout=600) as session:
        first = session.open()
        if not first.ok:
            raise RuntimeError(f"{page}: {first.errors}")
        key, values = WIDGET[page] or ("", ())
        for kind in ("full", "widget") if values else ("full",):
            for k in range(3):  # warm: every value seen once
                session.rerun({key: values[k % 2]}) if kind == "widget" else session.rerun()
            walls, before = [], cpu()
            for k in range(n):
                run = session.rerun({key: values[k % 2]}) if kind == "widget" else session.rerun()
                if not run.ok:
                    raise RuntimeError(f"{page}: {run.errors}")
                walls.append(run.seconds)
            out[kind] = (statistics.median(walls), (cpu() - before) / n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="reruns of each kind per page")
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to serve")
    parser.add_argument("--plain", action="store_true", help="streamlit run app.py (no start-up warm-up)")
    parser.add_argument("--pages", nargs="+", default=list(WIDGET), choices=list(WIDGET))
    args = parser.parse_args()
    port = free_port()
    entry = ["-m", "streamlit", "run", "app.py"] if args.plain else ["-m", "ui.serve"]
    options = ["--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port)]
    env = {"NUMBA_CACHE_DIR": str(HERE / ".numba_cache"), **os.environ, "PYTHONUNBUFFERED": "1"}
    log = Path(tempfile.mkdtemp()) / "server.log"
    process = subprocess.Popen(
        [sys.executable, *entry, *options, "--server.fileWatcherType", "none"],
        cwd=args.root,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, timeout=120)
        with SyncSession(url, "", timeout=600) as home:  # the warm-up starts after a first visitor
            home.open()
        if args.root == HERE:  # an older checkout may have no warm-up (or other log lines)
            print(f"(the server's warm-up ended {wait_warm(log):.1f} s after the first visit: warm from here)")
        print(f"server CPU per warm rerun ({args.root}, {'plain' if args.plain else 'ui.serve'}), n={args.n}")
        for page in args.pages:
            started = time.perf_counter()
            result = measure(url, process.pid, page, args.n)
            parts = "; ".join(
                f"{kind}: wall {w * 1000:5.0f} ms, CPU {c * 1000:5.0f} ms" for kind, (w, c) in result.items()
            )
            print(f"  {page:24} {parts}  ({time.perf_counter() - started:.0f} s)", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=20)
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
