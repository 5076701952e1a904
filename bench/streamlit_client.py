"""A small Streamlit client that speaks the app's own websocket protocol, for load tests.

It does what the browser's frontend does, with the protobuf messages that ship inside the
`streamlit` package (streamlit.proto.BackMsg_pb2 / ForwardMsg_pb2), over `/_stcore/stream`:

- connect, then send `BackMsg.rerun_script` with a `ClientState` carrying the page's query string
  and its page name (the page's URL path, e.g. "Transformer_attention"; "" is the home page);
- read `ForwardMsg`s: `new_session`, deltas (`new_element`, `add_block`), until `script_finished`;
- remember every widget the script drew (id, kind, its user key, the fragment it lives in), so a
  later `rerun({"text": "..."})` sends that widget's new value by id, as a fragment rerun when the
  widget lives in an `st.fragment`, exactly as the frontend does.

Sending no `cached_message_hashes` asks the server for every message in full (no `ref_hash`).

    async with Session("http://127.0.0.1:8501", page="Transformer_attention", query="text=hi") as s:
        first = await s.open()            # a RunResult: seconds, status, elements, errors, text
        again = await s.rerun({"text": "The river bank."})
        assert "river" in again.text
"""

from __future__ import annotations

import asyncio
import html
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

WIDGET_KINDS = {  # element field -> the WidgetState value the frontend sends for it
    "text_area": "string_value",
    "text_input": "string_value",
    "selectbox": "string_value",
    "radio": "string_value",
    "slider": "double_array_value",
    "number_input": "double_value",
    "checkbox": "bool_value",
    "button": "trigger_value",
}
FINISHED = ForwardMsg.ScriptFinishedStatus
_TAG = re.compile(r"<[^>]+>")
_BDATA = re.compile(r'"bdata":\s*"[^"]*"')  # plotly's base64 arrays: random letters, not text


class ProtocolError(RuntimeError):
    """The server closed the stream, sent something unexpected, or a run took too long."""


@dataclass
class Widget:
    id: str
    kind: str  # element field: "text_area", "slider", ...
    key: str  # the user key the page gave it ("" if none)
    fragment_id: str  # "" when drawn by the full script run
    proto: Any  # the widget's element proto (label, options, min, max, ...)


@dataclass
class RunResult:
    """One script run as the browser saw it."""

    seconds: float  # from sending the rerun request to `script_finished`
    status: str  # "FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY", ...
    elements: list[tuple[str, Any]] = field(default_factory=list)  # (element field, element proto)
    errors: list[str] = field(default_factory=list)  # exceptions shown, error alerts
    bytes_received: int = 0

    @property
    def text(self) -> str:
        """Every string the run drew: markdown, captions, HTML (tags removed), chart specs, tables."""
        return "\n".join(_element_text(kind, proto) for kind, proto in self.elements)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.elements]

    @property
    def ok(self) -> bool:
        return not self.errors and self.status != "FINISHED_WITH_COMPILE_ERROR"


def _element_text(kind: str, proto: Any) -> str:
    parts: list[str] = []
    for _, value in proto.ListFields():
        if isinstance(value, str):
            parts.append(html.unescape(_TAG.sub("", value)) if kind == "html" else _BDATA.sub("", value))
        elif isinstance(value, bytes):
            parts.append(value.decode("utf-8", errors="ignore"))
        elif hasattr(value, "ListFields"):
            parts.append(_element_text(kind, value))
    return " ".join(parts)


def user_key(widget_id: str) -> str:
    """`$$ID-<hash>-<key>` -> `key` (Streamlit's id for a widget with a user key)."""
    parts = widget_id.split("-", 2)
    return parts[2] if widget_id.startswith("$$ID-") and len(parts) == 3 else ""


def state_for(widget: Widget, value: Any, message: Any) -> None:
    """Fill a WidgetState proto with `value` the way the frontend encodes `widget`'s kind."""
    message.id = widget.id
    field_name = WIDGET_KINDS[widget.kind]
    if field_name == "double_array_value":
        values = value if isinstance(value, (list, tuple)) else [value]
        message.double_array_value.data.extend(float(v) for v in values)
    elif field_name == "double_value":
        message.double_value = float(value)
    elif field_name == "bool_value":
        message.bool_value = bool(value)
    elif field_name == "trigger_value":
        message.trigger_value = True
    else:
        message.string_value = str(value)


