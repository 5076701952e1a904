"""Lessons in a real browser: a teacher link with hide=, the arrow keys, projector screenshots, and
axe-core (the copy bundled with axe-playwright-python, no CDN) on every page and lesson."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from lessons import LESSONS
from tests.browser.conftest import screenshot, wait_for_chart

NOTES_SHOTS = Path("/work/notes/shots")
STEP_DRAWN = ".st-key-step_chart .main-svg, .st-key-step_chart [data-testid='stHtml']"  # a step's plotly chart or HTML
PAGES = [
    "/",
    "/LSTM_gates",
    "/ELMo_senses?compare=false",
    "/ELMo_senses?compare=true",  # with the MiniLM maps and scores
    "/Transformer_attention",
    "/LSTM_step_by_step",
    "/ELMo_language_model",
    "/Compare",
    "/Why_gates",
    "/Inside_attention",
    "/What_each_layer_knows",
]
COLD_MS = 300_000  # a lesson's first run on a cold server loads up to four models (on a busy 2-core machine)
LINK_TEXT = "She put the money in the bank because it was safe."


def settle(page: Page) -> None:
    """Wait for the first chart (or image, or a lesson's HTML chart) and for the script to finish."""
    first = (
        '[data-testid="stPlotlyChart"] .main-svg, [data-testid="stImage"] img, '
        '.st-key-step_chart [data-testid="stHtml"]'
    )
    page.wait_for_selector(first, state="attached", timeout=COLD_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=COLD_MS)
    page.wait_for_timeout(300)


def step_heading(page: Page):
    return page.locator("h3").first


def unreachable(page: Page, selector: str) -> list[str]:
    """The controls inside `selector` that a keyboard or a screen reader could still reach: focusable
    (focus() lands on it) or rendered (a hidden control is display: none, so neither). Empty when all hidden."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].flatMap(box =>
               [...box.querySelectorAll('input, textarea, button, select, [tabindex], [role]')])
               .filter(el => { el.focus(); return document.activeElement === el || el.getClientRects().length > 0; })
               .map(el => el.outerHTML.slice(0, 80))""",
        selector,
    )


def test_teacher_link_shows_that_step_and_text_with_controls_hidden_then_arrow_keys(page, server):
    query = urlencode({"lesson": "heads", "step": "4", "ltext": LINK_TEXT, "hide": "ltext,lesson"})
    page.goto(f"{server}/Lessons?{query}")
    settle(page)
    expect(step_heading(page)).to_have_text("A head that links words")
    expect(page.get_by_text("Step 4 of 5")).to_be_visible()
    expect(page.locator(".st-key-ltext textarea")).to_have_value(LINK_TEXT)  # the link's text, drawn from it
    for hidden in (".st-key-ltext", ".st-key-lesson"):
        expect(page.locator(hidden)).to_be_hidden()
    assert unreachable(page, ".st-key-ltext, .st-key-lesson") == []
    assert unreachable(page, ".st-key-restart")  # the probe finds a control that is drawn
    expect(page.locator(".st-key-restart")).to_be_visible()  # only what the link names is hidden
    expect(page.get_by_text("In head", exact=False).first).to_contain_text("look at most")

    page.locator("h1").first.click()  # focus on the page, not in a text box
    page.keyboard.press("ArrowRight")
    expect(step_heading(page)).to_have_text("Rollout: through all the layers, with care")
    expect(page.get_by_text("Step 5 of 5")).to_be_visible()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("step") == ["5"])
    for title in ("A head that links words", "Sink heads"):
        page.keyboard.press("ArrowLeft")
        expect(step_heading(page)).to_have_text(title)
    assert parse_qs(urlparse(page.url).query)["ltext"] == [LINK_TEXT]


def test_the_pages_honour_hide_too(page, server):
    page.goto(f"{server}/LSTM_gates?hide=model,layer")
    settle(page)
    for hidden in (".st-key-model", ".st-key-layer"):
        expect(page.locator(hidden)).to_be_hidden()
    assert unreachable(page, ".st-key-model, .st-key-layer") == []
    expect(page.locator(".st-key-text textarea")).to_be_visible()
    page.goto(f"{server}/Transformer_attention?hide=sidebar")
    settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()


