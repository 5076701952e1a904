"""Issue 24, kind 1, in a real browser: the browser's Back and Forward move through the views a learner
had (ui/history.py). On the Lessons page each step is a history entry; on a page whose controls are bound
to the URL, Back leaves the page for the one before it; never a rewritten entry."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.robust]


def shown_step(page, step: int, of: int) -> None:
    expect(page.get_by_text(f"Step {step} of {of}", exact=True)).to_be_visible()


def url_step(page) -> list[str] | None:
    return parse_qs(urlparse(page.url).query).get("step")


def test_back_and_forward_move_through_lesson_steps(page, server):
    page.goto(f"{server}/Lessons?lesson=lstm&step=1")
    shown_step(page, 1, 5)
    for step in (2, 3):
        page.get_by_role("button", name="Next").first.click()
        page.wait_for_url(re.compile(rf"step={step}\b"))
        shown_step(page, step, 5)
    page.go_back()
    page.wait_for_url(re.compile(r"step=2\b"))
    shown_step(page, 2, 5)
    page.go_back()
    page.wait_for_url(re.compile(r"step=1\b"))
    shown_step(page, 1, 5)
    page.wait_for_timeout(1500)  # the page's run after the move is over: it must not rewrite the URL
    assert url_step(page) == ["1"], page.url  # before the fix the page wrote step=3 over each entry
    shown_step(page, 1, 5)
    page.go_forward()
    page.wait_for_url(re.compile(r"step=2\b"))
    shown_step(page, 2, 5)
    page.wait_for_timeout(1500)
    assert url_step(page) == ["2"], page.url


def test_back_returns_to_the_lesson_before_one_picked_in_the_sidebar(page, server):
    """Chosen input of the kind: another lesson picked in the sidebar is a new view; Back returns to the
    lesson and step the learner had, with the other lesson's first step one Forward away."""
    page.goto(f"{server}/Lessons?lesson=lstm&step=2")
    shown_step(page, 2, 5)
    page.locator(".st-key-lesson").get_by_role("combobox").click()
    page.get_by_role("option").nth(1).click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("lesson") != ["lstm"])
    other = parse_qs(urlparse(page.url).query)["lesson"]
    assert url_step(page) == ["1"], page.url
    page.go_back()
    page.wait_for_url(re.compile(r"lesson=lstm&step=2\b"))
    shown_step(page, 2, 5)
    page.wait_for_timeout(1500)
    assert parse_qs(urlparse(page.url).query).get("lesson") == ["lstm"], page.url
    page.go_forward()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("lesson") == other)
    expect(page.get_by_text(re.compile(r"^Step 1 of \d+$"))).to_be_visible()


def test_back_after_changing_a_bound_control_returns_to_the_page_before(page, server):
    """Kind 1 on another page: the LSTM gates page's layer is bound to the URL; changing it rewrites that
    page's own entry, so Back returns to the page the learner came from (Home, as it was) and Forward to
    the gates page with the layer the learner chose."""
    page.goto(server + "/")
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a', has_text="LSTM gates").click()
    expect(page.locator("h1").first).to_contain_text("LSTM gates")
    page.locator(".st-key-layer").get_by_role("combobox").click()
    page.get_by_role("option", name="2", exact=True).click()
    page.wait_for_url(re.compile(r"layer=2\b"))
    page.go_back()
    expect(page.locator("h1").first).to_contain_text("Look inside")
    assert urlparse(page.url).path in ("", "/"), page.url
    # a learner reads the page before pressing Forward: the run answering Back is over (as in the lesson test
    # above). Pressed the instant Home's title showed, while that run was still under way, Forward was lost.
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    page.wait_for_timeout(1500)
    page.go_forward()
    expect(page.locator("h1").first).to_contain_text("LSTM gates")
    page.wait_for_url(re.compile(r"layer=2\b"))
    expect(page.locator(".st-key-layer").get_by_role("combobox")).to_have_value("2")
