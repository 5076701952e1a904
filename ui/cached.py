"""Models load once per process (`st.cache_resource`); results are cached per text and settings
(`st.cache_data`, bounded), never keyed on big arrays. Engine calls compute everything they return,
so concurrent sessions never see each other's activations."""

from __future__ import annotations

import streamlit as st
import torch

from engine import transformer

torch.set_num_threads(2)  # process-wide: set once, here, not per request


@st.cache_resource(show_spinner="Loading the Transformer (once per server)…", max_entries=4)
def transformer_model(source: str, allow_pickle: bool = False) -> transformer.TransformerModel:
    """`source` is "" for the default MiniLM, else a local folder (or a hub name when online)."""
    return transformer.load(source or None, allow_pickle=allow_pickle)


@st.cache_data(show_spinner="Running the Transformer…", max_entries=16)
def attention(source: str, allow_pickle: bool, text: str) -> transformer.AttentionResult:
    return transformer_model(source, allow_pickle).run(text)


# ---------------------------------------------------------------------------------------------
# LSTM gates
# ---------------------------------------------------------------------------------------------
LSTM_MODELS = ("char-LSTM", "ELMo forward", "ELMo backward")


@st.cache_resource(show_spinner="Loading the char-LSTM (once per server)…")
def char_lstm():
    from engine import lstm

    return lstm.load_default()


@st.cache_resource(show_spinner="Loading ELMo (once per server)…")
def elmo_model():
    from engine import elmo

    return elmo.load_default()


@st.cache_data(show_spinner="Tracing every gate…", max_entries=8)
def lstm_gates(model: str, text: str, layer: int) -> tuple:
    """(LayerView of `layer` (1-based) in the model's direction, saturation of i/f/o for every layer)."""
    from engine import gate_analysis
    from engine.text import tokenize

    if model == "char-LSTM":
        trace, direction = char_lstm().trace(text), 0
    else:
        trace = elmo_model().gates(tokenize(text), with_boundaries=True)
        direction = 0 if model == "ELMo forward" else 1
    view = gate_analysis.layer_view(trace, layer - 1, direction)
    summary = [
        {gate: gate_analysis.saturation(getattr(trace, gate)[k, direction, 0]) for gate in ("i", "f", "o")}
        for k in range(trace.i.shape[0])
    ]
    return view, summary, trace.layer_names
