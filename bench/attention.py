"""Attention page benchmarks, printed as ratios measured in one run (never a pass/fail test).

1. Engine overhead: `TransformerModel.run()` / a plain `transformers` forward with
   `output_attentions=True` on the same text (target <= 1.1x).
2. Bytes sent to the browser by the attention page (websocket frames, measured in Chromium) for a
   128- and a 512-token text / the HTML of bertviz's `head_view(..., html_action="return")` for the
   same model and text (target: >= 20x smaller at 128 tokens; 512 tokens must work at all).
3. Time from committing a new 64-token text to the drawn heatmap in the real browser, warm
   (target < 1 s).

bertviz is installed for this bench only, into .cache/bench (pip --target), never into the app.
Run: `.venv/bin/python bench/attention.py` (or `make bench`).
"""

from __future__ import annotations

import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import median_seconds  # noqa: E402
from engine.analysis.senses import CORPUS_SAMPLE  # noqa: E402
from engine.models import transformer  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server, wait_warm  # noqa: E402

BENCH_SITE = ROOT / ".cache" / "bench"
# the heatmap (second plotly chart) shows the new text's rows and has painted its image
DRAWN = """([count, labels]) => {
    const plots = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const heatmap = plots[1];
    return !!heatmap && !!heatmap.data && heatmap.data[0].y.length === count
        && Object.entries(labels).every(([k, label]) => heatmap.data[0].y[k] === label)
        && !!heatmap.querySelector('.heatmaplayer image');
}"""  # every plain token of the new text in place (two texts can share their first words)


def text_of_tokens(model: transformer.TransformerModel, count: int, offset: int = 0) -> str:
    """A passage of the shipped corpus sample cut to exactly `count` subword tokens (specials included)."""
    with gzip.open(CORPUS_SAMPLE, "rt", encoding="utf-8") as sample:
        words = sample.read().split()[offset:]
    low, high = 1, count
    while low < high:  # the longest word prefix within the budget
        mid = (low + high + 1) // 2
        if model.count_tokens(" ".join(words[:mid])) <= count:
            low = mid
        else:
            high = mid - 1
    text = " ".join(words[:low])
    while model.count_tokens(text) < count:  # pad with single-token words to hit the count exactly
        text += " the"
    return text


def engine_overhead(model: transformer.TransformerModel) -> None:
    print("1. engine overhead: run() / plain transformers forward with output_attentions=True")
    for count in (64, 128, 512):
        text = text_of_tokens(model, count)

        def plain(text: str = text) -> None:
            with torch.no_grad():
                encoding = model.tokenizer(text, return_tensors="pt")
                model.model(**encoding, output_attentions=True)

        ours = median_seconds(lambda text=text: model.run(text), repeat=15)
        library = median_seconds(plain, repeat=15)
        ratio = ours / library
        print(f"   {count:>3} tokens: run() {ours * 1000:7.1f} ms, plain {library * 1000:7.1f} ms, ratio {ratio:.2f}x")


def bertviz_html(model: transformer.TransformerModel, text: str) -> int:
    if not (BENCH_SITE / "bertviz").is_dir():
        print("   (installing bertviz and IPython into .cache/bench for this bench only)")
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(BENCH_SITE)]
        subprocess.run([*pip, "--no-deps", "bertviz==1.4.1"], check=True, capture_output=True)
        subprocess.run([*pip, "ipython==8.37.0"], check=True, capture_output=True)
    sys.path.insert(0, str(BENCH_SITE))
    from bertviz import head_view

    with torch.no_grad():
        encoding = model.tokenizer(text, return_tensors="pt")
        attention = model.model(**encoding, output_attentions=True).attentions
    tokens = model.tokenizer.convert_ids_to_tokens(encoding["input_ids"][0])
    return len(head_view(attention, tokens, html_action="return").data.encode("utf-8"))


def browser_measurements(model: transformer.TransformerModel, commit_only: bool = False) -> None:
    from playwright.sync_api import expect, sync_playwright

    texts = {count: text_of_tokens(model, count, offset=5000) for count in (128, 512)}
    timing_texts = [text_of_tokens(model, 64, offset=200 * k) for k in range(1, 8)]
    log = Path(tempfile.mkdtemp()) / "server.log"
    with streamlit_server(log) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1200})
        received: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(len(frame))))
        page.goto(f"{url}/Transformer_attention")
        box = page.locator('[data-testid="stSidebar"] textarea').first
        expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(1)).to_be_attached(timeout=120_000)
        print(f"   (the server's warm-up ended {wait_warm(log):.1f} s after the page was drawn: warm from here)")

        def commit(text: str, count: int) -> float:
            received.clear()
            box.fill(text)
            started = time.perf_counter()
            box.press("Control+Enter")
            tokens = model.tokenizer.convert_ids_to_tokens(model.tokenizer(text)["input_ids"])
            plain = {k: f"{k}:{token}" for k, token in enumerate(tokens) if token.isalnum()}
            page.wait_for_function(DRAWN, arg=[count, plain], timeout=120_000)
            return time.perf_counter() - started

        print("2. bytes sent to the browser (websocket frames of one rerun) vs bertviz head_view HTML")
        for count, text in {} if commit_only else texts.items():
            seconds = commit(text, count)
            page.wait_for_timeout(500)  # let trailing frames (the table) arrive
            ours = sum(received)
            theirs = bertviz_html(model, text)
            print(
                f"   {count} tokens: ours {ours / 1024:8.1f} KiB, bertviz {theirs / 1024:10.1f} KiB, "
                f"{theirs / ours:6.1f}x smaller; drawn in {seconds:.2f} s"
            )
        print("3. commit a new 64-token text -> heatmap drawn, warm (median of 7 texts)")
        times = [commit(text, 64) for text in timing_texts]
        print(f"   median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})")
        browser.close()


def main() -> None:
    torch.set_num_threads(2)
    model = transformer.load()
    commit_only = "--commit-only" in sys.argv  # only 3. (no engine timing, no bertviz)
    if not commit_only:
        engine_overhead(model)
    browser_measurements(model, commit_only)


if __name__ == "__main__":
    main()
