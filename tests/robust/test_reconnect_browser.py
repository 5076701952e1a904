"""Issue 24, kind 2, in a real browser: a laptop that sleeps through part of a lesson comes back to its own
session, the learner's answer included, and the next click works.

The network cut is real for both ends: every websocket of the page runs through playwright's
`route_web_socket`, so cutting closes the browser's socket and the server's, and every reconnect the
frontend tries during the cut is refused. The server then holds the session for
`server.disconnectedSessionTTL` seconds (.streamlit/config.toml: 2700; Streamlit's default is 120).
The control run starts the server with a 20 s TTL and cuts for 30 s: the answer is lost, which shows the
cut really drops the session (and that the shipped setting, not luck, keeps it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.browser.harness import streamlit_process

pytestmark = [pytest.mark.browser, pytest.mark.robust]

LESSON = "/Lessons?lesson=bank&step=3"  # a step with a question (the axe test of tests/browser answers it too)


class Network:
    """The page's websockets through a switch: `cut()` closes every open one (both ends) and refuses new
    ones until `restore()`. Counts the connections the frontend opened."""

    def __init__(self) -> None:
        self.down = False
        self.open: list[tuple[WebSocketRoute, WebSocketRoute]] = []
        self.connected = 0
        self.refused = 0

    def route(self, ws: WebSocketRoute) -> None:
        if self.down:
            self.refused += 1
            ws.close()
            return
        self.open.append((ws, ws.connect_to_server()))
        self.connected += 1

    def cut(self) -> None:
        self.down = True
        for page_side, server_side in self.open:
            page_side.close()
            server_side.close()
        self.open.clear()

    def restore(self) -> None:
        self.down = False


def answer_the_question(page: Page) -> None:
    page.get_by_test_id("stRadioGroup").get_by_text("layer 2", exact=True).click()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".st-key-reveal")).to_be_visible()


def sleep_and_wake(page: Page, network: Network, seconds: float) -> None:
    """The laptop sleeps `seconds` with the network gone, then wakes; returns once the frontend has a new
    websocket and its run after reconnecting is over."""
    before = network.connected
    network.cut()
    page.wait_for_timeout(3000)
    assert network.refused >= 1, "the frontend did not notice the cut (no reconnect attempt was refused)"
    page.wait_for_timeout(seconds * 1000 - 3000)
    network.restore()
    deadline = time.monotonic() + 60
    while network.connected == before and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert network.connected > before, "the frontend did not reconnect within 60 s"
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)  # "Connecting" / "Running" gone
    page.wait_for_timeout(3000)


def lesson_after_a_sleep(browser: Browser, tmp_path: Path, seconds: float, ttl: int | None) -> Iterator[Page]:
    """Answer a lesson question, sleep through `seconds` of network cut on a fresh server (`ttl`: the
    server's disconnectedSessionTTL, None for the shipped .streamlit/config.toml); the page after waking."""
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(ttl)} if ttl is not None else {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(90_000)
    page = context.new_page()
    network = Network()
    page.route_web_socket(re.compile(r"/_stcore/stream"), network.route)
    with streamlit_process(tmp_path / "streamlit.log", env) as (url, _):
        page.goto(url + LESSON)
        answer_the_question(page)
        sleep_and_wake(page, network, seconds)
        yield page
    context.close()


def next_then_back(page: Page) -> int:
    """Next, then Back, with the lesson's own buttons; the clicks Next needed (a dead session's page lets
    the first click go nowhere)."""
    clicks = 0
    for _ in range(3):
        page.get_by_role("button", name="Next").first.click()
        clicks += 1
        try:
            expect(page.get_by_text(re.compile(r"^Step 4 of \d+$"))).to_be_visible(timeout=20_000)
            break
        except AssertionError:
            continue
    expect(page.get_by_text(re.compile(r"^Step 4 of \d+$"))).to_be_visible()
    page.wait_for_url(re.compile(r"step=4\b"))
    page.get_by_role("button", name="Back").first.click()
    expect(page.get_by_text(re.compile(r"^Step 3 of \d+$"))).to_be_visible()
    page.wait_for_timeout(2000)
    return clicks


def test_an_answer_survives_a_150_s_sleep_and_the_next_click_works(browser, tmp_path):
    """The issue's case: 150 s without a network, longer than Streamlit's default TTL (120 s)."""
    for page in lesson_after_a_sleep(browser, tmp_path, seconds=150, ttl=None):
        expect(page.locator(".st-key-reveal")).to_be_visible()
        expect(page.locator(".st-key-reveal")).to_contain_text("You said layer 2")
        assert next_then_back(page) == 1  # the first click works: the page still talks to its session
        expect(page.locator(".st-key-reveal")).to_be_visible()  # the answer is the session's, not a leftover
        expect(page.locator(".st-key-reveal")).to_contain_text("You said layer 2")


def test_control_a_ttl_shorter_than_the_sleep_loses_the_answer(browser, tmp_path):
    """The same cut against a server that keeps a disconnected session 20 s: the page still shows the
    answer, but back on the step after one Next it is gone (the link still brings back the lesson and step).
    This is what Streamlit's default TTL (120 s) did to a 150 s sleep."""
    for page in lesson_after_a_sleep(browser, tmp_path, seconds=30, ttl=20):
        next_then_back(page)
        expect(page.locator(".st-key-reveal")).to_have_count(0)
        expect(page.get_by_text("Commit an answer to see what the model says.")).to_be_visible()
