"""A class of students on one server: locust users that speak Streamlit's own websocket protocol.

Each simulated student (a locust `User` driving `bench.streamlit_client.SyncSession`) opens a page,
then every ~20 s (uniformly 0.5x-1.5x, randomised) changes the text, a slider, a number or a preset.
Two mixes, run one after the other on the same server:

- `same`: everyone opens the page's lesson link (the home page's "Try" links) and picks from the same
  few texts and settings: the cache-friendly class;
- `own`: everyone types their own text, which holds a marker word unique to that student: a student's
  first change (after the same random wait: reading the page, typing) is their own text. After each
  run the page's output must hold that student's marker and no other student's: a cross-talk check
  that fails loudly (exit status 1) along with any error. `--burst` is the stress case: every
  student commits their own text the moment the page opens, all at once, on the fresh server.

It prints p50/p95/max rerun latency per page (first opens apart), the errors, and the server's RSS
over time (psutil). Never a pass/fail on timings: the numbers are for reading.

    .venv/bin/python bench/load.py                        # a fresh server, 30 students, both mixes
    .venv/bin/python bench/load.py --users 4 --duration 20 --json out.json
    .venv/bin/python bench/load.py --url http://host:8501 --pid 1234   # an existing server
"""

from __future__ import annotations

# locust patches the standard library with gevent on import: it comes before everything else
from locust import User, between, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import itertools
import json
import os
import random
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import ClassVar

import gevent
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.streamlit_client import FILLER, MARKERS, ProtocolError, SyncSession, cross_talk  # noqa: E402
from tests.browser.harness import streamlit_process  # noqa: E402

PAGES = ("LSTM_gates", "ELMo_senses", "Transformer_attention", "Lessons", "Compare")
LESSON_LINKS = {  # the home page's "Try" links
    "LSTM_gates": "text=She+said+%22the+bank+is+closed%22+and+walked+on.+%22Not+again%2C%22+he+sighed."
    "&q=c&order=pattern",
    "ELMo_senses": "preset=play&word=play",
    "Transformer_attention": "text=The+river+bank+was+steep%2C+so+we+fished+from+the+bridge.&stat=previous",
    "Lessons": "lesson=heads&step=1",  # a teacher's lesson link (Lessons page, "Copy lesson link")
}
LESSON_TEXTS = [  # the `same` mix types one of these
    "The river bank was steep, so we fished from the bridge.",
    'She said "the bank is closed" and walked on.',
    "The keys to the cabinet are on the table.",
]
SETTINGS = {  # widgets (by key) a student may change besides the text, per page
    "LSTM_gates": ["unit", "top", "q", "order", "layer"],
    "ELMo_senses": ["preset", "w0", "w2", "map"],
    "Transformer_attention": ["layer", "head", "rollout", "stat", "mode", "words"],
    "Lessons": ["next", "next", "back"],  # the class walks through the steps
    "Compare": ["which", "head"],
}
TEXT_KEYS = {"ELMo_senses": "sentences", "Lessons": "ltext"}  # the text box's key where it is not "text"