def test_copy_lesson_link_round_trips(page, server, browser):
    page.goto(f"{server}/Lessons?lesson=both-ways&step=2")
    settle(page)
    page.get_by_text("Copy lesson link").click()
    link = page.locator(".st-key-link code").first.inner_text().strip()
    params = parse_qs(urlparse(link).query)
    assert params["lesson"] == ["both-ways"] and params["step"] == ["2"]
    assert params["hide"] == ["teacher"]  # students do not get the link box
    # browsed on 127.0.0.1, the link names an address students can reach (this machine's network address,
    # or localhost only when it has none, said so); the test server listens on loopback, so open it there
    host = urlparse(link).hostname
    note = page.locator(".st-key-link").get_by_text("students cannot open", exact=False)
    assert host not in ("127.0.0.1", "localhost") or page.locator(".st-key-link").get_by_text("no network").count()
    if host not in ("127.0.0.1", "localhost"):
        expect(note).to_be_visible()
    fresh = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    fresh.goto(urlparse(link)._replace(netloc=urlparse(server).netloc).geturl())
    settle(fresh)
    expect(step_heading(fresh)).to_have_text("The forward LSTM")
    expect(fresh.get_by_text("Copy lesson link")).to_have_count(0)  # hide=teacher
    fresh.context.close()


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['html'][:120] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PAGES + [f"/Lessons?lesson={lesson.slug}" for lesson in LESSONS])
def test_axe_finds_no_serious_or_critical_violation(page, server, path):
    page.goto(server + path)
    settle(page)
    assert serious(page) == []


def test_axe_on_a_revealed_answer_in_projector_mode(page, server):
    page.goto(f"{server}/Lessons?lesson=bank&step=3&projector=true")
    settle(page)
    page.get_by_test_id("stRadioGroup").get_by_text("layer 2", exact=True).click()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".st-key-reveal")).to_be_visible()
    settle(page)
    assert serious(page) == []


@pytest.mark.screens
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_projector_mode_screenshots(browser, server, shots, lesson):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(90_000)
    step = next(k for k, s in enumerate(lesson.steps, start=1) if s.question is not None)
    page.goto(f"{server}/Lessons?lesson={lesson.slug}&step={step}&projector=true&hide=sidebar")
    settle(page)
    page.wait_for_selector(STEP_DRAWN, state="attached")  # some steps draw an HTML sentence, not a plotly chart
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"] p, .xtick text, .ytick text')]
               .filter(e => e.getBoundingClientRect().width > 0)
               .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    assert sizes and min(sizes) >= 20, sorted(sizes)[:5]
    path = screenshot(page, shots, f"i14-projector-{lesson.slug}")
    if NOTES_SHOTS.is_dir():
        page.screenshot(path=str(NOTES_SHOTS / f"i14-projector-{lesson.slug}.png"))  # the first 1280x720 view
    assert path.stat().st_size > 0
    context.close()


