"""Fresh server -> first chart drawn in Chromium, per page's default view (printed; never pass/fail).

For each page, `--repeat` times: start a new server exactly as `make run` does (`python -m ui.serve`,
numba's cache and the stored views in place, as after a first `make run`), open the page in an
already running headless Chromium as soon as /_stcore/health answers, and time from the server's
start to the first plotly chart's SVG (the home page: its overview picture). Prints the medians.

Targets (issue 18): <= 8 s for each page's default view, <= 3 s for the home page.

    .venv/bin/python bench/first_paint.py [--repeat 3] [--pages home LSTM_gates ...] [--plain]

`--plain` starts `streamlit run app.py` instead (the warm-up then begins with the first visitor).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, free_port, wait_healthy  # noqa: E402

PAGES = {  # page path -> what "drawn" means
    "home": '[data-testid="stImage"] img',
    "LSTM_gates": '[data-testid="stPlotlyChart"] .main-svg',
    "ELMo_senses": '[data-testid="stPlotlyChart"] .main-svg',
    "Transformer_attention": '[data-testid="stPlotlyChart"] .main-svg',
    "LSTM_step_by_step": '[data-testid="stPlotlyChart"] .main-svg',
    "ELMo_language_model": '[data-testid="stPlotlyChart"] .main-svg',
    "Compare": '[data-testid="stPlotlyChart"] .main-svg',
    "Lessons": '[data-testid="stPlotlyChart"] .main-svg',
}


def start_server(plain: bool, root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    port = free_port()
    entry = ["-m", "streamlit", "run", "app.py"] if plain else ["-m", "ui.serve"]
    options = ["--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port)]
    options += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    env = {"NUMBA_CACHE_DIR": str(ROOT / ".numba_cache"), **os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, *entry, *options], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return process, f"http://127.0.0.1:{port}"


def first_paint(browser, page_name: str, plain: bool, root: Path = ROOT) -> tuple[float, float]:
    """(seconds to healthy, seconds to the first chart drawn), both from the server's start."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    process, url = start_server(plain, root)
    try:
        wait_healthy(url, process, timeout=120)
        healthy = time.perf_counter() - started
        page.goto(url if page_name == "home" else f"{url}/{page_name}")
        page.locator(PAGES[page_name]).first.wait_for(state="attached", timeout=180_000)
        drawn = time.perf_counter() - started
    finally:
        context.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return healthy, drawn


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--plain", action="store_true", help="streamlit run app.py (no start-up warm-up)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (e.g. an older one)")
    args = parser.parse_args()
    how = ("streamlit run app.py" if args.plain else "python -m ui.serve (make run)") + f" in {args.root}"
    print(f"fresh server ({how}) -> first chart drawn in Chromium; median of {args.repeat}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for page_name in args.pages:
            runs = [first_paint(browser, page_name, args.plain, args.root) for _ in range(args.repeat)]
            drawn = [d for _, d in runs]
            each = ", ".join(f"{d:.1f}" for d in drawn)
            print(
                f"  {page_name:24} drawn {statistics.median(drawn):5.1f} s (runs {each}; "
                f"server healthy after {statistics.median(h for h, _ in runs):.1f} s)",
                flush=True,
            )
        browser.close()
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
