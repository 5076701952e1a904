"""Each API call returns the same arrays as its page's cached call for the same inputs, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import nlpexplorer as nx
from engine.models import user_lstm as user_lstm_models
from engine.models.lstm import trace_gates
from nlpexplorer.inside import STAGE_ARRAYS
from ui import cached, cached_lm, cached_memory, cached_probes, inside_views, reading
from ui import compare as cc

TEXT = 'He said "meet me at the bank" and left.'
QUANTITIES = ("i", "f", "g", "o", "c", "h", "kept", "written")


def _same(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


def _same_gates(view: nx.View, page: tuple) -> None:
    layer_view, saturation, layer_names = page
    for q in QUANTITIES:
        _same(view[q], layer_view.get(q))
    _same(view["left_saturation"], np.array([[s[g][0] for g in "ifo"] for s in saturation]))
    _same(view["right_saturation"], np.array([[s[g][1] for g in "ifo"] for s in saturation]))
    assert view.labels["tokens"] == layer_view.tokens and view.labels["layers"] == list(layer_names)


@pytest.mark.parametrize(("model", "layer"), [("char-LSTM", 2), ("ELMo backward", 1)])
def test_gates(model: str, layer: int) -> None:
    _same_gates(nx.gates(model, TEXT, layer=layer), cached._lstm_gates(model, TEXT, layer))


def test_gates_of_your_lstm_folder_and_of_a_live_lstm(tmp_path) -> None:
    torch.manual_seed(0)
    vocabulary = ["?", *sorted(set(TEXT))]
    lstm, embedding, decoder = nn.LSTM(4, 6, 2), nn.Embedding(len(vocabulary), 4), nn.Linear(6, len(vocabulary))
    folder = str(user_lstm_models.save(tmp_path / "mine", lstm, vocabulary, "characters", embedding, decoder))
    view = nx.gates(folder, TEXT, layer=2)
    _same_gates(view, cached._lstm_gates(cached.YOUR_LSTM, TEXT, 2, folder))
    x = torch.randn(9, 4)
    live = nx.gates(lstm, x, layer=1)
    _same(live["f"], trace_gates(lstm, x).f[0, 0, 0])
    assert live.labels["tokens"] == [str(t) for t in range(9)]


def test_step() -> None:
    view, page = nx.step(TEXT, layer=2), reading.char_reading(TEXT, 2)
    for key in ("i", "f", "g", "o", "c", "h", "probs", "ids"):
        _same(view[key], page[key])
    assert view.labels["tokens"] == page["tokens"] and view.labels["vocabulary"] == page["chars"]


def test_attention() -> None:
    view, page = nx.attention(TEXT), cached._attention("", False, TEXT)
    for key in ("attentions", "hidden_states", "special_mask"):
        _same(view[key], getattr(page, key))
    assert view.labels["tokens"] == page.tokens


def test_language_model() -> None:
    sentence = "I sat on the ___ of the river"
    view, page = nx.language_model(sentence, 5), cached_lm.fill_blank(cached_lm.THIS_APP, sentence, 5)
    for d in ("forward", "backward", "combined"):
        _same(view[f"{d}_logprob"], getattr(page, f"{d}_logprob"))
        assert view.labels[f"{d}_top"] == [w for w, _ in getattr(page, d)]


def test_senses() -> None:
    sentences = "river\tWe sat on the bank of the river.\nmoney\tThe bank lent me money.\nriver\tThe bank was muddy."
    view, page = nx.senses("bank", sentences), cached._sense_vectors("bank", sentences, "")
    _same(view["elmo"], page["elmo"].vectors)
    _same(view["elmo_control"], page["elmo_control"].vectors)
    assert view.labels["sense_labels"] == ["river", "money", "river"]


def test_compare() -> None:
    a, b = "She sat on the bank of the river.", "She sat on the bank of the money."
    view, page = nx.compare(a, b), cc.pair(a, b)
    for model in page.models:
        _same(view[f"{model.model} distance"], model.distance)
    _same(view["char distance"], page.char_distance)
    assert view.labels["words"] == list(page.labels)


def test_connectivity() -> None:
    view = nx.connectivity(TEXT)  # 0: the closing quote's place, as on the page
    target = TEXT.index('"', TEXT.index('"') + 1) - 1  # the step read just before the closing quote
    page, bits = cached_memory.connectivity(TEXT, target), cached_memory.surprisal(TEXT)
    for name in cached_memory.MODELS:
        _same(view[f"{name} inputs"], page[name].inputs)
        _same(view[f"{name} hidden"], page[name].hidden)
        _same(view[f"{name} surprisal"], bits[name])
    _same(view["LSTM cell"], page["LSTM"].cell)
    _same(view["LSTM forget_product"], page["LSTM"].forget_product)
    assert view.labels["tokens"] == page["LSTM"].tokens and len(view.figures) == 4


def test_inside() -> None:
    view, page = nx.inside(TEXT, layer=3, head=5), inside_views.opened_layer(TEXT, 3, 5)
    for key in STAGE_ARRAYS:
        _same(view[key], getattr(page, key))
    query = page.shown_tokens.index("bank")  # the page's default query
    assert view.labels["shown_tokens"] == page.shown_tokens and f"query token {query}." in view.about
    assert len(view.figures) == 8 and len(nx.inside(TEXT, query=0, stage=4).figures) == 1


def test_probes() -> None:
    from engine.analysis.homographs import PRESETS

    view, page = nx.probes("run"), cached_probes.homograph("run", PRESETS["run"])
    _same(view["noun_share"], np.array([r.noun_share for r in page["readings"]]))
    _same(view["verb_share"], np.array([r.verb_share for r in page["readings"]]))
    _same(view["tagged_accuracy"], np.array([r.tagged_accuracy for r in page["readings"]]))
    assert view.labels["tags"] == [" ".join(r.tags) for r in page["readings"]]
    assert view["noun_share"].shape == (len(page["readings"]), 6)


def test_a_view_draws_the_pages_figures() -> None:
    view = nx.gates("char-LSTM", "Hello", layer=1)
    titles = [f.layout.title.text for f in view.figures]
    assert len(titles) == 4 and "layer 1" in titles[0]
    assert "View LSTM gates" in repr(view) and view.to_numpy() is view.arrays


def test_step_with_elmo() -> None:
    view, page = nx.step(TEXT, layer=1, model="ELMo"), reading.elmo_reading(TEXT, 1)
    for direction in ("forward", "backward"):
        for q in "ifgoch":
            _same(view[f"{direction}_{q}"], page[direction][q])
    assert view.labels["tokens"] == page["tokens"]
    assert view.result["predictions"].next_words == page["predictions"].next_words


def test_bad_inputs_raise_input_errors_with_the_limit(tmp_path) -> None:
    from engine.validation import InputError

    with pytest.raises(InputError, match="layers 1 to 2"):
        nx.gates("char-LSTM", "Hi", layer=3)
    with pytest.raises(InputError, match="does not exist"):
        nx.gates(str(tmp_path / "nowhere"), "Hi")
    with pytest.raises(InputError, match="empty"):
        nx.step("")
    with pytest.raises(InputError, match="choose 2 to 5"):
        nx.connectivity("Hello", predict=9)
    with pytest.raises(InputError, match="units 0 to 511"):
        nx.connectivity("Hello", unit=512)
    with pytest.raises(InputError, match="tokens 0 to 3"):
        nx.inside("Hi there", query=4)
    with pytest.raises(InputError, match="'book'"):
        nx.probes("book", "No such word here.")
