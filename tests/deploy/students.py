"""Simulated students for a replicated server: each a browser tab behind nginx, with its own text.

A student opens the front page first (nginx sets its sticky cookie, as for a browser), then the
attention page over Streamlit's websocket, with a marker word only it types, then clicks through
heads (fragment reruns). Every run is checked: the student's own marker is in the output, nobody
else's is, and the head drawn is the one it asked for. When its websocket drops (its replica died)
it reconnects: a new session from the page's URL, which holds every input (a browser gets the
same on its next full rerun or a reload; see tests/deploy/test_browser_through_nginx.py).
"""

from __future__ import annotations

import random
import time
import urllib.parse
from dataclasses import dataclass, field

import websockets

from bench.streamlit_client import FILLER, MARKERS, ProtocolError, RunResult, Session
from tests.deploy.cluster import COOKIE

PAGE = "Transformer_attention"


class StickySession(Session):
    """A Session that carries the sticky cookie nginx gave this browser on its first page load."""

    def __init__(self, url: str, page: str, query: str, cookie: str, timeout: float = 300.0):
        super().__init__(url, page, query, timeout=timeout)
        self.cookie = cookie

    async def connect(self) -> None:
        self._ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=self.timeout,
            compression=None,
            additional_headers={"Cookie": f"{COOKIE}={self.cookie}"},
        )


@dataclass
class Student:
    number: int
    cookie: str  # the sticky key nginx set on the first page load
    replica: str  # where nginx sent that first page
    url: str
    layer: int = 1
    head: int = 1
    filler: str = "slept by the river bank all afternoon"
    reconnects: int = 0
    seconds: list[float] = field(default_factory=list)  # every run's latency
    runs: list[tuple[float, str, float]] = field(default_factory=list)  # (when finished, what, seconds)
    problems: list[str] = field(default_factory=list)
    session: StickySession | None = None

    @property
    def marker(self) -> str:
        return MARKERS[self.number % len(MARKERS)]

    @property
    def text(self) -> str:
        return f"The {self.marker} {self.filler}."

    def query(self) -> str:
        """The page's URL query, as the browser's address bar holds it (every input is bound to it)."""
        return urllib.parse.urlencode({"text": self.text, "layer": self.layer, "head": self.head})

    async def open(self, *, retry: bool = True) -> None:
        """Load the page from its URL; if the websocket drops on the way, reconnect once (and say so)."""
        self.session = StickySession(self.url, PAGE, self.query(), self.cookie)
        try:
            await self.session.connect()
            result = await self.session.open()
        except (ProtocolError, OSError, websockets.InvalidStatus):
            await self.session.close()
            if not retry:
                raise
            self.reconnects += 1
            await self.open(retry=False)
            return
        self._check(result, "open")

    async def click_head(self, rng: random.Random) -> None:
        """Focus another head (a fragment rerun); reconnect (and say so) if the websocket is gone."""
        self.layer, self.head = rng.randint(1, 6), rng.randint(1, 12)
        await self._change({"layer": self.layer, "head": self.head}, "click")

    async def retype(self, rng: random.Random) -> None:
        """Type a new text, still with this student's marker (a full rerun of the page)."""
        self.filler = " ".join(rng.sample(FILLER.split(), 6))
        await self._change({"text": self.text}, "text")

    async def _change(self, changes: dict, what: str) -> None:
        try:
            result = await self.session.rerun(changes)
        except ProtocolError:
            self.reconnects += 1
            await self.session.close()
            await self.open(retry=False)
            return
        self._check(result, what)

    def _check(self, result: RunResult, what: str) -> None:
        self.seconds.append(result.seconds)
        self.runs.append((time.monotonic(), what, result.seconds))
        text = result.text
        if not result.ok:
            self.problems.append(f"{what}: {result.errors}")
        if self.marker not in text:
            self.problems.append(f"{what}: lost its own text ({self.marker})")
        others = [m for m in MARKERS if m != self.marker and m in text]
        if others:
            self.problems.append(f"{what}: saw another student's text {others}")
        if f'"Layer {self.layer}, head {self.head}"' not in text:  # the heatmap's title, quoted in its spec
            self.problems.append(f"{what}: lost its place (layer {self.layer}, head {self.head})")

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


def enrol(cluster, count: int, *, both_replicas: int = 1, limit: int = 40) -> list[Student]:
    """`count` students (more if needed, up to `limit`) until each replica has at least `both_replicas`."""
    students: list[Student] = []
    while len(students) < limit:
        cookie = cluster.new_visitor()
        students.append(Student(len(students), cookie, cluster.replica_of(cookie), cluster.url))
        spread = [sum(s.replica == r.addr for s in students) for r in cluster.replicas]
        if len(students) >= count and min(spread) >= both_replicas:
            break
    return students


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")
