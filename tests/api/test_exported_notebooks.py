"""One exported notebook per page runs top to bottom (nbclient), and its arrays equal the page's cached call's."""

from __future__ import annotations

import numpy as np
import pytest
from nbformat import v4

from nlpexplorer import notebook
from tests.api.notebooks import execute, start_kernel
from ui import cached, cached_lm, cached_memory, cached_probes, inside_views, reading
from ui import compare as cc

TEXT = "Hi there, she said."


def _gates(values):
    view = cached._lstm_gates(values["model"], TEXT, int(values["layer"]))
    return {q: view[0].get(q) for q in "ifgoch"}


def _step(values):
    page = reading.char_reading(TEXT, int(values["layer"]))
    return {k: page[k] for k in ("c", "h", "probs", "ids")}


def _attention(values):
    page = cached._attention("", False, TEXT)
    return {"attentions": page.attentions, "hidden_states": page.hidden_states}


def _language_model(values):
    page = cached_lm.fill_blank(cached_lm.THIS_APP, values["blank"], 5)
    return {"forward_logprob": page.forward_logprob, "combined_logprob": page.combined_logprob}


def _senses(values):
    page = cached._sense_vectors(values["word"], values["sentences"], "")
    return {"elmo": page["elmo"].vectors, "elmo_control": page["elmo_control"].vectors}


def _compare(values):
    page = cc.pair(values["a"], values["b"])
    return {f"{m.model} distance": m.distance for m in page.models}


def _connectivity(values):
    page = cached_memory.connectivity(TEXT, int(values["predict"]) - 2)
    return {"LSTM inputs": page["LSTM"].inputs, "plain RNN hidden": page["plain RNN"].hidden}


def _inside(values):
    page = inside_views.opened_layer(TEXT, int(values["layer"]), int(values["head"]))
    return {"weights": page.weights, "layer_output": page.layer_output}


def _probes(values):
    page = cached_probes.homograph(values["hword"], values["hlines"])
    return {"noun_share": np.array([r.noun_share for r in page["readings"]])}


CASES = {  # page -> (its URL inputs, the page's cached call)
    "pages/1_LSTM_gates.py": ({"text": TEXT, "model": "char-LSTM", "layer": "2"}, _gates),
    "pages/1_LSTM_step_by_step.py": ({"text": TEXT, "layer": "2"}, _step),
    "pages/3_Transformer_attention.py": ({"text": TEXT, "layer": "2", "head": "3"}, _attention),
    "pages/2_ELMo_language_model.py": ({"blank": "The ___ was closed ."}, _language_model),
    "pages/2_ELMo_senses.py": (
        {"word": "bank", "sentences": "river\tThe bank was wet.\nmoney\tThe bank lent money.\nriver\tOn the bank."},
        _senses,
    ),
    "pages/4_Compare.py": ({"a": "A cat sat.", "b": "A dog sat."}, _compare),
    "pages/1_Why_gates.py": ({"text": TEXT, "predict": "9", "layer": "2"}, _connectivity),
    "pages/3_Inside_attention.py": ({"text": TEXT, "layer": "4", "head": "2", "query": "3"}, _inside),
    "pages/5_What_each_layer_knows.py": (
        {"hpreset": "my own sentences", "hword": "book", "hlines": "I read a book/NN .\nPlease book/VB it ."},
        _probes,
    ),
}


@pytest.fixture(scope="module")
def kernel():
    """One kernel for the nine notebooks: a start and each model's load once (about 3-5 s each on 2 cores)."""
    km = start_kernel()
    yield km
    km.shutdown_kernel(now=True)


def test_every_page_with_a_view_has_a_case() -> None:
    assert set(CASES) == set(notebook.PAGES)


@pytest.mark.slow
@pytest.mark.parametrize("page", CASES)
def test_exported_notebook_runs_and_equals_the_page(page: str, tmp_path, kernel) -> None:
    values, page_call = CASES[page]
    nb = notebook.build(page, values)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "code", "code"]
    out = tmp_path / "arrays.npz"
    nb.cells.append(v4.new_code_cell(f"import numpy as np\nnp.savez({str(out)!r}, **view.arrays)"))
    execute(nb, kernel)
    assert any(o.get("data", {}).get("application/vnd.plotly.v1+json") for o in nb.cells[3].outputs) or page.endswith(
        "senses.py"
    )
    exported = np.load(out)
    for key, expected in page_call(values).items():
        np.testing.assert_array_equal(exported[key], expected, err_msg=f"{page}: {key}")