@pytest.mark.parametrize("path", ["/Compare", "/LSTM_step_by_step"])
def test_projector_mode_redraws_a_new_pages_charts(browser, server, shots, path):
    """The figure itself is redrawn (plotly's own layout, not only a style rule): ticks at 20 px or more,
    and the sequential colour scale kept as in normal mode (Blues: dark = high in both modes, issue 23)."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(COLD_MS)
    page.goto(f"{server}{path}?projector=true&hide=sidebar")
    settle(page)
    wait_for_chart(page)
    fonts = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => gd._fullLayout).filter(Boolean)
               .flatMap(l => Object.keys(l).filter(k => /^[xy]axis\\d*$/.test(k) && l[k].tickfont)
                                           .map(k => l[k].tickfont.size))"""
    )
    assert fonts and min(fonts) >= 20, fonts
    scales = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => [
               ...(gd._fullData || []).map(t => t.colorscale || (t.marker && t.marker.colorscale)),
               ...Object.keys(gd._fullLayout || {}).filter(k => k.startsWith('coloraxis'))
                   .map(k => gd._fullLayout[k].colorscale)])
               .filter(Boolean).map(s => s[0][1])"""
    )
    assert "rgb(247,251,255)" in scales, scales  # the first stop of Blues: the same colours as normal mode
    name = "int14-projector" + path.replace("/", "-").lower()
    screenshot(page, shots, name)
    if NOTES_SHOTS.is_dir():
        page.screenshot(path=str(NOTES_SHOTS / f"{name}.png"))
    context.close()


ONE_SCREEN = {"width": 1280, "height": 720}
STEP_SHOTS = Path(os.environ.get("LESSON_SHOTS", "")) if os.environ.get("LESSON_SHOTS") else None


def first_box(page: Page, selector: str) -> dict | None:
    """The bounding box (page coordinates, nothing scrolled) of the first element matching `selector`."""
    return page.evaluate(
        """(selector) => { const el = document.querySelector(selector); if (!el) return null;
               const r = el.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY}; }""",
        selector,
    )


@pytest.mark.screens
@pytest.mark.parametrize(
    ("lesson", "step"),
    [(lesson, k) for lesson in LESSONS for k in range(1, len(lesson.steps) + 1)],
    ids=lambda x: x.slug if hasattr(x, "slug") else str(x),
)
def test_one_screen_the_chart_and_its_question_fit_at_1280x720(browser, server, lesson, step):
    """Rule 2 of lessons/README.md: at 1280x720, projector mode, hide=sidebar, a step's chart and its
    question (the radio buttons or the number box) are both inside the first screen, unscrolled."""
    context = browser.new_context(viewport=ONE_SCREEN)
    page = context.new_page()
    page.set_default_timeout(COLD_MS)
    page.goto(f"{server}/Lessons?lesson={lesson.slug}&step={step}&projector=true&hide=sidebar")
    expect(step_heading(page)).to_contain_text(lesson.steps[step - 1].title, timeout=COLD_MS)
    page.wait_for_selector(STEP_DRAWN, state="attached", timeout=COLD_MS)
    if lesson.steps[step - 1].question is not None:
        page.wait_for_selector('[data-testid="stRadio"], [data-testid="stNumberInput"]', timeout=COLD_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=COLD_MS)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=COLD_MS)
    page.wait_for_timeout(500)
    chart = first_box(page, ".st-key-step_chart")
    if STEP_SHOTS is not None:
        STEP_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(STEP_SHOTS / f"{lesson.slug}-{step}.png"))  # the first 1280x720 screen
    assert chart is not None, "the step draws no chart"
    if lesson.steps[step - 1].question is not None:
        asked = first_box(page, '[data-testid="stRadio"], [data-testid="stNumberInput"]')
        assert asked is not None, "the question is not drawn"
        for name, box in (("chart", chart), ("question", asked)):
            assert box["top"] >= 0 and box["bottom"] <= ONE_SCREEN["height"], f"{name} at {box}: needs a scroll"
    context.close()


def answer_any(page: Page, question) -> None:
    """Commit some answer: the first option, or the question's lowest number (the reveal shows either way)."""
    if question.kind == "choice":
        page.get_by_test_id("stRadioGroup").locator("label").first.click()
    else:
        box = page.get_by_test_id("stNumberInput").locator("input")
        box.fill(str(int(question.low)))
        box.press("Enter")
        expect(page.get_by_role("button", name="Check my answer")).to_be_enabled()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".st-key-reveal")).to_be_visible()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    page.wait_for_selector(STEP_DRAWN, state="attached")  # the reveal chart, drawn in the chart's place
    page.wait_for_timeout(500)


@pytest.mark.screens
@pytest.mark.parametrize(
    ("lesson", "step"),
    [(lesson, k) for lesson in LESSONS for k, spec in enumerate(lesson.steps, start=1) if spec.question is not None],
    ids=lambda x: x.slug if hasattr(x, "slug") else str(x),
)
def test_one_screen_the_reveal_fits_at_1280x720(browser, server, lesson, step):
    """Rule 2, once answered: on a projector the reveal (verdict, explanation, caveat) takes the question's
    place and ends inside the first 1280x720 screen, unscrolled, beside the reveal chart."""
    context = browser.new_context(viewport=ONE_SCREEN)
    page = context.new_page()
    page.set_default_timeout(COLD_MS)
    page.goto(f"{server}/Lessons?lesson={lesson.slug}&step={step}&projector=true&hide=sidebar")
    page.wait_for_selector('[data-testid="stRadio"], [data-testid="stNumberInput"]')
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    answer_any(page, lesson.steps[step - 1].question)
    page.evaluate("() => document.querySelectorAll('*').forEach(e => { if (e.scrollTop > 0) e.scrollTop = 0; })")
    if STEP_SHOTS is not None:
        STEP_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(STEP_SHOTS / f"{lesson.slug}-{step}-revealed.png"))
    shown = first_box(page, ".st-key-reveal")
    assert shown is not None and shown["top"] >= 0 and shown["bottom"] <= ONE_SCREEN["height"], shown
    expect(page.get_by_test_id("stRadioGroup")).to_have_count(0)  # the reveal took the question's place
    expect(page.get_by_test_id("stNumberInput")).to_have_count(0)
    context.close()
