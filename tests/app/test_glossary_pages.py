"""Plain words first, on the pages (issue 23, lesson rule 4): every glossary term a page shows has its one-line
explanation on that page.

Each page runs under AppTest on its default view; every string it sends to the browser is gathered (text,
captions, labels, help tooltips, messages, table headers and cells, chart titles, axes, hover and annotations),
and every glossary term found in it (`ui.glossary.words_used`) must have its definition among those strings.
"""

from __future__ import annotations

import json

import pytest
from google.protobuf.json_format import MessageToDict

from tests.app.conftest import run_page
from ui import glossary
from ui.literal import shown

PAGES = [
    None,  # the home page, app.py
    "pages/1_LSTM_gates.py",
    "pages/1_LSTM_step_by_step.py",
    "pages/2_ELMo_language_model.py",
    "pages/2_ELMo_senses.py",
    "pages/3_Transformer_attention.py",
    "pages/4_Compare.py",
    "pages/1_Why_gates.py",
    "pages/3_Inside_attention.py",
    "pages/5_What_each_layer_knows.py",
]  # the Lessons page (pages/0_Lessons.py) explains its words per step: tests/lessons/test_glossary.py


def strings(value) -> list[str]:
    """Every string inside a protobuf-as-dict value; a plotly spec (JSON in a string) is opened too."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    if isinstance(value, str):
        if value[:1] in "{[":
            try:
                return strings(json.loads(value))
            except ValueError:
                pass
        return [value]
    return []


def shown_text(at) -> str:
    """All the text a page sends, main area and sidebar, as one string."""
    found: list[str] = []
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if getattr(node, "type", "") == "page_link":  # a page's name in the navigation is a name, not a use
            continue
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            found += strings(MessageToDict(proto))
        children = getattr(node, "children", None)
        stack += list(children.values()) if isinstance(children, dict) else list(children or [])
    return shown("\n".join(found))  # Markdown escapes removed: the text as a reader sees it


def missing_explanations(text: str) -> list[str]:
    """The glossary terms used in `text` whose definition is not in `text`."""
    return [term for term in glossary.words_used(text) if glossary.terms()[term] not in text]


def test_the_check_fails_on_a_term_without_its_explanation():
    assert missing_explanations("the forget gate opens") == ["forget gate", "gate"]
    explained = f"the forget gate opens. {glossary.terms()['forget gate']} {glossary.terms()['gate']}"
    assert missing_explanations(explained) == []


def test_strings_reads_plotly_specs_inside_protos():
    spec = json.dumps({"layout": {"title": {"text": "Perplexity"}}})
    assert "Perplexity" in strings({"spec": spec, "other": ["a", {"b": "c"}]})


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "app.py")
def test_every_term_on_the_page_is_explained_there(page):
    at = run_page(page)
    assert not at.exception
    text = shown_text(at)
    assert len(text) > 200, "the page showed almost nothing: the gathering is broken"
    assert missing_explanations(text) == [], f"used without explanation: {missing_explanations(text)}"
