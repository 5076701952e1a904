"""The LSTM gates page in a real browser: type text, see the gates heatmap and the coloured text."""

from playwright.sync_api import expect

from tests.browser.conftest import enter_text, screenshot, wait_for_app, wait_for_chart


def test_type_text_and_see_the_gates(page, server, shots):
    page.goto(f"{server}/LSTM_gates")
    wait_for_app(page)
    enter_text(page, 'Then she said "not today" and left.')
    expect(page.get_by_text("35 steps (characters)")).to_be_visible()
    wait_for_chart(page, count=4)
    heatmap = page.locator('[data-testid="stPlotlyChart"]').first
    expect(heatmap.locator(".xtick text", has_text="15:n")).to_have_count(1)
    # .first: while plotly redraws the heatmap its title can briefly exist twice (a strict-mode failure in
    # one clean-clone CI run of five)
    expect(page.get_by_text("units by pattern").first).to_be_visible()  # the units that follow the quote first
    screenshot(page, shots, "lstm_gates")


def test_too_long_text_is_refused_with_the_limit(page, server):
    page.goto(f"{server}/LSTM_gates")
    wait_for_app(page)
    enter_text(page, "x" * 2_100)
    expect(page.get_by_text("at most 2,000")).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
