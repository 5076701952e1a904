"""A real browser (Debian's chromium) through nginx to 2 replicas in shared mode.

What a student's browser does through the shipped nginx config: the page, its scripts, its
websocket and its media all reach one replica (the sticky cookie); a path out of the models root is
refused with the message that names no server path; the pickle box is not there; a folder of the
library draws its heatmap. Screenshots go to the pytest temp folder (printed)."""

from __future__ import annotations

import os
import shutil
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS
from tests.deploy.cluster import COOKIE, NGINX, replicas_behind_nginx
from tests.engine.test_transformer import tiny_gpt2_folder

pytestmark = [
    pytest.mark.slow,
    pytest.mark.deploy,
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(NGINX) is None, reason="nginx is not installed (make test-deploy installs it)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make test)"),
]
TEXT = "the bank of the river"
expect.set_options(timeout=120_000)  # the first run of a page loads its model, on 2 busy cores


def link(url: str, **params: str) -> str:
    return f"{url}/Transformer_attention?" + urllib.parse.urlencode({"text": TEXT, "model": "local folder", **params})


def test_a_browser_through_nginx_in_shared_mode(tmp_path):
    root = tmp_path / "models"
    tiny_gpt2_folder(root / "tiny")
    (tmp_path / "private").mkdir()
    shots = Path(os.environ.get("EXPLORER_SHOTS", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    with replicas_behind_nginx(tmp_path / "cluster", models_root=root) as cluster, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(120_000)
        page = context.new_page()

        page.goto(link(cluster.url, folder="../private"))
        refused = page.locator('[data-testid="stAlertContentError"]')
        expect(refused).to_contain_text(
            "This server loads only the model folders it offers. Type one of their names: tiny."
        )
        expect(page.get_by_text("Allow pickled weights")).to_have_count(0)
        expect(refused).not_to_contain_text("private")
        expect(page.get_by_label("Model folder", exact=True)).to_have_value("../private")  # the user's text stays
        expect(page.get_by_text("Runs offline on this shared server")).to_be_visible()
        page.screenshot(path=str(shots / "19-shared-refused.png"), full_page=True)

        page.goto(link(cluster.url, folder="tiny"))
        expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').nth(1)).to_be_attached()
        expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
        page.screenshot(path=str(shots / "19-shared-tiny.png"), full_page=True)

        key = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)
        served = {r["path"].split("?")[0]: r["replica"] for r in cluster.requests() if r["key"] == key}
        assert "/_stcore/stream" in served and any(path.startswith("/static/") for path in served)
        assert len(set(served.values())) == 1, f"one browser, several replicas: {served}"

        # its replica dies: the page reconnects by itself, to the survivor. The new session there knows
        # no fragment yet, so the next full rerun (here: new text) rebuilds the view from the page's
        # inputs; after it, clicks inside the view work again.
        mine = cluster.replica_of(key)
        cluster.kill(next(k for k, r in enumerate(cluster.replicas) if r.addr == mine))
        box = page.locator('[data-testid="stSidebar"] textarea').first
        box.fill("the bank of the river flooded .")
        box.press("Control+Enter")
        expect(page.get_by_text("7 tokens")).to_be_visible()
        head = page.get_by_label("Head", exact=True)
        head.fill("2")
        head.press("Enter")
        heatmap = page.locator('[data-testid="stPlotlyChart"]').nth(1)
        expect(heatmap.locator(".gtitle")).to_have_text("Layer 1, head 2")
        expect(page.get_by_label("Model folder", exact=True)).to_have_value("tiny")
        page.screenshot(path=str(shots / "19-after-kill.png"), full_page=True)
        print(f"screenshots: {shots}")
        browser.close()
    streams = [r["replica"] for r in cluster.requests() if r["key"] == key and r["path"] == "/_stcore/stream"]
    survivor = next(r.addr for r in cluster.replicas if r.addr != mine)
    assert streams[-1].split(", ")[-1] == survivor, streams
