"""What the warm-up (ui/warmup.py) is loading, and `ready()`: wait for it, saying what and how long.

The cached loaders in ui/cached.py call `ready(step)` before a shipped model: if the warm-up thread is
loading that model right now, the page shows "Waiting for the Transformer to load: about 4 s more"
(the last run's time on this machine, kept in .cache/warmup.json) instead of a blank spinner.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from i18n import _
from ui.viewcache import FOLDER

TIMES = FOLDER.parent / "warmup.json"  # seconds each step took last time, for the estimates shown


@dataclass
class Step:
    name: str
    what: str  # shown to the user: "Waiting for {what} to load…"
    expected: float  # seconds, until a run on this machine measured it
    run: Callable[[], object]
    started: float | None = None
    finished: float | None = None
    error: str = ""
    done: threading.Event = field(default_factory=threading.Event)


STEPS: dict[str, Step] = {}  # filled by ui/warmup.py, in the order they run
WORKER: dict[str, threading.Thread] = {}  # "thread": the warm-up thread, once started


def status() -> dict[str, dict]:
    """Each step: state ("waiting", "running", "done", "failed"), seconds so far or taken, expected seconds."""
    now = time.monotonic()
    out = {}
    for name, step in STEPS.items():
        if step.finished is not None:
            state, seconds = ("failed" if step.error else "done"), step.finished - (step.started or now)
        elif step.started is not None:
            state, seconds = "running", now - step.started
        else:
            state, seconds = "waiting", 0.0
        out[name] = {"state": state, "seconds": round(seconds, 2), "expected": step.expected, "error": step.error}
    return out


def ready(name: str) -> None:
    """Wait for step `name` if the warm-up is running it now, saying what and for about how long.

    A step not started yet is not waited for: the caller loads the model itself (the loader's lock
    makes the warm-up find it loaded later). The warm-up thread itself never waits."""
    step = STEPS.get(name)
    if step is None or step.started is None or step.done.is_set():
        return
    if threading.current_thread() is WORKER.get("thread"):
        return
    elapsed = time.monotonic() - step.started
    left = max(1, round(step.expected - elapsed))
    waiting = _("Waiting for {what} to load (once per server): about {seconds} s more on this machine…")
    with _spinner(waiting.format(what=_(step.what), seconds=left)):
        step.done.wait()


def load_message(step: Step) -> str:
    """What a page says while it loads a step's model itself (the warm-up has not started it): the step's
    last time here, plus the imports of the "torch" step (every model needs them) while they are not done."""
    seconds = step.expected
    imports = STEPS.get("torch")
    if imports is not None and imports is not step and not imports.done.is_set():
        seconds += imports.expected
    loading = _("Loading {what} (once per server): about {seconds} s on this machine…")
    return loading.format(what=_(step.what), seconds=max(1, round(seconds)))


@contextmanager
def loads(name: str) -> Iterator[None]:
    """Around a page's call of step `name`'s model loader: if the warm-up is loading it now, wait for it
    (`ready`); if the warm-up has not started it (it gives way to the first visitors: ui/warmup.py), the
    page loads it itself and says what and about how long (the last start's time on this machine), unless
    it is called inside a cached function, whose own spinner speaks for it. A model already loaded shows
    nothing: Streamlit shows a spinner only after half a second."""
    step = STEPS.get(name)
    if step is None or step.done.is_set() or threading.current_thread() is WORKER.get("thread"):
        yield
        return
    if step.started is not None:
        ready(name)
        yield
        return
    with _spinner(load_message(step)):
        yield


_STATUS = threading.local()  # the page's status slot, per script thread (page.setup binds it each run)


def bind_status_slot(slot: object) -> None:
    """Where this script run says what it waits for: an `st.empty()` at the top of the page."""
    _STATUS.slot, _STATUS.run = slot, _this_run()


def _this_run() -> object | None:
    """An object Streamlit makes anew for every run of a session's script, full or fragment (its cursors)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return getattr(ctx, "cursors", None) if ctx is not None else None


@contextmanager
def _spinner(message: str) -> Iterator[None]:
    """A spinner with a clock in the page's status slot. Without one (a fragment's rerun), at the current
    spot, except inside a cached function: its own spinner ("Running the lesson…") has that spot, and
    Streamlit would draw a second spinner over the first, garbling both."""
    import streamlit as st

    run, slot = _this_run(), getattr(_STATUS, "slot", None)
    if slot is None or run is None or getattr(_STATUS, "run", None) is not run:
        if _inside_cached_function():
            yield
            return
        slot = st
    with slot.spinner(message, show_time=True):
        yield


def _inside_cached_function() -> bool:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import in_cached_function
    except ImportError:  # another Streamlit: the main area, as outside
        return False
    return bool(in_cached_function.get())


def pending(name: str) -> bool:
    """True while the warm-up thread is running and has not finished step `name` (for other threads)."""
    step, worker = STEPS.get(name), WORKER.get("thread")
    return (
        step is not None
        and worker is not None
        and worker.is_alive()
        and not step.done.is_set()
        and threading.current_thread() is not worker
    )


def wait(name: str) -> None:
    """Wait, without a message, while the warm-up runs step `name` (for code inside a cached result,
    which shows its own spinner)."""
    step = STEPS.get(name)
    if step is not None and step.started is not None and threading.current_thread() is not WORKER.get("thread"):
        step.done.wait()


def read_times() -> None:
    try:
        times = json.loads(TIMES.read_text())
    except (OSError, ValueError):
        return
    for name, seconds in times.items():
        if name in STEPS and isinstance(seconds, (int, float)) and seconds > 0:
            STEPS[name].expected = float(seconds)


def write_times() -> None:
    times = {
        name: round(step.finished - step.started, 2)
        for name, step in STEPS.items()
        if step.started is not None and step.finished is not None and not step.error
    }
    try:
        TIMES.parent.mkdir(parents=True, exist_ok=True)
        TIMES.write_text(json.dumps(times, indent=1))
    except OSError:
        pass