class _Client:
    """What the frontend keeps between runs (widgets, values, the page's hash) and how it reads messages."""

    def __init__(self, url: str = "http://127.0.0.1:8501", page: str = "", query: str = "", timeout: float = 120.0):
        parts = urllib.parse.urlsplit(url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.page = page.removeprefix("/")
        self.query = query.removeprefix("?")
        self.timeout = timeout
        self.widgets: dict[str, Widget] = {}  # by user key (or id when it has none)
        self.values: dict[str, Any] = {}  # widget id -> value this client has set
        self.page_script_hash = ""

    def widget(self, key: str) -> Widget:
        try:
            return self.widgets[key]
        except KeyError:
            raise KeyError(f"no widget with key {key!r} on this page; known: {sorted(self.widgets)}") from None

    def _request(self, changes: dict[str, Any] | None = None, fragment: bool = True) -> bytes:
        """The serialized `BackMsg.rerun_script` for the first run (no changes) or a widget change."""
        changes = changes or {}
        targets = [self.widget(key) for key in changes]
        for widget, value in zip(targets, changes.values(), strict=True):
            self.values[widget.id] = value
            self._unbind(widget)
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.page_script_hash = self.page_script_hash
        by_id = {w.id: w for w in self.widgets.values()}
        for widget_id, value in self.values.items():
            if widget_id in by_id:
                state_for(by_id[widget_id], value, state.widget_states.widgets.add())
        for widget in targets:
            if widget.kind == "button":  # a trigger fires once: not remembered
                self.values.pop(widget.id, None)
        fragments = {w.fragment_id for w in targets}
        if fragment and targets and len(fragments) == 1 and "" not in fragments:
            state.fragment_id = fragments.pop()
        return message.SerializeToString()

    def _unbind(self, widget: Widget) -> None:
        """The browser rewrites `?key=` when a bound widget changes; this client drops it (the session
        holds the value), so a later run never reads a stale value from the link."""
        key = getattr(widget.proto, "query_param_key", "")
        if key:
            pairs = urllib.parse.parse_qsl(self.query, keep_blank_values=True)
            self.query = urllib.parse.urlencode([(k, v) for k, v in pairs if k != key])

    def _handle(self, data: bytes | str, result: RunResult) -> None:
        if isinstance(data, str):
            raise ProtocolError("text frame from the server; Streamlit sends binary protobufs")
        result.bytes_received += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "navigation":  # names the page that ran (new_session's hash is the main script's)
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":  # the server rewrote the URL's query (widgets bound to it)
            self.query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            result.errors.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "ref_hash":
            raise ProtocolError("the server sent a cached-message reference; this client caches nothing")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, msg.delta.fragment_id, result)
        elif kind == "script_finished":
            status = FINISHED.Name(msg.script_finished)
            if msg.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN:
                result.status = status

    def _element(self, element: Any, fragment_id: str, result: RunResult) -> None:
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        result.elements.append((kind, proto))
        if kind == "exception":
            result.errors.append(f"{proto.type}: {proto.message}")
        elif kind == "alert" and proto.format == proto.ERROR:
            result.errors.append(f"error shown: {proto.body}")
        elif kind in WIDGET_KINDS and getattr(proto, "id", ""):
            key = user_key(proto.id) or proto.id
            self.widgets[key] = Widget(proto.id, kind, user_key(proto.id), fragment_id, proto)


class Session(_Client):
    """One browser tab (asyncio): a websocket session on one page of a running Streamlit server."""

    _ws: Any = None

    async def __aenter__(self) -> Session:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout, compression=None
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def open(self) -> RunResult:
        """The first run of the page, as when the link is opened."""
        return await self._run(self._request())

    async def rerun(self, changes: dict[str, Any] | None = None, *, fragment: bool = True) -> RunResult:
        """Set widgets (by user key) to new values and wait for the rerun they cause.

        When every changed widget lives in the same `st.fragment` (and `fragment` is true), only that
        fragment reruns, as in the browser."""
        return await self._run(self._request(changes, fragment))

    async def _run(self, request: bytes) -> RunResult:
        if self._ws is None:
            await self.connect()
        start, result = time.perf_counter(), RunResult(seconds=0.0, status="")
        try:
            async with asyncio.timeout(self.timeout):
                await self._ws.send(request)
                while not result.status:
                    self._handle(await self._ws.recv(), result)
        except TimeoutError:
            raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as exc:
            raise ProtocolError(f"the server closed the stream: {exc}") from None
        result.seconds = time.perf_counter() - start
        return result


