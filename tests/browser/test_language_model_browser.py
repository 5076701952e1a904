"""The ELMo language model page in a real browser: fill the blank for both examples, see the three columns."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_chart


def test_fill_the_blank_for_both_examples(page, server, shots):
    page.goto(f"{server}/ELMo_language_model?blank=I+sat+on+the+___+of+the+river")
    wait_for_chart(page, count=2)
    blank = page.locator('[data-testid="stPlotlyChart"]').first
    expect(blank.get_by_text("from the left")).to_be_visible()  # the panel title "forward LM:<br>from the left"
    expect(blank.get_by_text("(never trained)")).to_be_visible()
    expect(blank.get_by_text("1. side").first).to_be_visible()  # backward and combined first guess
    expect(page.get_by_text("ELMo never trains or uses this combination")).to_be_visible()
    screenshot(page, shots, "fill_blank_river")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="I have not seen him for a long ___ .").click()
    expect(blank.get_by_text("1. time").first).to_be_visible()  # forward and combined first guess
    assert "blank=" not in page.url  # the page's default example: a link leaves defaults out
    screenshot(page, shots, "fill_blank_time")
    sidebar.get_by_role("button", name="Thank ___ very much .").click()
    expect(blank.get_by_text("1. you").first).to_be_visible()
    assert "blank=Thank+___+very+much+." in page.url
    screenshot(page, shots, "fill_blank_thank")
