"""Models load once per process (`st.cache_resource`); results are cached per text and settings
(`st.cache_data`, bounded), never keyed on big arrays. Engine calls compute everything they return,
so concurrent sessions never see each other's activations."""

from __future__ import annotations

import threading

import streamlit as st
import torch

from engine.models import transformer

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
    from engine.models import charlstm

    return charlstm.load_default()


@st.cache_resource(show_spinner="Loading ELMo (once per server)…")
def elmo_model():
    from engine.models import elmo

    return elmo.load_default()


@st.cache_data(show_spinner="Tracing every gate…", max_entries=8)
def lstm_gates(model: str, text: str, layer: int) -> tuple:
    """(LayerView of `layer` (1-based) in the model's direction, saturation of i/f/o for every layer)."""
    from engine.analysis import gates as gate_analysis
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


# ---------------------------------------------------------------------------------------------
# ELMo senses
# ---------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner="Loading ELMo from the folder (once per server)…", max_entries=2)
def elmo_from_folder(folder: str):
    from engine import policy
    from engine.models.elmo import Elmo

    path = policy.model_folder(folder)  # on a shared server: inside its models root, or refused
    return Elmo.from_files(path / "options.json", path / "weights.hdf5", path / "vocab.txt", name=f"ELMo ({path.name})")


@st.cache_resource(show_spinner=False, max_entries=3)
def elmo_control(folder: str):
    """The untrained control: the same architecture as the chosen ELMo, seeded random weights."""
    from engine.models.elmo import Elmo, load_default

    if not folder:
        return load_default(untrained=True)
    return Elmo.random(elmo_from_folder(folder).options, seed=0, name="untrained ELMo (control)")


@st.cache_resource(show_spinner=False)
def transformer_control():
    return transformer.random_like(transformer_model(""), seed=0)


@st.cache_resource(show_spinner=False)
def umap_warm_up() -> threading.Thread:
    """UMAP compiles with numba on its first fit (about 10 s): done once per server, in the background,
    as soon as anyone opens any page, so the senses page's first map does not wait for it."""
    from engine.analysis import projection

    thread = threading.Thread(target=projection.warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


def umap_ready() -> None:
    thread = umap_warm_up()
    if thread.is_alive():
        with st.spinner("Preparing the 2-D maps (UMAP compiles once per server, about 10 s)…"):
            thread.join()


@st.cache_data(show_spinner="Embedding the sentences with ELMo…", max_entries=8)
def sense_vectors(word: str, sentences: str, elmo_folder: str) -> dict:
    """The parsed input and the word's vectors at every layer of ELMo and of its untrained control."""
    from engine.analysis import senses

    parsed = senses.parse_sentences(sentences, word)
    result: dict = {"input": parsed}
    if any(p.level == "error" for p in parsed.problems):
        return result
    elmo = elmo_from_folder(elmo_folder) if elmo_folder else elmo_model()
    result["elmo"] = senses.elmo_layer_vectors(elmo.embed, parsed.occurrences, elmo.name)
    control = elmo_control(elmo_folder)
    result["elmo_control"] = senses.elmo_layer_vectors(control.embed, parsed.occurrences, control.name)
    return result


@st.cache_data(show_spinner="Running the Transformer for comparison…", max_entries=8)
def transformer_sense_vectors(word: str, sentences: str) -> dict:
    """The same occurrences through MiniLM and its untrained control (subword vectors averaged)."""
    from engine.analysis import senses

    occurrences = senses.parse_sentences(sentences, word).occurrences
    tokens, indices = [o.tokens for o in occurrences], [o.index for o in occurrences]
    result = {}
    for key, model in (("transformer", transformer_model("")), ("transformer_control", transformer_control())):
        vectors = model.word_vectors(tokens, indices)
        names = ["embeddings"] + [f"layer {k}" for k in range(1, len(vectors))]
        result[key] = senses.LayerVectors(model.name, names, vectors)
    return result


@st.cache_data(show_spinner="Drawing the maps…", max_entries=16)
def sense_maps(word: str, sentences: str, elmo_folder: str, mix: tuple, method: str) -> dict:
    """ELMo's 2-D map per layer (consecutive layers aligned), keyed on the inputs, never on arrays."""
    from engine.analysis import senses

    elmo = senses.with_mix(sense_vectors(word, sentences, elmo_folder)["elmo"], mix)
    projections = senses.layer_projections(elmo, method)
    return {"maps": [(name, p.coords) for name, p in projections], "method": projections[-1][1].description}


@st.cache_data(show_spinner="Drawing the Transformer's maps…", max_entries=16)
def transformer_sense_maps(word: str, sentences: str, method: str) -> list:
    """Maps of the Transformer's embeddings and layers 2, 4 and the last, aligned like ELMo's."""
    from engine.analysis import senses

    shown = transformer_sense_vectors(word, sentences)["transformer"]
    picks = [0, 2, 4, len(shown.layer_names) - 1]
    subset = senses.LayerVectors(shown.model, [shown.layer_names[k] for k in picks], shown.vectors[picks])
    return [(name, p.coords) for name, p in senses.layer_projections(subset, method)]
