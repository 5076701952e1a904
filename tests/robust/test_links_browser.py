"""Issue 24, kind 5, in a real browser: a teacher's link keeps its hidden controls and projector mode on
every page a student opens from the sidebar, and every repeated `hide=` counts."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from figures.common import PROJECTOR_FONT_PX
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.robust]


def sidebar_control(page, key: str):
    return page.locator(f".st-key-{key}")


def projector_font(page) -> str:
    """The page's body font size: projector mode's CSS (ui/projector.py) sets it to PROJECTOR_FONT_PX."""
    return page.evaluate("getComputedStyle(document.querySelector('[data-testid=stAppViewContainer]')).fontSize")


def open_from_sidebar(page, target: str) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a', has_text=target).click()
    expect(page.locator("h1").first).to_contain_text(target.split()[0])


@pytest.mark.parametrize(
    ("start", "targets"),
    [
        (
            "/LSTM_gates?hide=text&hide=projector&projector=true",
            ["Transformer attention", "ELMo senses"],
        ),  # the issue's
        ("/?hide=text,projector&projector=true", ["ELMo senses", "Compare the models"]),  # chosen: a comma, from Home
    ],
)
def test_hidden_controls_and_projector_mode_travel_with_the_sidebar(page, server, shots, start, targets):
    page.goto(server + start)
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    expect(page.locator('[data-testid="stSidebar"] textarea').first).to_be_attached()  # drawn, then hidden
    for key in ("text", "projector"):
        expect(sidebar_control(page, key)).to_be_hidden()
    expect(page.locator('[data-testid="stAppViewContainer"]')).to_have_css("font-size", f"{PROJECTOR_FONT_PX}px")
    for target in targets:
        open_from_sidebar(page, target)
        expect(page).to_have_url(re.compile(r"hide=text%2Cprojector"))
        query = parse_qs(urlparse(page.url).query)
        assert set(",".join(query.get("hide", [])).split(",")) == {"text", "projector"}, page.url
        assert query.get("projector") == ["true"], page.url
        # projector mode's CSS on the new page (it came back off before: the bound toggle's parameter was
        # dropped by Streamlit on the page switch)
        expect(page.locator('[data-testid="stAppViewContainer"]')).to_have_css("font-size", f"{PROJECTOR_FONT_PX}px")
        expect(sidebar_control(page, "projector").locator("input")).to_be_checked()
        expect(sidebar_control(page, "projector")).to_be_hidden()
        expect(sidebar_control(page, "text")).to_be_hidden()  # hidden, or not on this page (senses: "sentences")
        screenshot(page, shots, f"travel-{target.split()[0]}")


def test_a_student_can_still_turn_projector_mode_off_and_it_stays_off(page, server):
    """Chosen input of the kind: the link no longer binds the toggle, so the learner's own switch must
    still write the link and travel (off stays off on the next page)."""
    page.goto(server + "/LSTM_gates?projector=true")
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    expect(page.locator('[data-testid="stAppViewContainer"]')).to_have_css("font-size", f"{PROJECTOR_FONT_PX}px")
    sidebar_control(page, "projector").locator("label").click()
    expect(page).not_to_have_url(re.compile("projector="))
    expect(page.locator('[data-testid="stAppViewContainer"]')).to_have_css("font-size", "16px")
    open_from_sidebar(page, "ELMo senses")
    expect(sidebar_control(page, "projector").locator("input")).not_to_be_checked()
    assert "projector" not in parse_qs(urlparse(page.url).query), page.url
