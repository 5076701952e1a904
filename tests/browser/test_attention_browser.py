"""The Transformer attention page in a real browser: type, see the heatmap, click a head."""

from playwright.sync_api import expect

from tests.browser.conftest import enter_text, screenshot, wait_for_app, wait_for_chart


def test_type_text_and_see_the_heatmap(page, server, shots):
    page.goto(f"{server}/Transformer_attention")
    wait_for_app(page)
    enter_text(page, "The quick brown fox jumps over the lazy dog.")
    expect(page.get_by_text("12 tokens")).to_be_visible()
    wait_for_chart(page, count=2)
    heatmap = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    expect(heatmap.locator(".gtitle")).to_have_text("Layer 1, head 3")
    expect(heatmap.locator(".ytick text", has_text="3:brown")).to_have_count(1)
    expect(heatmap.locator(".xtick text")).to_have_count(12)
    screenshot(page, shots, "attention")

    # a click on the grid focuses that head, and the link remembers it
    page.locator('[data-testid="stPlotlyChart"]').first.locator(".scatterlayer .point").nth(3 * 12 + 5).click(
        force=True
    )
    expect(heatmap.locator(".gtitle")).to_have_text("Layer 4, head 6")
    page.wait_for_url(lambda url: "layer=4" in url and "head=6" in url)


def test_too_long_text_is_refused_with_the_limit(page, server):
    page.goto(f"{server}/Transformer_attention")
    wait_for_app(page)
    enter_text(page, "word " * 600)
    expect(page.get_by_text("reads at most 512")).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
