"""The "What each layer knows" page in a real browser: the card's lines and the homograph grid drawn, a
new word typed and probed, and the page at 1280x720 in projector mode (issue 26)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_for_app, wait_for_chart

GRID_ROWS = """() => {
    const plots = document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot');
    const grid = plots[plots.length - 1];
    const heatmap = grid && grid.data && grid.data[0].type === 'heatmap';
    return heatmap ? [grid.data[0].y.length, grid.data[0].x.length] : null;
}"""


def test_page_draws_the_card_and_probes_new_sentences(page, server, shots):
    page.goto(f"{server}/What_each_layer_knows")
    wait_for_app(page)
    wait_for_chart(page)
    page.wait_for_function(f"() => JSON.stringify(({GRID_ROWS})()) === JSON.stringify([12, 6])")
    expect(page.get_by_text("GloVe gives", exact=False)).to_be_visible()
    screenshot(page, shots, "layers-know")

    preset = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Homograph preset")
    preset.locator('input[type="text"]').fill("run")  # the preset box's search (not the language switch's)
    preset.locator('input[type="text"]').press("Enter")
    box = page.locator('[data-testid="stSidebar"] textarea').first
    expect(box).to_have_value(re.compile("morning run"))  # the preset's rerun is done: typing now is not overwritten
    box.fill("The run/NN was long .\nThey run/VBP home .\nWe run/VBP fast .")
    box.press("Control+Enter")
    page.wait_for_function(f"() => JSON.stringify(({GRID_ROWS})()) === JSON.stringify([12, 3])")
    expect(page.get_by_text("GloVe gives 'run' one vector", exact=False)).to_be_visible()  # the table is a canvas


def test_projector_view(browser, server, shots):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{server}/What_each_layer_knows?projector=true&hide=sidebar")
    page.wait_for_function(f"() => JSON.stringify(({GRID_ROWS})()) === JSON.stringify([12, 6])")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('.xtick text, .ytick text')].map(e => parseFloat(e.style.fontSize))"
    )
    assert ticks and min(ticks) >= 20
    path = screenshot(page, shots, "layers-know-projector")
    assert path.stat().st_size > 0
    context.close()
