"""The "Why gates?" page in a real browser: set the character to predict, see the strip and the chart change."""

import re
from urllib.parse import parse_qs, quote_plus, urlparse

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


# plotly's own data of the memory-test chart (the fourth chart): y of the plain RNN's and the LSTM's points,
# as plotly decoded them (the figure sends numpy arrays as typed arrays)
MEMORY_POINTS = """el => Object.fromEntries(el._fullData.filter(t => t.mode === 'markers')
    .map(t => [t.name, Array.from(t.y)]))"""


def test_clicking_a_point_of_the_memory_curve_shows_its_text_and_probabilities(page, server, shots):
    page.goto(f"{server}/Why_gates?text={quote_plus(TEXT)}")
    wait_for_chart(page, count=5)
    curve = page.locator('[data-testid="stPlotlyChart"]').nth(3)
    points = curve.locator(".js-plotly-plot").evaluate(MEMORY_POINTS)
    rnn, lstm = points["plain RNN: each text"], points["LSTM: each text"]
    per_distance = len(rnn) // 6  # six distances, N = 5 .. 400, the same texts for both models
    assert per_distance >= 2 and len(lstm) == len(rnn) == 6 * per_distance
    shown = page.get_by_test_id("stText").filter(has_text="▮")
    expect(shown).to_have_text(re.compile(r'^".{5}▮$', re.DOTALL))  # the default: N = 5, text 1
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)  # the script has finished: the chart listens
    curve.scroll_into_view_if_needed()
    # a point at N = 200 (the fifth distance): wherever the click lands among its texts, N is 200
    point = curve.locator(".scatterlayer .trace").first.locator(".point").nth(4 * per_distance + 2)
    point.hover(force=True)  # plotly clicks the point it hovers: let it find one first
    expect(curve.locator(".hoverlayer .hovertext")).to_have_count(1)
    point.click(force=True)
    expect(shown).to_have_text(re.compile(r'^".{200}▮$', re.DOTALL))
    page.wait_for_function("() => (new URLSearchParams(location.search).get('probe') || '').startsWith('N = 200, ')")
    k = int(parse_qs(urlparse(page.url).query)["probe"][0].rsplit(" ", 1)[1]) - 1  # "N = 200, text k+1"
    index = 4 * per_distance + k  # the point's place in plotly's data: distance-major, as customdata says
    expect(page.get_by_text(f"At ▮: P(closing quote) = {rnn[index]:.3f} for the plain RNN")).to_be_visible()
    expect(page.get_by_text(f"{lstm[index]:.3f} for the LSTM (")).to_be_visible()
    screenshot(page, shots, "why_gates_memory_point")
