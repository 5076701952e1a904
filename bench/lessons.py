"""How fast each lesson draws its first step, warm, in a real browser: with the Lessons page open,
pick the lesson in the sidebar and time until its step 1 is drawn (heading, chart SVG, no element
left stale). Round 1 loads the models and fills the caches; the median of the later rounds is the
warm figure. Target: < 1 s. Printed, never asserted. Browser and server share this machine's cores.

Run: `.venv/bin/python bench/lessons.py` (or `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from lessons import LESSONS  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

ROUNDS = 4  # the first is cold


def open_lesson(page: Page, title: str) -> float:
    """Pick `title` in the sidebar; seconds until its first step is fully drawn."""
    page.locator(".st-key-lesson").click()
    option = page.get_by_role("option", name=title, exact=True)
    started = time.perf_counter()
    option.click()
    expect(page.locator("h2").first).to_have_text(title)
    expect(page.locator("h3").first).to_be_visible()
    expect(page.locator('[data-stale="true"]')).to_have_count(0)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_attached()
    return time.perf_counter() - started


def main() -> None:
    expect.set_options(timeout=300_000)
    with streamlit_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(f"{url}/Lessons?lesson=both-ways")
        expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_attached()
        times: dict[str, list[float]] = {lesson.title: [] for lesson in LESSONS}
        for _ in range(ROUNDS):
            for lesson in LESSONS:
                times[lesson.title].append(open_lesson(page, lesson.title))
        browser.close()
    print("Lessons: pick a lesson -> its first step drawn in Chromium (server and browser on this machine)")
    for title, seconds in times.items():
        warm = statistics.median(seconds[1:])
        verdict = "meets" if warm < 1.0 else "misses"
        spread = f"{min(seconds[1:]):.2f}-{max(seconds[1:]):.2f}"
        print(f"  {title:<28} warm median {warm:5.2f} s ({verdict} < 1 s; {spread})   first {seconds[0]:6.1f} s")


if __name__ == "__main__":
    main()
