"""nlpexplorer.notebook: a page's inputs become the call's arguments, as literals, with the page's defaults."""

from __future__ import annotations

import ast

import nbformat
import pytest

from nlpexplorer import notebook
from ui.inputs import DEFAULT_TEXT


def _call(page: str, values: dict) -> ast.Call:
    source = notebook.build(page, values).cells[2].source
    return ast.parse(source).body[0].value


@pytest.mark.parametrize("page", notebook.PAGES)
def test_every_page_builds_a_valid_notebook_from_its_defaults(page: str) -> None:
    nb = notebook.build(page, {"text": DEFAULT_TEXT})
    nbformat.validate(nb)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code"]
    call = _call(page, {"text": DEFAULT_TEXT})
    assert call.func.attr == notebook.PAGES[page].function
    assert all(isinstance(arg, ast.Constant) for arg in [*call.args, *(k.value for k in call.keywords)])


def test_typed_text_is_data_never_code_or_markdown() -> None:
    text = "x')\nimport os; os.remove('y') # **bold** $x$ <b>"
    nb = notebook.build("pages/1_LSTM_gates.py", {"text": text, "layer": "2"})
    call = ast.parse(nb.cells[2].source).body[0].value
    assert ast.literal_eval(call.args[1]) == text
    assert len(ast.parse(nb.cells[2].source).body) == 2  # the call and the shapes: nothing injected
    assert text not in nb.cells[0].source


def test_inputs_map_to_arguments_with_the_pages_defaults() -> None:
    gates = _call("pages/1_LSTM_gates.py", {"text": "Hi", "model": "ELMo backward", "layer": "nonsense"})
    assert [ast.literal_eval(a) for a in gates.args] == ["ELMo backward", "Hi"]
    assert {k.arg: ast.literal_eval(k.value) for k in gates.keywords} == {"layer": 1}
    yours = _call("pages/1_LSTM_gates.py", {"text": "Hi", "model": "your LSTM folder", "lstm_folder": "/m"})
    assert ast.literal_eval(yours.args[0]) == "/m"
    attention = _call("pages/3_Transformer_attention.py", {"text": "Hi", "model": "local folder", "folder": "/b"})
    assert {k.arg: ast.literal_eval(k.value) for k in attention.keywords} == {"model": "/b", "layer": 1, "head": 3}
    senses = _call("pages/2_ELMo_senses.py", {"preset": "plant"})
    assert ast.literal_eval(senses.args[0]) == "plant"
    compare = _call("pages/4_Compare.py", {})
    assert ast.literal_eval(compare.args[0]) == "She sat on the bank of the river."


def test_every_page_with_a_view_offers_its_notebook() -> None:
    from pathlib import Path

    from ui.page import PAGES

    root = Path(__file__).resolve().parents[2]
    views = {path for path, _, _ in PAGES if path.startswith("pages/") and not path.endswith("_Lessons.py")}
    assert views == set(notebook.PAGES)
    for path in views:  # the sidebar footer draws "Open as notebook" (the language model page draws it itself)
        source = (root / path).read_text(encoding="utf-8")
        assert "page.sidebar_footer()" in source or "notebook.download_button()" in source, path


def test_the_newer_pages_inputs_map_to_arguments() -> None:
    from engine.analysis.homographs import PRESETS

    why = _call("pages/1_Why_gates.py", {"text": "Hi", "predict": "3", "unit": "7"})
    assert {k.arg: ast.literal_eval(k.value) for k in why.keywords} == {"predict": 3, "layer": 1, "unit": 7}
    inside = _call("pages/3_Inside_attention.py", {"text": "Hi", "head": "4", "stage": "5"})
    assert {k.arg: ast.literal_eval(k.value) for k in inside.keywords} == {"layer": 1, "head": 4, "stage": 5}
    chosen = _call("pages/3_Inside_attention.py", {"text": "Hi", "query": "2"})
    assert {k.arg: ast.literal_eval(k.value) for k in chosen.keywords}["query"] == 2
    preset = _call("pages/5_What_each_layer_knows.py", {"hpreset": "run"})
    assert [ast.literal_eval(a) for a in preset.args] == ["run", PRESETS["run"]]
    own = _call("pages/5_What_each_layer_knows.py", {"hpreset": "my own sentences", "hword": "x", "hlines": "a x/NN"})
    assert [ast.literal_eval(a) for a in own.args] == ["x", "a x/NN"]
