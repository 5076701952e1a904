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
    assert {k.arg: ast.literal_eval(k.value) for k in attention.keywords} == {"model": "/b", "layer": 1, "head": 1}
    senses = _call("pages/2_ELMo_senses.py", {"preset": "plant"})
    assert ast.literal_eval(senses.args[0]) == "plant"
    compare = _call("pages/4_Compare.py", {})
    assert ast.literal_eval(compare.args[0]) == "She sat on the bank of the river."
