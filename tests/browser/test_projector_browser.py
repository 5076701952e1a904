"""Projector mode in a real browser at 1280x720 (issue 23): tables and every chart text at 18 px or more, no
label cut off (the sidebar's page names, the attention page's toggles)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import TIMEOUT_MS, wait_for_app, wait_for_chart

MIN_PX = 18
CUT = """els => els.filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""
SMALL = f"""els => els.filter(e => e.getBoundingClientRect().width > 0)
  .map(e => [e.textContent, parseFloat(getComputedStyle(e).fontSize)]).filter(([t, px]) => t.trim() && px < {MIN_PX})"""


@pytest.fixture
def projector_page(browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_attention_page_tables_charts_and_labels_fit_a_projector(projector_page, server):
    page = projector_page
    page.goto(f"{server}/Transformer_attention?projector=true")
    wait_for_app(page)
    wait_for_chart(page, count=2)
    cells = page.locator('[data-testid="stTable"] td')
    expect(cells.first).to_be_attached()  # the head statistics are an HTML table, not a canvas
    assert cells.evaluate_all(SMALL) == []
    chart_text = page.locator(".js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .gtitle")
    assert chart_text.evaluate_all(SMALL) == []
    grid = page.locator('[data-testid="stPlotlyChart"]', has=page.locator(".xtitle", has_text="head"))
    ticks = grid.locator(".xtick text").all_text_contents()
    assert ticks and all(t.strip().isdigit() for t in ticks), f"the heads axis has fractional ticks: {ticks}"
    labels = page.locator('[data-testid="stSidebar"] a span, [data-testid="stWidgetLabel"] p')
    assert labels.evaluate_all(CUT) == []


def test_step_page_metric_and_table_fit_a_projector(projector_page, server):
    page = projector_page
    page.goto(f"{server}/LSTM_step_by_step?projector=true")
    wait_for_app(page)
    wait_for_chart(page, count=4)
    cells = page.locator('[data-testid="stTable"] td, [data-testid="stTable"] th')
    expect(cells.first).to_be_attached()
    assert cells.evaluate_all(SMALL) == []
    assert page.locator('[data-testid="stMetricValue"]').evaluate_all(SMALL) == []
    bar_text = page.locator(".js-plotly-plot text.bartext")
    assert bar_text.evaluate_all(SMALL) == []
