"""The LSTM step-by-step page in a real browser: arrow keys step the cell without a page run; units switched off."""

import re
import urllib.parse

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app, wait_for_chart

TEXT = 'He said, "I will go home now." Then she left.'


def cell_numbers(page) -> list[str]:
    """The numbers printed on the cell view's bars (the third chart)."""
    cell = page.locator('[data-testid="stPlotlyChart"]').nth(2)
    return cell.locator("text.bartext").all_text_contents()


def test_arrow_keys_step_the_cell_without_rerunning_the_page(page, server, shots):
    page.goto(f"{server}/LSTM_step_by_step?text={urllib.parse.quote(TEXT)}&step=0")  # the page opens on its surest step
    wait_for_app(page)
    wait_for_chart(page, count=4)
    expect(page.get_by_text("Step 0 of 44 (the chart")).to_be_visible()
    expect(page.locator(".page-runs")).to_have_text("1")  # hidden: for this test, never on a learner's screen
    cell = page.locator('[data-testid="stPlotlyChart"]').nth(2)
    expect(cell.locator(".gtitle")).to_contain_text("step 0 of 44")
    before = cell_numbers(page)
    page.get_by_role("heading", name="Step through the cell").click()  # focus the page, not a text box
    for step in (1, 2, 3):
        page.keyboard.press("ArrowRight")
        expect(page.get_by_text(re.compile(rf"^Step {step} of 44 \(the chart"))).to_be_visible()
        expect(cell.locator(".gtitle")).to_contain_text(f"step {step} of 44")
    after = cell_numbers(page)
    assert len(after) == len(before) and after != before
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(re.compile(r"^Step 2 of 44 \(the chart"))).to_be_visible()
    # three arrow presses and one back: still the first full run of the page (only the fragment reran)
    expect(page.locator(".page-runs")).to_have_text("1")  # hidden: for this test, never on a learner's screen
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(shots / "step_cell.png"))


def test_switch_units_off_and_see_before_and_after(page, server, shots):
    page.goto(f"{server}/LSTM_step_by_step?text={urllib.parse.quote(TEXT)}")
    wait_for_app(page)
    wait_for_chart(page, count=4)
    box = page.get_by_role("textbox", name="Units to switch off (commas)")
    box.fill("174, 100")
    box.press("Enter")
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(3)
    expect(chart.locator(".gtitle")).to_contain_text("clamp c to 0 from step 10")
    expect(page.get_by_text("just before the closing quote (after step 28")).to_be_visible()
    expect(chart.locator(".legendtext", has_text="surprisal after")).to_have_count(1)
    expect(page.locator(".page-runs")).to_have_text("1")  # hidden: for this test, never on a learner's screen
    screenshot(page, shots, "step_intervention")


def test_a_combining_accent_and_a_soft_hyphen_are_one_step_each(page, server, shots):
    """'cafe\u0301 "co\u00adop" bank' is 18 characters and 16 steps: the page counts and names steps as typed."""
    text = 'cafe\u0301 "co\u00adop" bank'
    page.goto(f"{server}/LSTM_step_by_step?text={urllib.parse.quote(text)}&step=3")
    wait_for_app(page)
    wait_for_chart(page, count=4)
    expect(page.get_by_text(re.compile(r"^Step 3 of 15 \(the chart"))).to_be_visible()
    cell = page.locator('[data-testid="stPlotlyChart"]').nth(2)
    expect(cell.locator(".gtitle")).to_contain_text("step 3 of 15 · reading 'e\u0301'")
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(shots / "step_cell_combining.png"))
