"""Load and warm every model once per process, in the background, as soon as the server starts.

`start()` runs the steps below in one daemon thread: torch, plotly and pandas, the char-LSTM, MiniLM,
ELMo, UMAP's compiled code, the untrained controls, every default view, preset and lesson link
(stored on disk by ui/viewcache.py, so the next server draws them without a model), then each
lesson's first step (in memory). It is called by `python -m ui.serve` (what `make run` starts)
before the server listens, and again, harmlessly, by every page (`ui.page.setup`), so a plain
`streamlit run app.py` warms up on its first visitor.

Models go through the same `st.cache_resource` loaders the pages call, so a page finds them loaded.
A page that needs a model still loading calls `ui.loading.ready(step)`, which says what it waits for and
about how long (the last run's time here, in .cache/warmup.json), instead of a blank spinner.
"""

from __future__ import annotations

import os
import threading
import time

from i18n import N_
from ui.loading import STEPS, WORKER, Step, read_times, write_times


def _torch() -> None:
    from engine.models.transformer import hf_import

    hf_import("AutoConfig", "AutoTokenizer")  # resolved here, once: see ui.cached

    from ui import cached

    cached.torch_ready()  # imports torch and sets its threads (pages drawing stored views never import it)


def _libraries() -> None:
    """What every page's first run would import and initialise on its own: plotly (and its JSON
    writer), pandas and pyarrow (st.dataframe), the figure builders and the analysis modules."""
    import pandas as pd
    import plotly.graph_objects as go
    import plotly.io as pio
    from streamlit import dataframe_util

    import figures.attention
    import figures.lstm
    import figures.senses  # noqa: F401

    pio.to_json(go.Figure(go.Heatmap(z=[[0.0, 1.0]])), validate=False)
    dataframe_util.convert_pandas_df_to_arrow_bytes(pd.DataFrame({"warm": [1.0]}))


def _char_lstm() -> None:
    from ui import cached

    cached.char_lstm().trace("Warm up.")


def _minilm() -> None:
    from ui import cached

    cached.transformer_model("").run("Warm up.")


def _elmo() -> None:
    from ui import cached

    cached.elmo_model().embed([["Warm", "up", "."]])


def _umap() -> None:
    from engine.analysis import projection

    projection.warm_up()


def _controls() -> None:
    from ui import cached

    cached.elmo_control("")
    cached.transformer_control()


def _views() -> None:
    from ui import first_views

    first_views.precompute()


def _lessons() -> None:
    """Every lesson's first step on its own text, kept in the lesson page's cache (a teacher's class
    opens the same lesson link at once)."""
    from lessons import LESSONS
    from ui import lesson_view

    for lesson in LESSONS:
        lesson_view.step_view(lesson.slug, 1, lesson.default_text, False)


STEPS.update(
    (step.name, step)
    for step in (
        Step("torch", N_("PyTorch and transformers"), 3, _torch),  # enough for the attention page (ui.cached)
        Step("libraries", N_("plotly, pandas and the figure code"), 1, _libraries),
        Step("char-LSTM", N_("the char-LSTM"), 1, _char_lstm),
        Step("MiniLM", N_("the Transformer (all-MiniLM-L6-v2)"), 6, _minilm),
        Step("ELMo", "ELMo", 3, _elmo),
        Step("UMAP", N_("UMAP's compiled code"), 5, _umap),
        Step("controls", N_("the untrained control models"), 2, _controls),
        Step("views", N_("the default views and presets"), 20, _views),
        Step("lessons", N_("the lessons' first steps"), 10, _lessons),
    )
)
_START = threading.Lock()
_thread: threading.Thread | None = None


def start() -> threading.Thread:
    """Start the warm-up thread once per process (later calls return the same thread)."""
    global _thread
    with _START:
        if _thread is None and os.environ.get("EXPLORER_WARMUP", "1") == "0":  # off: models load on first use
            _thread = threading.Thread(target=lambda: None, name="warm-up (off)", daemon=True)
            _thread.start()
        if _thread is None:
            read_times()
            _thread = threading.Thread(target=_run_all, name="warm-up", daemon=True)
            WORKER["thread"] = _thread
            _thread.start()
        return _thread


FIRST_VISITOR_GRACE = 3.0  # seconds the warm-up waits for a first page run before it starts anyway
QUIET = 1.0  # seconds without a page run before a step starts (the browser then fetches images, styles)
YIELD_BUDGET = 6.0  # seconds the warm-up gives way to page runs in all: a busy class needs its models soon
_yielded = [0.0]


def _page_runs() -> int:
    """How many page scripts are running now (Streamlit runs each in a "ScriptRunner.scriptThread")."""
    return sum(1 for thread in threading.enumerate() if thread.name == "ScriptRunner.scriptThread")


def _visitors_first(first: bool) -> None:
    """Let the first visitors' page runs go first: two threads importing and computing at once share one
    GIL, so a page that runs beside the warm-up takes up to twice as long. Before the first step, wait
    for a first page run (at most `FIRST_VISITOR_GRACE` s); before every step, wait until no page has
    run for `QUIET` s, giving way `YIELD_BUDGET` s in all: after that a class keeps the server busy and
    every model the warm-up has not loaded yet would be loaded by a waiting page anyway. A page that
    waits for a step already started (`loading.ready`) is never kept waiting by this."""
    deadline = time.monotonic() + FIRST_VISITOR_GRACE
    while first and _page_runs() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    began = time.monotonic()
    last_run = began if first and _page_runs() else 0.0
    while (now := time.monotonic()) - began < YIELD_BUDGET - _yielded[0]:
        if _page_runs():
            last_run = now
        elif now - last_run >= QUIET:
            break
        time.sleep(0.02)
    _yielded[0] += time.monotonic() - began


def _run_all() -> None:
    import logging
    import sys

    # this thread is no script run: Streamlit's "missing ScriptRunContext" / "No runtime found" notes are noise
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).addFilter(lambda record: threading.current_thread() is not _thread)
    for number, step in enumerate(STEPS.values()):
        _visitors_first(first=number == 0)
        step.started = time.monotonic()
        try:
            step.run()
        except Exception as exc:
            step.error = f"{type(exc).__name__}: {exc}"
        step.finished = time.monotonic()
        step.done.set()
        outcome = f"failed: {step.error}" if step.error else "ready"
        print(f"warm-up: {step.what} {outcome} in {step.finished - step.started:.1f} s", file=sys.stderr, flush=True)
    write_times()
