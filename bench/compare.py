"""Compare page benchmark, printed (never a pass/fail test).

A warm minimal pair of two new 20-word sentences, target < 1.5 s:
1. in-process: both sentences through the char-LSTM, ELMo and MiniLM, the pair's distances, the
   chosen word's rows, and every figure built and serialized to JSON (what the page sends);
2. in Chromium: a new sentence B committed in the sidebar -> every chart redrawn (sentence A is
   cached, as when a student edits one word), and a link with two new sentences opened -> drawn.

`--shots DIR` also saves full-page screenshots of the bank and the trophy presets there.
Run: `.venv/bin/python bench/compare.py [--shots DIR]` (or `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.parse
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.compare import PRESETS, default_models, pair_diff, run_sentence, word_view  # noqa: E402
from figures.compare import pair_heatmaps, sentence_rows, unit_bars  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

ADJECTIVES = ["cold", "grey", "warm", "quiet", "windy", "bright", "dark", "long", "wet"]
ENDINGS = [("river", "money"), ("lake", "city"), ("road", "hill"), ("field", "town"), ("sea", "bay")]


def sentence(adjective: str, last: str) -> str:
    """Twenty words (the full stop counts, as it does on the page's word axis)."""
    return f"On a {adjective} morning in early spring the old fisherman walked slowly down to the bank of the {last}."


def pairs() -> list[tuple[str, str]]:
    return [(sentence(a, x), sentence(a, y)) for a, (x, y) in zip(ADJECTIVES, ENDINGS * 2, strict=False)]


def summary(times: list[float]) -> str:
    return f"   median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"


def in_process() -> None:
    models = default_models()
    all_pairs = pairs()
    assert len(run_sentence(all_pairs[0][0], models).alignment) == 20

    def one(a: str, b: str) -> float:
        started = time.perf_counter()
        diff = pair_diff(run_sentence(a, models), run_sentence(b, models))
        view = word_view(diff.a, diff.pairing.first_change)
        for figure in (pair_heatmaps(diff), sentence_rows(view), unit_bars(view)):
            figure.to_json()
        return time.perf_counter() - started

    one(*all_pairs[0])  # warm: first figure imports, oneDNN primitives
    times = [one(a, b) for a, b in all_pairs[1:]]
    print("1. in-process: two new 20-word sentences -> distances, rows and figures as JSON")
    print(summary(times))


DRAWN = """label => {
    const plots = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot');
    if (plots.length < 3 || !plots[0].data || !plots[1].data) return false;
    return plots[0].data[0].x.some(x => x.endsWith(label)) && !!plots[0].querySelector('.heatmaplayer image')
        && !!plots[1].querySelector('.heatmaplayer image') && !document.querySelector('[data-testid="stSpinner"]');
}"""


def browser(shots: Path | None) -> None:
    from playwright.sync_api import sync_playwright

    all_pairs = pairs()
    with streamlit_server() as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})

        def open_pair(a: str, b: str, label: str) -> float:
            started = time.perf_counter()
            page.goto(f"{url}/Compare?" + urllib.parse.urlencode({"a": a, "b": b}))
            page.wait_for_function(DRAWN, arg=label, timeout=180_000)
            return time.perf_counter() - started

        open_pair(*all_pairs[0], "river→money")  # warm: models loaded, first run
        box = page.locator('[data-testid="stSidebar"] textarea').nth(1)

        def commit_b(b: str, label: str) -> float:
            box.fill(b)
            started = time.perf_counter()
            box.press("Control+Enter")
            page.wait_for_function(DRAWN, arg=label, timeout=180_000)
            return time.perf_counter() - started

        endings = ["pond", "wood", "mill", "farm", "shop", "inn"]
        times = [commit_b(sentence("cold", e), f"river→{e}") for e in endings]
        print("2. Chromium: commit a new sentence B (20 words) -> every chart redrawn, warm")
        print(summary(times))
        links = [open_pair(a, b, f"{a.split()[-1][:-1]}→{b.split()[-1][:-1]}") for a, b in all_pairs[1:5]]
        print("   a link with two new 20-word sentences opened (page load included) -> drawn")
        print(summary(links))
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            for preset, name in ((PRESETS[0], "bank"), (PRESETS[1], "trophy")):
                last_a, last_b = preset.a.split()[-1][:-1], preset.b.split()[-1][:-1]
                open_pair(preset.a, preset.b, f"{last_a}→{last_b}")
                page.wait_for_timeout(500)
                page.screenshot(path=str(shots / f"issue17-{name}.png"), full_page=True)
                print(f"   screenshot: {shots / f'issue17-{name}.png'}")
        chromium.close()


def main() -> None:
    torch.set_num_threads(2)
    shots = Path(sys.argv[sys.argv.index("--shots") + 1]) if "--shots" in sys.argv else None
    print("Compare bench (2 shared CPU cores: timings are noisy)")
    in_process()
    browser(shots)


if __name__ == "__main__":
    main()
