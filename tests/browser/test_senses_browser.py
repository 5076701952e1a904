"""The ELMo senses page in a real browser: pick the "bank" preset and see the maps per layer."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app, wait_for_chart


def pick_preset(page, name: str) -> None:
    boxes = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    boxes.filter(has_not_text="语言").first.click()  # the first box that is not the language switch (Language · 语言)
    page.get_by_role("option", name=name, exact=True).click()


def test_pick_bank_and_see_the_maps(page, server, shots):
    page.goto(f"{server}/ELMo_senses?compare=false&preset=plant&word=plant")
    wait_for_app(page)
    expect(page.get_by_text("32 occurrences of 'plant'")).to_be_visible()
    pick_preset(page, "bank")
    expect(page.get_by_text("32 occurrences of 'bank'")).to_be_visible()
    expect(page.get_by_text("senses: money, river")).to_be_visible()
    wait_for_chart(page, count=2)
    maps = page.locator('[data-testid="stPlotlyChart"]').first
    expect(maps.get_by_text("layer 0 (char-CNN)")).to_be_visible()
    expect(maps.get_by_text("layer 2")).to_be_visible()
    expect(maps.locator(".scatterlayer .point")).to_have_count(4 * 32)
    screenshot(page, shots, "elmo_senses")
