"""A live `streamlit run` server and Debian's chromium driven by playwright.

Never `playwright install`: it downloads a browser. The browser is /usr/bin/chromium (installed by
`make test`), started headless with the flags that keep it off the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server

TIMEOUT_MS = 90_000  # the first call of a page loads its model (a few seconds on 2 cores)

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    with streamlit_server(tmp_path_factory.mktemp("server") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go (printed by the test so a person can look at them)."""
    return tmp_path_factory.mktemp("screenshots")


def text_box(page: Page):
    return page.locator('[data-testid="stSidebar"] textarea').first


def enter_text(page: Page, text: str) -> None:
    """Type the text into the sidebar box and commit it (Ctrl+Enter), as a user would."""
    box = text_box(page)
    box.fill(text)
    box.press("Control+Enter")


def wait_for_app(page: Page) -> None:
    page.wait_for_selector('[data-testid="stSidebar"] textarea')


def wait_for_chart(page: Page, count: int = 1) -> None:
    """Wait until `count` plotly charts have drawn their SVG."""
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(count - 1)).to_be_attached()


def screenshot(page: Page, shots: Path, name: str) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
