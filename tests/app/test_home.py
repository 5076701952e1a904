"""The home page: renders, explains the three models, links to pages that exist."""

from streamlit.source_util import page_icon_and_name

from tests.app.conftest import ROOT, run_page
from ui.inputs import DEFAULT_TEXT
from ui.page import PAGES


def test_home_renders_without_exception():
    at = run_page()
    assert not at.exception
    assert "Look inside three landmark NLP models" in at.title[0].value
    assert [s.value for s in at.subheader] == ["LSTM gates", "ELMo senses", "Transformer attention"]


def url_names() -> dict[str, str]:
    """URL path -> page file, by Streamlit's own naming rule ("" is the home page)."""
    names = {"": "app.py"}
    for path in sorted((ROOT / "pages").glob("*.py")):
        names[page_icon_and_name(path)[1]] = f"pages/{path.name}"
    return names


def test_every_link_on_home_points_to_an_existing_page():
    at = run_page()
    links = [el.proto.page for el in at.get("page_link")]
    # sidebar navigation (one link per page in ui.page.PAGES) + the pointer to the Lessons
    # + per model card: open it, and a "Try:" question (3 x 2)
    assert len(links) == len(PAGES) + 7
    pages = url_names()
    assert set(links) == set(pages), "every page is linked and every link is a page"
    for name in sorted(set(links) - {""}):
        switched = run_page(pages[name])
        assert not switched.exception, name
        assert switched.title, name


def test_text_comes_from_the_query_param_and_defaults_otherwise():
    assert run_page().text_area(key="text").value == DEFAULT_TEXT
    at = run_page(params={"text": "The river bank flooded."})
    assert at.text_area(key="text").value == "The river bank flooded."


def test_text_survives_a_page_switch():
    at = run_page()
    at.text_area(key="text").input("Money in the bank.").run()
    at.switch_page("pages/3_Transformer_attention.py").run()
    assert at.text_area(key="text").value == "Money in the bank."


def test_projector_mode_shows_the_overview_one_panel_per_tab_with_every_label_at_18_px_or_more():
    """Issue 23: the diagram's labels were ~9 px on screen; each panel is now drawn wide enough that the
    file's smallest font (11 units) is >= 18 px: screen px per unit = width / the panel's viewBox width."""
    import re

    from ui import overview

    at = run_page(params={"projector": "true"})
    assert not at.exception
    assert [t.label for t in at.tabs] == ["LSTM", "ELMo", "Transformer"]
    for _, svg, width in overview.panels():
        box_width = float(re.search(r'<svg[^>]*viewBox="[0-9. ]* [0-9. ]* ([0-9.]+) [0-9.]+"', svg).group(1))
        assert width <= 1200 and overview.smallest_font(svg) * width / box_width >= 18
    assert overview.smallest_font(overview.OVERVIEW.read_text()) == 11  # what the file's smallest text is
    normal = run_page()
    assert not normal.tabs  # the whole diagram, as before
