"""The step page's ELMo reader offers a fetched official ELMo (as the LSTM gates page does): its cells are
stepped like this app's biLM's, with no guesses (the official files carry no softmax)."""

from __future__ import annotations

import numpy as np

from engine.models.elmo import official as O
from engine.text import tokenize
from tests.app.conftest import array, messages, plotly_specs, run_page
from tests.engine.test_elmo_fetch import model_bytes
from ui import cached

PAGE = "pages/1_LSTM_step_by_step.py"
TEXT = "I sat on the bank of the river"


def test_a_fetched_official_elmo_is_a_reader_with_cells_and_no_guesses(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(O.CACHE_ENV, str(cache))
    (cache / "small").mkdir(parents=True)
    for name, data in model_bytes().items():
        (cache / "small" / name).write_bytes(data)
    at = run_page(PAGE, params={"text": TEXT, "reader": "official ELMo small", "step": "2", "cell_units": "0, 1"})
    assert not at.exception and not messages(at, "error")
    assert "official ELMo small" in at.selectbox(key="reader").options
    assert any("has no softmax" in m for m in messages(at, "info")) and not at.dataframe
    cell = plotly_specs(at)[-1]
    assert len(cell["frames"]) == len(tokenize(TEXT)) + 2  # <S>, the words, </S>
    trace = cached.elmo_from_folder("official ELMo small").gates(tokenize(TEXT), with_boundaries=True)
    gates = array(cell["data"][0]["y"])  # unit 0 of layer 1's forward LSTM: f, i, g, o at step 2
    np.testing.assert_allclose(gates, [trace.get(q)[0, 0, 0, 2, 0] for q in "figo"], atol=1e-5)
