"""The "Why gates?" page in a real browser: set the character to predict, see the strip and the chart change."""

from urllib.parse import quote_plus

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_chart

TEXT = 'He said, "I will go home now." Then she left.'


def test_setting_the_target_character_redraws_the_strip_and_the_distance_chart(page, server, shots):
    page.goto(f"{server}/Why_gates?text={quote_plus(TEXT)}")
    wait_for_chart(page, count=5)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    strip, distance = charts.nth(0), charts.nth(1)
    expect(strip.get_by_text("on predicting '\"'")).to_be_visible()  # the closing quote, character 30
    expect(distance.locator(".scatterlayer .trace")).to_have_count(2)
    before = distance.locator(".scatterlayer .trace path.js-line").first.get_attribute("d")
    ticks = distance.locator(".xtick text").evaluate_all("els => els.map(e => e.textContent)")
    assert max(float(t) for t in ticks) >= 25  # 29 characters read
    screenshot(page, shots, "why_gates_quote")
    box = page.locator('[data-testid="stSidebar"]').get_by_role("spinbutton", name="Predict character number")
    box.fill("5")
    box.press("Enter")
    expect(strip.get_by_text("on predicting 'a'")).to_be_visible()
    expect(page.get_by_text("Predicting character 5")).to_be_visible()
    expect(distance.locator(".xtick text").last).to_have_text("3")  # four characters read now: distances 0..3
    assert distance.locator(".scatterlayer .trace path.js-line").first.get_attribute("d") != before
    assert "predict=5" in page.url
    screenshot(page, shots, "why_gates_target_5")