class Student(User):
    """One student: a websocket session on one page, a change every `wait` seconds or so."""

    wait_time = between(10, 30)
    host = "http://127.0.0.1:8501"
    mix = "same"
    burst = False
    pages: tuple[str, ...] = PAGES
    record: ClassVar[list[dict]] = []
    numbers = itertools.count()
    users = len(MARKERS)

    def on_start(self) -> None:
        self.number = next(Student.numbers)
        self.page = self.pages[self.number % len(self.pages)]
        self.marker = MARKERS[self.number % len(MARKERS)]
        self.rng = random.Random(self.number)
        self.session = SyncSession(self.host, self.page, LESSON_LINKS.get(self.page, ""), timeout=300)
        self._act("open", lambda: self.session.open(), check=False)
        if self.mix == "own" and self.burst:  # the stress case: the whole class commits its own text at once
            self._act("text", lambda: self.session.rerun(self._text_changes(self._own_text())))
        gevent.sleep(self.rng.uniform(0, self.wait_time()))  # reading, typing: the class's clicks spread out
        if self.mix == "own" and not self.burst:  # a student's first change is their own text
            self._act("text", lambda: self.session.rerun(self._text_changes(self._own_text())))

    def on_stop(self) -> None:
        self.session.close()

    @task
    def change_something(self) -> None:
        keys = [k for k in SETTINGS[self.page] if k in self.session.widgets]
        if self.mix == "own":  # a preset would replace the student's own sentences
            keys = [k for k in keys if k != "preset"]
        if self.rng.random() < 0.4 or not keys:
            text = self._own_text() if self.mix == "own" else self.rng.choice(LESSON_TEXTS)
            if self.page == "ELMo_senses" and self.mix == "same":
                return self._act("preset", lambda: self.session.rerun({"preset": self.rng.choice(["bank", "play"])}))
            return self._act("text", lambda: self.session.rerun(self._text_changes(text)))
        key = self.rng.choice(keys)
        value = random_value(self.session.widget(key), self.rng)
        if key == "preset":  # a lesson's presets, not "my own sentences"
            value = self.rng.choice([o for o in self.session.widget(key).proto.options if o != "my own sentences"])
        self._act(key, lambda: self.session.rerun({key: value}))

    def _text_changes(self, text: str) -> dict:
        if self.page == "Compare":  # a minimal pair: both sentences hold the student's word
            return {"a": text, "b": text.removesuffix(".") + " again."}
        changes = {"word": "bank"} if self.page == "ELMo_senses" else {}
        return {**changes, TEXT_KEYS.get(self.page, "text"): text}

    def _own_text(self) -> str:
        """A text only this student types: its marker word among random filler words."""
        if self.page == "ELMo_senses":
            sense = [("river", "we sat on the bank of the stream"), ("money", "the bank lent us money")]
            return "\n".join(
                f"{label}\t{self.marker} said {' '.join(self.rng.sample(FILLER.split(), 3))} and {sentence}."
                for label, sentence in sense * 8
            )
        words = self.rng.sample(FILLER.split(), 8)
        words.insert(self.rng.randrange(len(words)), self.marker)
        return " ".join(words).capitalize() + "."

    def _act(self, action: str, run, check: bool = True) -> None:
        started, error, result, checked = time.time(), "", None, False
        try:
            result = run()
            error = "; ".join(result.errors) or (
                "" if "SUCCESSFULLY" in result.status else f"script ended {result.status}"
            )
            if not error and check and self.mix == "own":
                error, checked = cross_talk(result, self.marker, MARKERS[: Student.users]), True
        except (ProtocolError, OSError, KeyError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        if error:
            error = f"{action}: {error}"
        seconds = result.seconds if result else time.time() - started
        Student.record.append(
            {
                "mix": self.mix,
                "page": self.page,
                "action": action,
                "seconds": seconds,
                "t": started,
                "error": error,
                "checked": checked,
            }
        )
        self.environment.events.request.fire(
            request_type=self.page,
            name=action,
            response_time=seconds * 1000,
            response_length=result.bytes_received if result else 0,
            exception=RuntimeError(error) if error else None,
            context={},
        )


def random_value(widget, rng: random.Random):
    """A valid random value for a select box, radio, slider, number input or toggle."""
    proto = widget.proto
    if widget.kind in ("selectbox", "radio"):
        return rng.choice(list(proto.options))
    if widget.kind == "checkbox":
        return rng.random() < 0.5
    if widget.kind == "button":
        return True
    if widget.kind == "number_input":
        return rng.randint(int(proto.min), int(proto.max))
    if widget.kind == "slider":
        steps = round((proto.max - proto.min) / proto.step)
        values = sorted(proto.min + proto.step * rng.randint(0, steps) for _ in range(len(proto.default)))
        return [round(v, 6) for v in values]
    raise KeyError(f"no random value for a {widget.kind}")


def fresh_server():
    """`streamlit run app.py` in a new process (numba's cache in .numba_cache, offline): yields (url, pid)."""
    env = {"NUMBA_CACHE_DIR": str(ROOT / ".numba_cache"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return streamlit_process(env=env)


def watch_rss(pid: int, samples: list, every: float = 2.0) -> None:
    """Append (time, RSS bytes, CPU seconds) of the server process every `every` seconds."""
    process = psutil.Process(pid)
    while True:
        try:
            cpu = process.cpu_times()
            samples.append((time.time(), process.memory_info().rss, cpu.user + cpu.system))
        except psutil.Error:
            return
        gevent.sleep(every)


def run_mix(
    url: str, mix: str, users: int, duration: float, wait: float, pages: tuple[str, ...], burst: bool = False
) -> None:
    Student.host, Student.mix, Student.pages, Student.burst = url, mix, pages, burst
    Student.wait_time = between(wait * 0.5, wait * 1.5)
    Student.numbers, Student.users = itertools.count(), users
    environment = Environment(user_classes=[Student])
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)  # the whole class opens the link at once
    gevent.spawn_later(duration, runner.quit)
    runner.greenlet.join()


def summary(rows: list[dict], mix: str) -> dict:
    """Per page: first opens and reruns (p50/p95/max seconds), error count and the first errors."""
    out = {}
    for page in sorted({r["page"] for r in rows if r["mix"] == mix}):
        mine = [r for r in rows if r["mix"] == mix and r["page"] == page]
        entry = {"errors": [r["error"] for r in mine if r["error"]], "checked": sum(r["checked"] for r in mine)}
        for name in ("open", "rerun"):
            part = [r for r in mine if (r["action"] == "open") == (name == "open") and not r["error"]]
            seconds = np.array([r["seconds"] for r in part]) if part else np.zeros(0)
            entry[name] = {
                "n": len(part),
                **{k: float(np.percentile(seconds, q)) if part else None for k, q in (("p50", 50), ("p95", 95))},
                "max": float(seconds.max()) if part else None,
            }
        out[page] = entry
    return out


PAGE_TARGET, CLASS_TARGET = 3.0, 5.0  # s, issue 24 kind 8 (bench/first_paint.py measures both from a cold server)


def print_first_minute(report: dict) -> None:
    """Issue 24, kind 8's two targets against this run's first opens (open -> the first run's end, every mix)."""
    opens = [r for r in report["runs"] if r["action"] == "open" and not r["error"]]
    if not opens:
        return
    seconds = np.array([r["seconds"] for r in opens])
    slowest = {}
    for r in opens:
        slowest[r["page"]] = max(slowest.get(r["page"], 0.0), r["seconds"])
    p95 = float(np.percentile(seconds, 95))
    over = [f"{page} {s:.1f} s" for page, s in sorted(slowest.items()) if s > PAGE_TARGET]
    print(f"\nissue 24, kind 8 (first opens of this run, {len(opens)} of them; a cold server: bench/first_paint.py):")
    print(
        f"  target 1, every page's first view <= {PAGE_TARGET:g} s: "
        + ("met" if not over else "NOT met: slowest open " + ", ".join(over))
    )
    verdict = "met" if p95 <= CLASS_TARGET else "NOT met"
    print(f"  target 2, the class's first opens p95 <= {CLASS_TARGET:g} s: p95 {p95:.1f} s, {verdict}")


def print_report(report: dict) -> None:
    def fmt(x):
        return "   -  " if x is None else f"{x:6.2f}"

    for mix, pages in report["mixes"].items():
        users, duration, wait = report["users"], report["duration"], report["wait"]
        burst = ", own texts committed at once on opening" if report.get("burst") and mix == "own" else ""
        print(f"\nmix '{mix}' ({users} students, {duration:.0f} s, a change every ~{wait} s{burst})")
        head = f"{'opens':>5} {'p50':>6} {'max':>6} | {'reruns':>6} {'p50':>6} {'p95':>6} {'max':>6}"
        print(f"  {'page':24} {head} | errors | cross-talk checks passed")
        for page, e in pages.items():
            o, r = e["open"], e["rerun"]
            print(
                f"  {page:24} {o['n']:5d} {fmt(o['p50'])} {fmt(o['max'])} | {r['n']:6d} {fmt(r['p50'])} "
                f"{fmt(r['p95'])} {fmt(r['max'])} | {len(e['errors']):6d} | {e['checked'] - len(e['errors'])}"
            )
            for error in e["errors"][:5]:
                print(f"      {error}")
    print_first_minute(report)
    rss = report["rss"]
    if rss:
        t0 = rss[0][0]
        line = ", ".join(f"{t - t0:.0f}s {r / 2**30:.2f}" for t, r, _ in rss[:: max(1, len(rss) // 12)])
        print(f"\nserver RSS (GB) over time: {line}; max {max(r for _, r, _ in rss) / 2**30:.2f} GB")
        print(f"server CPU seconds in the run: {rss[-1][2] - rss[0][2]:.0f} over {rss[-1][0] - t0:.0f} s")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an existing server (default: start a fresh one)")
    parser.add_argument("--pid", type=int, help="the existing server's process id, for its RSS")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", type=float, default=180, help="seconds per mix")
    parser.add_argument("--wait", type=float, default=20, help="mean seconds between a student's changes")
    parser.add_argument("--mix", nargs="+", default=["same", "own"], choices=["same", "own"])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument(
        "--burst", action="store_true", help="own mix: every student commits a text at once, right after opening"
    )
    args = parser.parse_args()
    if "own" in args.mix and args.users > len(MARKERS):
        parser.error(f"the 'own' mix has {len(MARKERS)} marker words: at most {len(MARKERS)} users")

    server = nullcontext((args.url, args.pid)) if args.url else fresh_server()
    with server as (url, pid):
        samples: list = []
        watcher = gevent.spawn(watch_rss, pid, samples) if pid else None
        for mix in args.mix:
            run_mix(url, mix, args.users, args.duration, args.wait, tuple(args.pages), args.burst)
        if watcher:
            watcher.kill()
    report = {
        "users": args.users,
        "duration": args.duration,
        "wait": args.wait,
        "burst": args.burst,
        "mixes": {mix: summary(Student.record, mix) for mix in args.mix},
        "rss": samples,
        "load": os.getloadavg(),
        "runs": Student.record,  # every action: mix, page, action, seconds, t (start, epoch s), error
    }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    errors = [e for pages in report["mixes"].values() for page in pages.values() for e in page["errors"]]
    crosstalk = [e for e in errors if "CROSS-TALK" in e]
    if crosstalk:
        print(f"\nFAIL: {len(crosstalk)} cross-talk results, e.g. {crosstalk[0]}", file=sys.stderr)
    elif errors:
        print(f"\nFAIL: {len(errors)} errors, e.g. {errors[0]}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
