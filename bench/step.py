"""LSTM step-by-step page: how long one arrow press takes to redraw the cell at step t, warm, in a real
browser, for a text at the page's 2,000-character limit (200 frames around the step travel each time).
Printed, never asserted. Browser and server share this machine's cores.

Run: `.venv/bin/python bench/step.py` (or `make bench`).
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from engine.analysis.senses import CORPUS_SAMPLE  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

PRESSES = 12


def long_text(limit: int = 2_000) -> str:
    """Corpus sentences joined up to `limit` characters, ending in a quote so the page has one to show."""
    lines = gzip.decompress(CORPUS_SAMPLE.read_bytes()).decode("utf-8").splitlines()
    text = ""
    for line in lines:
        if len(text) + len(line) + 1 > limit - 20:
            break
        text += line + " "
    return text + 'He said "go".'


def main() -> None:
    expect.set_options(timeout=300_000)
    text = long_text()
    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/LSTM_step_by_step?text={urllib.parse.quote(text)}")
        expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(3)).to_be_attached()
        cell = page.locator('[data-testid="stPlotlyChart"]').nth(2)
        steps = len(text) - 1
        page.get_by_role("heading", name="Step through the cell").click()
        seconds = []
        for step in range(1, PRESSES + 1):
            started = time.perf_counter()
            page.keyboard.press("ArrowRight")
            expect(cell.locator(".gtitle")).to_contain_text(f"step {step} of ")
            seconds.append(time.perf_counter() - started)
        runs = page.get_by_text("Full page runs this session: 1 ").count()
        browser.close()
    warm = statistics.median(seconds[1:])
    print(f"LSTM step by step, {len(text):,} characters (~{steps:,} steps): one arrow press -> cell redrawn")
    print(f"  median {warm:.2f} s over {PRESSES - 1} presses ({min(seconds[1:]):.2f}-{max(seconds[1:]):.2f}); "
          f"first {seconds[0]:.2f} s; full page runs still 1: {bool(runs)}")  # fmt: skip


if __name__ == "__main__":
    main()
