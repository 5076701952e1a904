"""The home page in a real browser: it renders, its links open their pages, its URL is shareable."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.conftest import enter_text, screenshot, text_box, wait_for_app
from ui.page import PAGES


def test_home_renders(page, server, shots):
    page.goto(server)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Look inside three landmark NLP models")).to_be_visible()
    expect(page.locator('[data-testid="stImage"] img')).to_be_visible()
    screenshot(page, shots, "home")


def test_every_link_on_home_resolves(page, server):
    page.goto(server)
    wait_for_app(page)
    links = page.locator('[data-testid="stPageLink"] a')
    expect(links).to_have_count(len(PAGES) + 7)  # the sidebar, the pointer to the Lessons, 3 x (open, "Try:")
    targets = sorted({links.nth(i).get_attribute("href") for i in range(links.count())})
    assert len(targets) == len(PAGES) + 3  # every page, and 3 of them again with a question's settings
    titles = {Path(path).stem.split("_", 1)[1]: title for path, title, _ in PAGES[1:]}
    for href in targets:
        page.goto(href if href.startswith("http") else server + "/" + href.lstrip("/"))
        page.wait_for_selector("h1")  # not every page has a text box in its sidebar (Lessons, Compare)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        name = urlparse(page.url).path.strip("/")
        if "?" in href:  # the "Try:" links carry their settings into the page's own widgets
            expect(page.locator('[data-testid="stSidebar"] textarea').first).not_to_have_value("")
        if name:
            expect(page.locator("h1").first).to_contain_text(titles[name].split()[0])


def test_query_param_url_round_trips(page, server, browser):
    page.goto(f"{server}/?text=The+river+bank+flooded.")
    wait_for_app(page)
    expect(text_box(page)).to_have_value("The river bank flooded.")

    enter_text(page, "Money sits in the bank.")
    page.wait_for_url(lambda url: "Money" in url)
    assert parse_qs(urlparse(page.url).query)["text"] == ["Money sits in the bank."]

    fresh = browser.new_context().new_page()
    fresh.goto(page.url)
    wait_for_app(fresh)
    expect(text_box(fresh)).to_have_value("Money sits in the bank.")
    fresh.context.close()


def test_no_page_asks_anything_of_the_internet(page, server):
    """No CDN, no fonts, no telemetry: every request stays on the app's own server."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("", "/LSTM_gates", "/ELMo_senses?compare=false", "/Transformer_attention"):
        page.goto(server + path)
        wait_for_app(page)
        page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg, [data-testid="stImage"] img')
    outside = [url for url in requested if not url.startswith((server, "data:", "blob:"))]
    assert requested and not outside, outside
