"""The Chinese interface in a real browser (issue 29): a Chinese teacher link to a lesson step opens in Chinese,
and every page and one step of each lesson, at 1280x720 in projector mode, shows Chinese text drawn with a CJK
font the machine has (Debian's fonts-noto-cjk, a prerequisite of `make test-browser`; nothing from a CDN), with no
label cut off. Screenshots go to the session's folder (printed), and to $ZH_SHOTS when it names a folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lessons import LESSONS
from tests.browser.conftest import TIMEOUT_MS, screenshot
from tests.browser.test_lessons_browser import COLD_MS, settle

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # make: fonts-noto-cjk
ZH_SHOTS = Path(os.environ["ZH_SHOTS"]) if os.environ.get("ZH_SHOTS") else None
PAGES = [
    "/",
    "/Lessons",
    "/LSTM_gates",
    "/LSTM_step_by_step",
    "/Why_gates",
    "/ELMo_language_model",
    "/ELMo_senses",
    "/Transformer_attention",
    "/Inside_attention",
    "/Compare",
    "/What_each_layer_knows",
]
CUT = """els => els.filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


@pytest.fixture
def projector(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fonts_drawn(page: Page, selector: str) -> set[str]:
    """The font families Chromium used to draw the text of the first element matching `selector` (CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts}


def keep(page: Page, shots: Path, name: str) -> None:
    screenshot(page, shots, name)
    if ZH_SHOTS is not None and ZH_SHOTS.is_dir():
        page.screenshot(path=str(ZH_SHOTS / f"{name}.png"))  # the first 1280x720 view, as a projector shows it


def test_the_machine_has_a_cjk_font():
    assert CJK_FONT.is_file(), "install Debian's fonts-noto-cjk (make test-browser does)"


def test_a_chinese_teacher_link_opens_that_lesson_step_in_chinese(projector, server, shots):
    page = projector
    page.goto(f"{server}/Lessons?lesson=heads&step=2&lang=zh&projector=true&hide=sidebar")
    settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.get_by_role("button", name="下一步")).to_be_visible()
    expect(page.get_by_text("第 2 步，共", exact=False)).to_be_visible()
    assert page.title().endswith("NLP 模型探索器")
    drawn = fonts_drawn(page, ".st-key-next button p")  # "下一步": no tofu, a CJK font the machine has
    assert any("CJK" in family for family in drawn), drawn
    keep(page, shots, "zh-teacher-link-heads-2")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.strip("/") or "home")
def test_every_page_in_chinese_on_a_projector(projector, server, shots, path):
    page = projector
    page.set_default_timeout(COLD_MS)
    page.goto(f"{server}{path}?lang=zh&projector=true")
    settle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert len([c for c in main if "\u4e00" <= c <= "\u9fff"]) > 20, main[:300]
    keep(page, shots, "zh-page" + (path.replace("/", "-").lower() if path != "/" else "-home"))
    labels = page.locator('[data-testid="stSidebar"] a span, [data-testid="stWidgetLabel"] p, button *')
    assert labels.evaluate_all(CUT) == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_one_step_of_each_lesson_in_chinese_on_a_projector(projector, server, shots, lesson):
    page = projector
    page.set_default_timeout(COLD_MS)
    step = next((k for k, s in enumerate(lesson.steps, start=1) if s.question is not None), 1)
    page.goto(f"{server}/Lessons?lesson={lesson.slug}&step={step}&lang=zh&projector=true&hide=sidebar")
    settle(page)
    expect(page.get_by_role("button", name="下一步")).to_be_visible()
    keep(page, shots, f"zh-lesson-{lesson.slug}-{step}")
    assert page.locator("button *").evaluate_all(CUT) == []


def test_a_chinese_browser_gets_chinese_on_its_first_visit(projector, server):
    """No `lang` in the link: the browser's language (navigator.language, here zh-CN) decides, and the link
    then says `lang=zh`, so a copied link opens in Chinese for anyone."""
    page = projector
    page.goto(f"{server}/")
    expect(page.get_by_role("heading", name="看看三个里程碑式 NLP 模型的内部")).to_be_visible()
    page.wait_for_url("**lang=zh**")
