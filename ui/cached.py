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
