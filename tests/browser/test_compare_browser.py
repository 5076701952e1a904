"""The Compare page in a real browser: a click on a word in the strip updates every row at once."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app, wait_for_chart

# the cell texts of every heatmap of a chart, read from plotly's own figure data
HEATMAP_TEXTS = """el => el.data.filter(t => t.type === 'heatmap').map(t => JSON.stringify(t.text))"""
ALL_CHANGED = """before => {
    const el = document.querySelectorAll('[data-testid="stPlotlyChart"]')[1].querySelector('.js-plotly-plot');
    if (!el || !el.data) return false;
    const now = el.data.filter(t => t.type === 'heatmap').map(t => JSON.stringify(t.text));
    return now.length === before.length && now.every((text, k) => text !== before[k]);
}"""


def test_clicking_a_word_updates_every_row(page, server, shots):
    page.goto(f"{server}/Compare")
    wait_for_app(page)
    wait_for_chart(page, count=3)
    pair = page.locator('[data-testid="stPlotlyChart"]').nth(0)
    expect(pair.locator(".xaxislayer-above text", has_text="7:river→money")).to_have_count(1)
    rows = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    plot = rows.locator(".js-plotly-plot")
    before = plot.evaluate(HEATMAP_TEXTS)
    assert len(before) == 4  # char-LSTM, ELMo, MiniLM similarity, MiniLM attention
    screenshot(page, shots, "compare")

    rows.locator(".scatterlayer .point").nth(4).click(force=True)  # "bank"
    page.wait_for_url(lambda url: "word=4" in url)
    page.wait_for_function(ALL_CHANGED, arg=before)
    expect(page.get_by_text("The char-LSTM while it reads “bank”")).to_be_visible()
    after = plot.evaluate(HEATMAP_TEXTS)
    assert all(a != b for a, b in zip(after, before, strict=True))
