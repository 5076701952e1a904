"""Your own LSTM folder on the LSTM gates and step pages, and the "Open as notebook" download, under AppTest."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest
import torch
from torch import nn

from engine.models import user_lstm
from nlpexplorer import notebook
from tests.app.conftest import array, messages, plotly_specs, run_page

GATES, STEP = "pages/1_LSTM_gates.py", "pages/1_LSTM_step_by_step.py"
TEXT = 'She said "hi" twice.'
VOCABULARY = ["?", *sorted(set(TEXT.lower()))]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    torch.manual_seed(0)
    lstm = nn.LSTM(5, 12, num_layers=3)
    embedding, decoder = nn.Embedding(len(VOCABULARY), 5), nn.Linear(12, len(VOCABULARY))
    return str(user_lstm.save(tmp_path_factory.mktemp("lstm") / "mine", lstm, VOCABULARY, "characters", embedding,
                              decoder))  # fmt: skip


def test_gates_page_shows_your_lstm(folder: str) -> None:
    at = run_page(
        GATES, params={"text": TEXT, "model": "your LSTM folder", "lstm_folder": folder, "layer": "3", "q": "c"}
    )
    assert not at.exception and not at.error
    heatmap = plotly_specs(at)[0]
    expected = user_lstm.load(folder).trace(TEXT).c[2, 0, 0]  # layer 3's cell state, [T, 12]
    shown = array(heatmap["data"][0]["z"])  # [units shown, T], units by variance
    units = [int(label.split()[1]) for label in heatmap["data"][0]["y"]]
    np.testing.assert_allclose(shown, expected[:, units].T, rtol=1e-6)
    assert "12 units in layer 3 · your LSTM (mine)" in at.caption[0].value
    assert [o for o in at.selectbox(key="layer").options] == ["1", "2", "3"]
    assert any("'S'" in m for m in messages(at, "info")), "S is not in the lower-case vocabulary: said so"


def test_a_bad_folder_is_named_and_the_page_keeps_working(tmp_path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text(json.dumps({"input_size": 2, "hidden_size": 3, "num_layers": 1}))
    at = run_page(GATES, params={"text": TEXT, "model": "your LSTM folder", "lstm_folder": str(bad)})
    assert not at.exception
    assert messages(at, "error") == ["config.json lacks the fields vocabulary, unit."]
    assert at.text_input(key="lstm_folder").value == str(bad), "the typed folder is kept"


def test_step_page_predicts_with_your_lstm(folder: str) -> None:
    at = run_page(STEP, params={"text": TEXT, "reader": "your LSTM folder", "lstm_folder": folder, "layer": "2"})
    assert not at.exception and not at.error
    assert any("Top 5 guesses" in s["layout"]["title"]["text"] for s in plotly_specs(at) if s["layout"].get("title"))


def test_step_page_explains_a_word_lstm(tmp_path) -> None:
    words = user_lstm.save(tmp_path / "words", nn.LSTM(3, 4), ["<unk>", "she"], "words", nn.Embedding(2, 3))
    at = run_page(STEP, params={"text": TEXT, "reader": "your LSTM folder", "lstm_folder": str(words)})
    assert not at.exception
    assert any("character-level LSTM with a decoder" in m for m in messages(at, "info"))


def test_open_as_notebook_is_offered_with_the_pages_inputs() -> None:
    at = run_page(GATES, params={"text": TEXT, "layer": "2"})
    buttons = [b for b in at.get("download_button") if "notebook" in b.proto.label]
    assert len(buttons) == 1
    from ui.notebook import PAGE_KEY, current_values

    assert at.session_state[PAGE_KEY] == GATES
    values = {k: str(at.session_state[k]) for k in ("text", "model", "layer")}
    nb = notebook.build(GATES, values)
    nbformat.validate(nb)
    assert nb.cells[2].source.startswith(f"view = nx.gates('char-LSTM', {TEXT!r}, layer=2)")
    assert callable(current_values)


def test_home_and_lessons_offer_no_notebook() -> None:
    at = run_page()
    assert not [b for b in at.get("download_button") if "notebook" in b.proto.label]
