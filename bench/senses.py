"""ELMo senses page speed: 200 labelled sentences -> every layer's map and the scores drawn, warm.

Measured in the real browser (Chromium) against a running server whose models are loaded and whose
UMAP is compiled: the time from committing 200 new sentences to the last chart drawn, with and
without the Transformer comparison, plus the engine's share of it measured in-process. Target:
under 3 s warm. Run: `.venv/bin/python bench/senses.py` (or `make bench`).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import elmo, projection, senses, transformer  # noqa: E402
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
    parsed = senses.parse_sentences(text, "bank")
    model, control = elmo.load_default(), elmo.load_default(untrained=True)
    minilm = transformer.load()
    projection.warm_up()
    started = time.perf_counter()
    vectors = senses.elmo_layer_vectors(model.embed, parsed.occurrences, "elmo")
    senses.elmo_layer_vectors(control.embed, parsed.occurrences, "control")
    embed = time.perf_counter() - started
    started = time.perf_counter()
    minilm.word_vectors([o.tokens for o in parsed.occurrences], [o.index for o in parsed.occurrences])
    mini = time.perf_counter() - started
    started = time.perf_counter()
    senses.layer_projections(senses.with_mix(vectors, (1, 1, 1)))
    maps = time.perf_counter() - started
    started = time.perf_counter()
    senses.layer_scores(vectors, parsed.labels)
    scores = time.perf_counter() - started
    print(
        f"   in-process, {len(parsed.occurrences)} sentences: ELMo + control {embed:.2f} s, MiniLM {mini:.2f} s "
        f"(its control the same again), 4 ELMo maps {maps:.2f} s, scores {scores * 1000:.0f} ms"
    )


# every chart drawn, and the maps show this round's sentences (each carries a "(round." marker; hover
# text shows the tokenized sentence, so spaces are ignored)
DRAWN = """([count, marker]) => {
    const plots = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')];
    const shows = s => s.replace(/ /g, '').includes(marker);
    const fresh = plots.length > 0 && (plots[0].data || []).some(t => (t.text || []).some(shows));
    return plots.length === count && fresh && plots.every(p => p.querySelector('.main-svg'));
}"""


def browser(compare: bool) -> list[float]:
    from playwright.sync_api import expect, sync_playwright

    charts = 4 if compare else 2  # maps (+ Transformer maps), scores (+ Transformer scores)
    times = []
    with streamlit_server() as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = chromium.new_page(viewport={"width": 1500, "height": 1400})
        page.goto(f"{url}/ELMo_senses?compare={'true' if compare else 'false'}")
        page.wait_for_function(DRAWN, arg=[charts, ""], timeout=300_000)  # warm: models loaded, UMAP compiled
        box = page.locator('[data-testid="stSidebar"] textarea').first
        for round_ in range(1, 4):
            box.fill(two_hundred_sentences(round_))
            started = time.perf_counter()
            box.press("Control+Enter")
            page.wait_for_function(DRAWN, arg=[charts, f"({round_}."], timeout=120_000)
            times.append(time.perf_counter() - started)
            expect(page.get_by_text("200 occurrences of 'bank'")).to_be_visible()
        chromium.close()
    return times


def main() -> None:
    torch.set_num_threads(2)
    print("ELMo senses page: 200 new labelled sentences -> every map and score drawn (warm, Chromium)")
    engine_share(two_hundred_sentences(1))
    for compare in (False, True):
        times = browser(compare)
        what = "ELMo + MiniLM comparison" if compare else "ELMo only"
        print(
            f"   {what}: median {statistics.median(times):.2f} s over {len(times)} new texts (max {max(times):.2f} s)"
        )


if __name__ == "__main__":
    main()
