"""The warm-up's bookkeeping (ui/loading.py): who waits for what, and the estimates kept between runs."""

from __future__ import annotations

import threading
import time

import pytest

from ui import loading


@pytest.fixture
def step(monkeypatch, tmp_path):
    monkeypatch.setattr(loading, "TIMES", tmp_path / "warmup.json")
    fake = loading.Step("fake", "a fake model", 2.0, lambda: None)
    monkeypatch.setitem(loading.STEPS, "fake", fake)
    return fake


def test_a_step_not_started_is_not_waited_for(step):
    started = time.monotonic()
    loading.ready("fake")
    loading.wait("fake")
    assert time.monotonic() - started < 0.1 and loading.status()["fake"]["state"] == "waiting"


def test_a_running_step_is_waited_for_until_done(step):
    step.started = time.monotonic()
    assert loading.status()["fake"]["state"] == "running"
    threading.Timer(0.3, lambda: (setattr(step, "finished", time.monotonic()), step.done.set())).start()
    began = time.monotonic()
    loading.ready("fake")  # outside a script run the spinner is silent; the wait is the same
    assert time.monotonic() - began >= 0.25 and loading.status()["fake"]["state"] == "done"


def test_measured_times_become_the_next_estimates(step):
    step.started, step.finished = 10.0, 13.5
    loading.write_times()
    step.expected = 2.0
    loading.read_times()
    assert step.expected == 3.5


def test_minilm_reader_checks_and_describes_like_the_full_model():
    """While the warm-up loads MiniLM's weights, pages get its tokenizer and configuration only."""
    from engine.models import transformer
    from ui import cached

    reader, full = cached._minilm_reader(), transformer.load()
    text = 'He said "meet me at the bank" ☃ ' + "word " * 600
    assert reader.description == full.description
    assert reader.check(text) == full.check(text) and reader.check(text[:200]) == full.check(text[:200])
    assert reader.check(text)[0].level == "error" and "☃" in full.check(text[:40])[0].message


def _page_run(seconds: float) -> threading.Thread:
    """A stand-in for a visitor's page run: Streamlit's script thread name, busy for `seconds`."""
    thread = threading.Thread(target=time.sleep, args=(seconds,), name="ScriptRunner.scriptThread")
    thread.start()
    return thread


def test_the_warm_up_lets_a_page_run_go_first(monkeypatch):
    from ui import warmup

    monkeypatch.setattr(warmup, "QUIET", 0.2)
    monkeypatch.setattr(warmup, "_yielded", [0.0])
    page = _page_run(0.5)
    began = time.monotonic()
    warmup._visitors_first(first=True)
    assert not page.is_alive() and time.monotonic() - began >= 0.5 + 0.2 - 0.05


def test_the_warm_up_starts_without_visitors_and_never_waits_forever(monkeypatch):
    from ui import warmup

    monkeypatch.setattr(warmup, "FIRST_VISITOR_GRACE", 0.3)
    monkeypatch.setattr(warmup, "_yielded", [0.0])
    began = time.monotonic()
    warmup._visitors_first(first=True)  # nobody comes: the grace, then at once
    assert 0.25 <= time.monotonic() - began < 1.5
    monkeypatch.setattr(warmup, "YIELD_BUDGET", 0.4)
    page = _page_run(3.0)
    began = time.monotonic()
    warmup._visitors_first(first=False)  # a page that runs on: the warm-up goes on when its budget is spent
    assert 0.35 <= time.monotonic() - began < 1.5 and page.is_alive()
    began = time.monotonic()
    warmup._visitors_first(first=False)  # the budget is for all steps together: no more waiting
    assert time.monotonic() - began < 0.1
    page.join()


def test_a_page_loading_a_model_itself_says_what_and_about_how_long(step, monkeypatch):
    """Before the warm-up starts a step, a page loads that model itself and says so, with the estimate."""
    began = time.monotonic()
    with loading.loads("fake"):  # not started: no waiting, the body loads
        ran = time.monotonic()
    assert ran - began < 2.0  # no waiting (a wrong wait on a step never started would hang here)
    imports = loading.Step("torch", "PyTorch", 3.0, lambda: None)
    monkeypatch.setitem(loading.STEPS, "torch", imports)
    assert loading.load_message(step) == "Loading a fake model (once per server): about 5 s on this machine…"
    imports.done.set()  # the imports are done: only the model's own time is left
    assert loading.load_message(step) == "Loading a fake model (once per server): about 2 s on this machine…"
    step.started = time.monotonic()  # the warm-up loads it now: the page waits for it first
    threading.Timer(0.3, lambda: (setattr(step, "finished", time.monotonic()), step.done.set())).start()
    with loading.loads("fake"):
        assert step.done.is_set()
    with loading.loads("fake"):  # done: nothing to wait for, nothing to say
        pass
