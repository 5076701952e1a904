"""What the warm-up (ui/warmup.py) is loading, and `ready()`: wait for it, saying what and how long.

The cached loaders in ui/cached.py call `ready(step)` before a shipped model: if the warm-up thread is
loading that model right now, the page shows "Waiting for the Transformer to load: about 4 s more"
(the last run's time on this machine, kept in .cache/warmup.json) instead of a blank spinner.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
    import streamlit as st

    elapsed = time.monotonic() - step.started
    left = max(1, round(step.expected - elapsed))
    with st.spinner(
        f"Waiting for {step.what} to load (once per server): about {left} s more on this machine…", show_time=True
    ):
        step.done.wait()


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
