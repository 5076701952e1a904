"""'Open as notebook' in a real browser: the download rebuilds the view the page shows; rendered, it draws it."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from playwright.sync_api import expect

from tests.api.notebooks import execute
from tests.browser.conftest import enter_text, screenshot, wait_for_app, wait_for_chart

TEXT = 'Then she said "not today".'


@pytest.fixture(scope="module")
def downloaded(browser, server, tmp_path_factory):
    """The notebook the LSTM gates page offers after typing TEXT and choosing layer 2 in the URL."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{server}/LSTM_gates?layer=2")
    wait_for_app(page)
    enter_text(page, TEXT)
    expect(page.get_by_text("26 steps (characters)")).to_be_visible()
    wait_for_chart(page, count=4)
    with page.expect_download() as download:
        page.get_by_role("button", name="Open as notebook").click()
    path = tmp_path_factory.mktemp("download") / download.value.suggested_filename
    download.value.save_as(path)
    context.close()
    return path


def test_the_download_rebuilds_the_pages_view(downloaded) -> None:
    assert downloaded.name == "lstm_gates.ipynb"
    nb = nbformat.read(downloaded, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "LSTM gates" in nb.cells[0].source
    assert nb.cells[2].source.splitlines()[0] == f"view = nx.gates('char-LSTM', {TEXT!r}, layer=2)"


@pytest.mark.slow
def test_the_rendered_notebook_draws_the_view(downloaded, page, shots) -> None:
    """Run it (nbclient), render it with `jupyter nbconvert --to html`, open it in Chromium."""
    nbformat.write(execute(nbformat.read(downloaded, as_version=4)), downloaded)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(downloaded)], check=True, timeout=120
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(downloaded.with_suffix(".html").as_uri())
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached()
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    expect(page.get_by_text("cell state c, layer 2").first).to_be_visible()
    screenshot(page, shots, "notebook_rendered")
