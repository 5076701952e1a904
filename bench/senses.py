"""ELMo senses page speed: 200 labelled sentences -> every layer's map and the scores drawn, warm.

Measured in the real browser (Chromium) against a running server whose models are loaded and whose
UMAP is compiled: the time from committing 200 new sentences to ELMo's maps and scores drawn (the
page draws them first), and, with the Transformer comparison on, to every chart drawn; plus each
step of the server's share measured in-process. Target: ELMo's charts under 3 s warm.
Run: `.venv/bin/python bench/senses.py` (or `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_seconds  # noqa: E402
from engine.analysis import projection, senses  # noqa: E402
from engine.models import elmo, transformer  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402

OPENERS = ["", "Yesterday, ", "In the story, ", "As usual, ", "Of course, ", "To be fair, ", "Even so, ", "Later, "]


def two_hundred_sentences(round_: int) -> str:
    """200 distinct labelled sentences about 'bank' (the preset's 32, each opened in several ways)."""
    _, text = senses.read_preset("bank")
    lines = [line.split("\t") for line in text.splitlines()]
    made = []
    for k, opener in enumerate(OPENERS[round_ % 2 :] + OPENERS[: round_ % 2]):
        for label, sentence in lines:
            first = sentence if not opener else sentence[0].lower() + sentence[1:]
            made.append(f"{label}\t{opener}{first}" + (f" ({round_}.{k})" if round_ else ""))
    return "\n".join(made[:200])


def engine_share(text: str) -> None:
    """The server's part, in-process: each step timed warm (median of 3 after one untimed run)."""
    parsed = senses.parse_sentences(text, "bank")
    model, control = elmo.load_default(), elmo.load_default(untrained=True)
    minilm = transformer.load()
    projection.warm_up()
    occurrences, labels = parsed.occurrences, parsed.labels
    vectors = senses.elmo_layer_vectors(model.embed, occurrences, "elmo")
    steps = {
        "ELMo": lambda: senses.elmo_layer_vectors(model.embed, occurrences, "elmo"),
        "its control": lambda: senses.elmo_layer_vectors(control.embed, occurrences, "control"),
        "4 ELMo maps": lambda: senses.layer_projections(senses.with_mix(vectors, (1, 1, 1))),
        "scores": lambda: senses.layer_scores(senses.with_mix(vectors, (1, 1, 1)), labels),
        "MiniLM (its control the same again)": lambda: minilm.word_vectors(
            [o.tokens for o in occurrences], [o.index for o in occurrences]
        ),
    }
    timed = ", ".join(f"{name} {median_seconds(step, repeat=3):.2f} s" for name, step in steps.items())
    print(f"   in-process, {len(occurrences)} sentences: {timed}")


# every chart titled in `titles` is drawn, not stale (re-rendered by this run), and, when it is a map, shows
# this round's sentences (each carries a "(round." marker; hover text is tokenized, so spaces are ignored)
DRAWN = """([marker, titles]) => {
    const charts = [...document.querySelectorAll('[data-testid="stElementContainer"]')]
        .filter(c => c.querySelector('.js-plotly-plot .main-svg'));
    const shows = s => s.replace(/ /g, '').includes(marker);
    return titles.every(title => charts.some(c => {
        if (c.getAttribute('data-stale') === 'true') return false;
        const plot = c.querySelector('.js-plotly-plot');
        const name = String(((plot.layout || {}).title || {}).text || '');
        if (!name.includes(title)) return false;
        const points = (plot.data || []).filter(t => t.customdata);
        return points.length === 0 || points.some(t => (t.text || []).some(shows));
    }));
}"""
ELMO_CHARTS = ["ELMo (this project", "ELMo vs its untrained control"]
TRANSFORMER_CHARTS = ["MiniLM", "MiniLM vs its untrained control"]


def browser(compare: bool) -> tuple[list[float], list[float]]:
    """Seconds from committing new sentences to ELMo's maps and scores drawn, and to every chart drawn."""
    from playwright.sync_api import expect, sync_playwright

    everything = ELMO_CHARTS + (TRANSFORMER_CHARTS if compare else [])
    elmo_times, all_times = [], []
    with streamlit_server() as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = chromium.new_page(viewport={"width": 1500, "height": 1400})
        page.goto(f"{url}/ELMo_senses?compare={'true' if compare else 'false'}")
        page.wait_for_function(DRAWN, arg=["", everything], timeout=300_000)  # warm: models loaded, UMAP compiled
        box = page.locator('[data-testid="stSidebar"] textarea').first
        for round_ in range(1, 6):
            box.fill(two_hundred_sentences(round_))
            started = time.perf_counter()
            box.press("Control+Enter")
            marker = f"({round_}."
            page.wait_for_function(DRAWN, arg=[marker, ELMO_CHARTS], timeout=120_000, polling=20)
            elmo_times.append(time.perf_counter() - started)
            page.wait_for_function(DRAWN, arg=[marker, everything], timeout=120_000, polling=20)
            all_times.append(time.perf_counter() - started)
            expect(page.get_by_text("200 occurrences of 'bank'")).to_be_visible()
        chromium.close()
    return elmo_times, all_times


def main() -> None:
    torch.set_num_threads(2)
    print("ELMo senses page: 200 new labelled sentences -> maps and scores drawn (warm, Chromium; target < 3 s)")
    engine_share(two_hundred_sentences(1))
    for compare in (False, True):
        elmo_times, all_times = browser(compare)
        line = f"ELMo's 4 maps + scores: median {statistics.median(elmo_times):.2f} s (max {max(elmo_times):.2f} s)"
        if compare:
            line += f"; with the MiniLM comparison drawn too: median {statistics.median(all_times):.2f} s"
        print(f"   comparison {'on ' if compare else 'off'}, {len(elmo_times)} new texts: {line}")


if __name__ == "__main__":
    main()
