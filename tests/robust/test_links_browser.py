"""Issue 24, kind 5, in a real browser: a teacher's link keeps its hidden controls on every page a
student opens from the sidebar, and every repeated `hide=` counts."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.robust]


def sidebar_control(page, key: str):
    return page.locator(f".st-key-{key}")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("/LSTM_gates?hide=text&hide=projector&projector=true", "Transformer attention"),  # the form
        ("/?hide=text,projector&projector=true", "ELMo senses"),  # chosen: one hide= with a comma, from Home
    ],
)
def test_hidden_controls_travel_with_the_sidebar(page, server, shots, start, target):
    page.goto(server + start)
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    expect(page.locator('[data-testid="stSidebar"] textarea').first).to_be_attached()  # drawn, then hidden
    for key in ("text", "projector"):
        expect(sidebar_control(page, key)).to_be_hidden()
    link = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a', has_text=target)
    link.click()
    expect(page.locator("h1").first).to_contain_text(target.split()[0])
    expect(page).to_have_url(re.compile(r"hide=text%2Cprojector"))
    query = parse_qs(urlparse(page.url).query)
    assert set(",".join(query.get("hide", [])).split(",")) == {"text", "projector"}, page.url
    expect(sidebar_control(page, "projector")).to_be_hidden()
    expect(sidebar_control(page, "text")).to_be_hidden()  # hidden, or not on this page (senses: "sentences")
    # Not yet: projector mode itself. The link carries projector=true, but the new page's bound toggle
    # comes back off (see the report of issue 24); no assertion on it here.
    screenshot(page, shots, f"travel-{target.split()[0]}")
