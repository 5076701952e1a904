"""The Inside attention page in a real browser: the arrow keys step the stages with no new page run, a head
is switched off; screenshots of every stage and every step of the lesson at 1280×720 in projector mode."""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from lessons.inside_attention import LESSON
from tests.browser.conftest import wait_for_app

TITLES = ("x: the vector", "q = x·W_Q", "raw scores", "scaled scores", "softmax", "the head's output", "the 12 heads",
          "the feed-forward")  # fmt: skip
COLD_MS = 300_000  # the first run on a cold server loads MiniLM (on a busy 2-core machine)


def wait_for_chart(page: Page, count: int = 1) -> None:
    """Until `count` plotly charts have drawn, allowing for a cold server's model loading."""
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(count - 1)).to_be_attached(timeout=COLD_MS)


def _scroll_to(page: Page, chart) -> None:
    """Scroll a chart into view; plotly may swap its element while redrawing a new stage, so try again."""
    for _ in range(5):
        try:
            chart.scroll_into_view_if_needed(timeout=5_000)
            break
        except PlaywrightError:
            page.wait_for_timeout(500)
    page.wait_for_timeout(300)


def _projector(browser, server: str, query: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(COLD_MS)
    page = context.new_page()
    page.goto(f"{server}/{query}{'&' if '?' in query else '?'}projector=true&hide=sidebar")
    return page


def idle(page) -> None:
    """Streamlit has finished the last run (its status widget is gone)."""
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)


def test_arrow_keys_step_every_stage_without_rerunning_the_page(browser, server, shots):
    page = _projector(browser, server, "Inside_attention")
    wait_for_chart(page)
    expect(page.locator(".page-runs")).to_have_text("1")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.locator(".gtitle")).to_contain_text("x: the vector of bank")
    page.get_by_role("heading", name="Inside attention").click()  # focus the page, not a box
    titles = []
    for stage in range(8):
        if stage:
            idle(page)
            page.keyboard.press("ArrowRight")
        expect(page.get_by_text(re.compile(rf"^Stage {stage} of 7:"))).to_be_visible()
        expect(chart.locator(".gtitle")).to_contain_text(TITLES[stage])  # the new stage's chart has drawn
        _scroll_to(page, chart)
        titles.append(chart.locator(".gtitle").text_content())
        page.screenshot(path=str(shots / f"inside-stage-{stage}.png"))
        print(f"screenshot: {shots / f'inside-stage-{stage}.png'}")
    assert len(set(titles)) == 8, titles
    for stage in (6, 5, 4):  # one key at a time, as a person presses them
        idle(page)  # a key pressed while the last step's fragment still runs can be lost under load
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_text(re.compile(rf"^Stage {stage} of 7:"))).to_be_visible()
    expect(chart.locator(".gtitle")).to_contain_text("softmax: the weights bank (8)")
    chart.locator(".updatemenu-button").first.click()  # ▶ play: every query token in turn, in the browser
    expect(chart.locator(".gtitle")).not_to_contain_text("bank (8)", timeout=10_000)
    page.mouse.click(8, 400)  # focus back on the page (a blank margin; the header would catch a click on the title)
    for stage in (5, 6, 7):
        idle(page)
        page.keyboard.press("ArrowRight")
        expect(page.get_by_text(re.compile(rf"^Stage {stage} of 7:"))).to_be_visible()
    assert titles[2].startswith("raw scores") and titles[4].startswith("softmax")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(re.compile(r"^Stage 6 of 7:"))).to_be_visible()
    expect(page.locator(".page-runs")).to_have_text("1")  # only the fragment reran
    page.context.close()


def test_switch_a_head_off(page, server, shots):
    page.goto(f"{server}/Inside_attention")
    wait_for_app(page)
    wait_for_chart(page, count=4)
    box = page.get_by_role("textbox", name=re.compile("Heads to switch off"))
    box.fill("2")
    box.press("Enter")
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(3)
    expect(chart.locator(".gtitle")).to_contain_text("(layer 6: heads 2 off)", timeout=COLD_MS)
    expect(page.get_by_text("Bank score, heads off")).to_be_visible()
    _scroll_to(page, chart)
    page.screenshot(path=str(shots / "inside-heads-off.png"))
    print(f"screenshot: {shots / 'inside-heads-off.png'}")


def test_lesson_steps_in_projector_mode(browser, server, shots):
    for step in range(1, len(LESSON.steps) + 1):
        page = _projector(browser, server, f"Lessons?lesson={LESSON.slug}&step={step}")
        wait_for_chart(page)
        expect(page.locator("h3").first).to_have_text(LESSON.steps[step - 1].title)
        expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=COLD_MS)
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"inside-lesson-{step}.png"))
        print(f"screenshot: {shots / f'inside-lesson-{step}.png'}")
        page.context.close()