class SyncSession(_Client):
    """The same, blocking (websockets' sync client): for locust users, which run in gevent greenlets."""

    _ws: Any = None

    def __enter__(self) -> SyncSession:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        from websockets.sync.client import connect

        self._ws = connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout, compression=None
        )

    def close(self) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    def open(self) -> RunResult:
        return self._run(self._request())

    def rerun(self, changes: dict[str, Any] | None = None, *, fragment: bool = True) -> RunResult:
        return self._run(self._request(changes, fragment))

    def _run(self, request: bytes) -> RunResult:
        if self._ws is None:
            self.connect()
        start, result = time.perf_counter(), RunResult(seconds=0.0, status="")
        deadline = start + self.timeout
        try:
            self._ws.send(request)
            while not result.status:
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError
                self._handle(self._ws.recv(timeout=left), result)
        except TimeoutError:
            raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from None
        except websockets.ConnectionClosed as exc:
            raise ProtocolError(f"the server closed the stream: {exc}") from None
        result.seconds = time.perf_counter() - start
        return result


# Marker words for the cross-talk check: single tokens in MiniLM's vocabulary, none inside another, so a
# student's marker shows up whole in every page; FILLER pads a student's text around it.
MARKERS = [
    "zebra", "penguin", "dolphin", "tiger", "lizard", "parrot", "falcon", "beaver", "badger", "rabbit", "turtle",
    "salmon", "camel", "donkey", "monkey", "spider", "hornet", "jaguar", "leopard", "panther", "cobra", "moose",
    "lobster", "oyster", "vulture", "gorilla", "squirrel", "kangaroo", "pigeon", "sparrow", "rhino", "weasel",
    "eagle", "heron", "crane", "goat",
]  # fmt: skip
FILLER = "the old river ran past a quiet town where people walked slowly in the rain and talked"


def cross_talk(result: RunResult, marker: str, markers: list[str]) -> str:
    """ "" if the run's output holds `marker` and none of the other `markers` (case-insensitive), else why not.

    Each simulated user types its own marker word: another's in its output means two sessions mixed."""
    text = result.text.lower()
    others = [m for m in markers if m != marker and _word(m).search(text)]
    if others:
        where = [
            f"{kind}: ...{t[max(0, found.start() - 60) : found.end() + 40]!r}..."
            for kind, proto in result.elements
            for t in [_element_text(kind, proto).lower()]
            for m in others
            if (found := _word(m).search(t))
        ]
        return f"CROSS-TALK: the session of {marker!r} drew other sessions' words {others} in {where[:3]}"
    if not _word(marker).search(text):
        return f"CROSS-TALK: the session's output lacks its own word {marker!r}"
    return ""


def _word(word: str) -> re.Pattern:
    """`word` on its own (no letter or digit either side), lower case."""
    return re.compile(rf"(?<![a-z0-9]){re.escape(word.lower())}(?![a-z0-9])")


async def run_once(url: str, page: str, query: str = "", changes: dict[str, Any] | None = None) -> list[RunResult]:
    """Open `page` (and apply `changes` once): the runs, for a quick look from the command line."""
    async with Session(url, page, query) as session:
        runs = [await session.open()]
        if changes:
            runs.append(await session.rerun(changes))
        return runs


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Open one page of a running app and print what it drew.")
    parser.add_argument("page", nargs="?", default="", help='page name, e.g. Transformer_attention ("" = home)')
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--query", default="")
    parser.add_argument("--set", nargs=2, action="append", metavar=("KEY", "VALUE"), default=[])
    args = parser.parse_args()
    for run in asyncio.run(run_once(args.url, args.page, args.query, dict(args.set))):
        print(f"{run.status} in {run.seconds:.2f} s, {run.bytes_received:,} bytes, errors: {run.errors or 'none'}")
        print("  elements:", ", ".join(run.kinds()))
