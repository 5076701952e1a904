"""The models behind `model=`: a shipped model's name, a local folder, or a live object. Loaded once per process."""

from __future__ import annotations

import functools
from pathlib import Path

SHIPPED_LSTMS = ("char-LSTM", "ELMo forward", "ELMo backward")


@functools.cache
def char_lstm():
    """The shipped char-LSTM (assets/charlstm, checksums verified)."""
    from engine.models import charlstm

    return charlstm.load_default()


@functools.cache
def char_rnn():
    """The shipped plain char-RNN (assets/charrnn, checksums verified): the "Why gates" page's baseline."""
    from engine.models import charrnn

    return charrnn.load_default()


@functools.cache
def glove():
    """The shipped GloVe vectors (engine/models/glove.py), the static model of "What each layer knows"."""
    from engine.models import glove as glove_models

    return glove_models.load()


@functools.cache
def elmo():
    """This app's ELMo biLM (assets/elmo, checksums verified)."""
    from engine.models import elmo as elmo_models

    return elmo_models.load_default()


@functools.cache
def transformer(folder: str = ""):
    """all-MiniLM-L6-v2 ("" or "MiniLM"), or a local Hugging Face folder (safetensors only)."""
    from engine.models import transformer as transformers_models

    return transformers_models.load(None if folder in ("", "MiniLM") else folder)


@functools.cache
def user_lstm(folder: str):
    """Your own LSTM folder (config.json + model.safetensors; engine/models/user_lstm.py)."""
    from engine.models import user_lstm as loader

    return loader.load(folder)


OFFICIAL = "official ELMo "  # + size (+ direction): an official ELMo fetched into the cache (ui/cached.OFFICIAL)


@functools.cache
def official_elmo(size: str):
    """A fetched official ELMo ("small", "medium", "original"), checksums verified; no softmax."""
    from engine.models.elmo import Elmo, official

    files = official.load_verified(size)
    return Elmo.from_files(files.options, files.weights, name=f"{OFFICIAL}{size}")


def lstm_model(model):
    """(a traceable model, direction, its kind) for `gates`/`step`'s `model=`: "char-LSTM", "ELMo" (forward),
    "ELMo forward", "ELMo backward", "official ELMo <size> [forward|backward]", a folder path (your LSTM), or a
    live char-LSTM-like object with `.trace(text)`."""
    direction = 1 if str(model).endswith("backward") else 0
    if isinstance(model, str) and model.startswith(OFFICIAL):
        size = model.removeprefix(OFFICIAL).split()[0]
        return official_elmo(size), direction, "ELMo"
    if isinstance(model, str) and model in ("ELMo", *SHIPPED_LSTMS[1:]):
        return elmo(), direction, "ELMo"
    if model == "char-LSTM":
        return char_lstm(), 0, "char-LSTM"
    if isinstance(model, str | Path):
        return user_lstm(str(Path(model).expanduser())), 0, "folder"
    return model, 0, "object"


def transformer_model(model):
    """A `TransformerModel` for `attention`'s `model=`: None/"MiniLM", a folder, a `TransformerModel`, or a
    (transformers model, tokenizer) pair."""
    from engine.models.transformer import TransformerModel

    if model is None or isinstance(model, str | Path):
        return transformer(str(model or ""))
    if isinstance(model, TransformerModel):
        return model
    hf_model, tokenizer = model
    return TransformerModel(hf_model, tokenizer, type(hf_model).__name__)
