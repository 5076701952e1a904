"""The models shipped in assets/: they load, their checksums hold, and they learned something."""

import shutil

import numpy as np
import pytest

from engine import ASSETS, assets
from engine.models import charlstm, elmo
from engine.validation import ModelLoadError

HELD_OUT = [  # sentences from the corpus's held-out documents (the shipped sample)
    "He valued their kindness beyond any thing, and his greatest happiness was in being with them.",
    "The virtue which induces us to feed and lodge certain persons who are not in need of food and lodging.",
]


def test_every_shipped_weight_file_matches_its_recorded_checksum():
    recorded = (ASSETS / "SHA256SUMS").read_text().split("\n")
    names = [line.split()[1] for line in recorded if line]
    assert {"elmo/weights.hdf5", "elmo/options.json", "elmo/vocab.txt", "charlstm/model.safetensors"} <= set(names)
    for name in names:
        assets.verify(ASSETS / name)
    total = sum((ASSETS / name).stat().st_size for name in names)
    assert total <= 30 * 1024 * 1024, f"shipped weights are {total / 1e6:.1f} MB"


def test_a_damaged_weight_file_is_refused(tmp_path):
    shutil.copytree(ASSETS / "charlstm", tmp_path / "charlstm")
    shutil.copy(ASSETS / "SHA256SUMS", tmp_path / "SHA256SUMS")
    weights = tmp_path / "charlstm" / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="sha256"):
        assets.verify(weights, checksums=tmp_path / "SHA256SUMS")


def test_the_biLM_is_far_better_than_its_untrained_twin_on_held_out_lines():
    from engine.text import tokenize

    sentences = [tokenize(s) for s in HELD_OUT]
    trained, untrained = elmo.load_default(), elmo.load_default(untrained=True)
    assert trained.options == untrained.options
    ours, control = trained.perplexity(sentences)["average"], untrained.perplexity(sentences)["average"]
    assert ours < control / 20, (ours, control)
    predictions = trained.predict(tokenize("He sat on the bank of the river ."))
    assert predictions.previous_words[0][0][0] == "<S>"


def test_the_char_lstm_is_far_better_than_its_untrained_twin_on_held_out_lines():
    trained, untrained = charlstm.load_default(), charlstm.load_default(untrained=True)
    text = "\n".join(HELD_OUT)
    ours, control = trained.bits_per_char(text), untrained.bits_per_char(text)
    assert ours < control - 3, (ours, control)
    probabilities = trained.next_char_probabilities("The river ban")
    assert trained.config.chars[int(np.argmax(probabilities[-1]))] == "k"
