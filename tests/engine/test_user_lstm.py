"""Your own LSTM folder: the gates of trace_gates, the predictions of a plain forward, and a message per bad folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from engine.models import user_lstm
from engine.models.intervention import Intervention
from engine.models.lstm import trace_gates
from engine.validation import InputError

VOCABULARY = ["?", *"abcdefghijklmnopqrstuvwxyz ."]
TEXT = "the cat sat. a dog ran"


def _parts(seed: int = 0, proj_size: int = 0):
    torch.manual_seed(seed)
    embedding = nn.Embedding(len(VOCABULARY), 6)
    lstm = nn.LSTM(6, 8, num_layers=2, batch_first=True, proj_size=proj_size)
    decoder = nn.Linear(proj_size or 8, len(VOCABULARY))
    return embedding, lstm, decoder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    embedding, lstm, decoder = _parts()
    return user_lstm.save(tmp_path / "mine", lstm, VOCABULARY, embedding=embedding, decoder=decoder)


def test_gates_equal_trace_gates_and_predictions_a_plain_forward(folder: Path) -> None:
    embedding, lstm, decoder = _parts()  # the same seed: the same weights as the saved ones
    model = user_lstm.load(folder)
    trace = model.trace(TEXT)
    ids = torch.tensor([[VOCABULARY.index(c) for c in TEXT]])
    with torch.no_grad():
        x = embedding(ids)
        reference = trace_gates(lstm, x)
        output, _ = lstm(x)  # a plain forward, no tracing
        probs = torch.softmax(decoder(output), dim=-1)[0].numpy()
    for q in "ifgoch":
        np.testing.assert_array_equal(trace.get(q), reference.get(q))
    np.testing.assert_allclose(trace.probs, probs, atol=1e-6)
    assert trace.tokens == list(TEXT)
    assert trace.probs.shape == (len(TEXT), len(VOCABULARY))


def test_unknown_characters_read_as_the_unknown_entry(folder: Path) -> None:
    assert user_lstm.load(folder).encode("aZb").tolist() == [1, 0, 2]


def test_without_embedding_or_decoder_it_reads_one_hot_and_has_no_predictions(tmp_path: Path) -> None:
    torch.manual_seed(1)
    lstm = nn.LSTM(len(VOCABULARY), 5, batch_first=True)
    model = user_lstm.load(user_lstm.save(tmp_path / "bare", lstm, VOCABULARY))
    trace = model.trace("abc")
    with torch.no_grad():
        output, _ = lstm(nn.functional.one_hot(torch.tensor([[1, 2, 3]]), len(VOCABULARY)).float())
    np.testing.assert_allclose(trace.h[0, 0, 0], output[0].numpy(), atol=1e-6)
    assert trace.probs is None and not model.can_predict
    with pytest.raises(InputError, match="no decoder"):
        model.trace("abc", Intervention(0, (1,)))


def test_projection_and_words(tmp_path: Path) -> None:
    torch.manual_seed(2)
    words = ["<unk>", "the", "cat", "sat"]
    embedding, lstm, decoder = nn.Embedding(4, 3), nn.LSTM(3, 6, batch_first=True, proj_size=2), nn.Linear(2, 4)
    model = user_lstm.load(user_lstm.save(tmp_path / "w", lstm, words, "words", embedding, decoder))
    trace = model.trace("the cat sat on")
    assert trace.tokens == ["the", "cat", "sat", "on"] and model.encode("the cat sat on").tolist() == [1, 2, 3, 0]
    with torch.no_grad():
        output, _ = lstm(embedding(torch.tensor([[1, 2, 3, 0]])))
    np.testing.assert_allclose(trace.h[-1, 0, 0], output[0].numpy(), atol=1e-6)


def test_intervention_runs_on_a_user_lstm(folder: Path) -> None:
    model = user_lstm.load(folder)
    plain, changed = model.trace(TEXT), model.trace(TEXT, Intervention(0, (0, 1), "clamp c to 0", 3))
    np.testing.assert_array_equal(changed.probs[:3], plain.probs[:3])
    assert np.all(changed.c[0, 0, 0, 3:, :2] == 0)


# -- ten (and more) malformed folders, each with its own message -------------------------------------------------


def _config(**changes) -> dict:
    config = {"input_size": 6, "hidden_size": 8, "num_layers": 2, "proj_size": 0, "vocabulary": VOCABULARY,
              "unit": "characters"}  # fmt: skip
    config.update(changes)
    return {k: v for k, v in config.items() if v is not None}


def _state(drop: str = "", **replace) -> dict:
    embedding, lstm, decoder = _parts()
    parts = {"lstm": lstm, "embedding": embedding, "decoder": decoder}
    state = {f"{n}.{k}": v.detach().clone() for n, m in parts.items() for k, v in m.state_dict().items()}
    state.update(replace)
    state.pop(drop, None)
    return state


def _write(folder: Path, config: dict | str | None, state: dict | None, extra: dict | None = None) -> Path:
    folder.mkdir()
    if config is not None:
        (folder / "config.json").write_text(config if isinstance(config, str) else json.dumps(config))
    if state is not None:
        save_file(state, str(folder / "model.safetensors"))
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    return folder


MALFORMED = {
    "missing key": (_config(), _state(drop="lstm.weight_hh_l1"), None, "lack the key lstm.weight_hh_l1"),
    "wrong shape": (
        _config(),
        _state(**{"lstm.weight_ih_l0": torch.zeros(32, 5)}),
        None,
        r"lstm.weight_ih_l0 has shape \[32, 5\]; the config needs \[32, 6\]",
    ),
    "wrong vocabulary size": (
        _config(vocabulary=VOCABULARY[:-1]),
        _state(),
        None,
        r"embedding.weight has shape \[29, 6\].*vocabulary has 28 entries",
    ),
    "pickle only": (_config(), None, {"model.pt": b"\x80\x04K\x01."}, "only pickled weights \\(model.pt\\)"),
    "config missing a field": (_config(hidden_size=None), _state(), None, "lacks the field hidden_size"),
    "no config": (None, _state(), None, "no config.json"),
    "config not json": ("{input_size: 6", _state(), None, "not valid JSON"),
    "field of the wrong type": (_config(num_layers="two"), _state(), None, "num_layers must be an integer"),
    "unknown unit": (_config(unit="bytes"), _state(), None, "unit is 'bytes'"),
    "extra layer": (_config(num_layers=1), _state(), None, "the config does not explain: lstm.bias_hh_l1"),
    "no weights": (_config(), None, None, "has no weights"),
    "damaged weights": (_config(), None, {"model.safetensors": b"not a safetensors file"}, "cannot be read"),
    "duplicate vocabulary": (_config(vocabulary=["a", "a"]), _state(), None, "lists 'a' twice"),
    "no lstm keys": (_config(), {"rnn.weight": torch.zeros(2)}, None, "no key starting with 'lstm.'"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_each_malformed_folder_has_its_own_message(tmp_path: Path, case: str) -> None:
    config, state, extra, message = MALFORMED[case]
    folder = _write(tmp_path / "bad", config, state, extra)
    with pytest.raises(InputError, match=message):
        user_lstm.load(folder)


def test_the_messages_are_all_different(tmp_path: Path) -> None:
    messages = set()
    for k, (config, state, extra, _) in enumerate(MALFORMED.values()):
        with pytest.raises(InputError) as caught:
            user_lstm.load(_write(tmp_path / f"bad{k}", config, state, extra))
        messages.add(str(caught.value))
    assert len(messages) == len(MALFORMED) >= 10


def test_missing_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        user_lstm.load(tmp_path / "nowhere")
    with pytest.raises(InputError, match="Type the path"):
        user_lstm.load("  ")


def test_shared_mode_takes_only_folders_under_the_models_root(tmp_path: Path, folder: Path, monkeypatch) -> None:
    root = tmp_path / "root"
    (root / "other").mkdir(parents=True)
    monkeypatch.setenv("EXPLORER_SHARED_MODE", "1")
    monkeypatch.setenv("EXPLORER_MODELS_ROOT", str(root))
    with pytest.raises(InputError, match="only the model folders it offers"):
        user_lstm.load(folder)  # an absolute path outside the root
    folder.rename(root / "mine")
    assert user_lstm.load("mine").trace("ab").probs.shape == (2, len(VOCABULARY))
