"""Models load once per process (`st.cache_resource`); results are cached per text and settings
(`st.cache_data`, bounded), never keyed on big arrays. Engine calls compute everything they return,
so concurrent sessions never see each other's activations.

The shipped models are loaded in the background as soon as the server starts (ui/warmup.py); a call
that needs one still loading says what it waits for and about how long (`loading.loads`). Results of the default views,
presets and lesson links come from disk when the warm-up stored them (ui/viewcache.py); results of
a user's folder model never do.

Memory bounds: models `max_entries` (1 for each shipped model, 4 folder Transformers, 2 folder ELMos);
results `max_entries` 8-64 per function (README: what bounds the RSS) and `ttl` 1 h."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import streamlit as st

from i18n import N_, _
from ui import loading, viewcache
from ui.language import Later

if TYPE_CHECKING:  # hints only: torch and the models load inside the loaders below (issue 24, kind 8)
    from engine.models.transformer import AttentionResult, TransformerModel

TTL = 3600  # seconds a result stays cached without use


@functools.cache
def torch_ready() -> None:
    """Import torch and set its threads, once per process, before the first model: every loader calls it.

    Not at import time: a default view stored on disk is drawn without torch (2-3 s of imports on a fresh
    server, issue 24, kind 8); the warm-up thread (ui/warmup.py) imports it right after the server starts."""
    import torch

    torch.set_num_threads(2)  # process-wide: set once, here, not per request


def through(name: str, *args):
    """`name`'s result for `args`: from disk when the warm-up stored it, else computed by `COMPUTE[name]` (never
    stored here). Every module with results on disk registers its compute functions in `COMPUTE`."""
    return viewcache.through(name, args, lambda: COMPUTE[name](*args))


def store(name: str, *args) -> object:
    """Compute (or read) `name`'s result for `args` and keep it on disk: for the warm-up's known views."""
    return viewcache.through(name, args, lambda: COMPUTE[name](*args), store=True)


def transformer_model(source: str, allow_pickle: bool = False) -> TransformerModel:
    """`source` is "" for the default MiniLM, else a local folder (or a hub name when online).

    While the warm-up is still loading MiniLM's weights, the default is MiniLM's tokenizer and
    configuration only (`_minilm_reader`: `check`, `description`, token counts, everything a page needs
    before a forward pass), so a default view stored on disk is drawn without waiting for the weights;
    its forward passes (`run`, `word_vectors`) wait for the full model."""
    if not source and loading.pending("MiniLM"):
        loading.ready("torch")  # the warm-up imports transformers first: its lazy module is not thread-safe
        try:
            return _minilm_reader()
        except ImportError:
            pass
    return _full_transformer(source, allow_pickle)


def transformer_reader(source: str, allow_pickle: bool, text: str):
    """What the attention page needs before the forward pass: `.check(text)`'s problems and `.description`.

    For the default MiniLM and a text whose forward pass is stored on disk (a default view, a lesson
    link: ui/first_views.py), both come from MiniLM's JSON files and the stored result, with no torch:
    the same problems and caption as the model's (`engine.models.transformer_facts.stored_check`).
    Otherwise the model itself (`transformer_model`)."""
    from types import SimpleNamespace

    from engine.models import transformer_facts as facts
    from engine.validation import ModelLoadError

    stored = None if source else viewcache.stored("attention", (source, allow_pickle, text))
    try:
        minilm = facts.minilm_facts() if stored is not None else None
    except (OSError, ValueError, KeyError, TypeError, ModelLoadError):  # missing or damaged: the model says so
        minilm = None
    if stored is None or minilm is None:
        return transformer_model(source, allow_pickle)
    return SimpleNamespace(
        name=minilm.name,
        description=minilm.description,
        check=lambda checked: (
            facts.stored_check(stored, checked, minilm) if checked == text else transformer_model("").check(checked)
        ),
    )


def _full_transformer(source: str, allow_pickle: bool = False) -> TransformerModel:
    if not source:
        with loading.loads("MiniLM"):
            return _transformer_model(source, allow_pickle)
    with st.spinner(_("Loading the Transformer from its folder (once per server)…"), show_time=True):
        return _transformer_model(source, allow_pickle)


@st.cache_resource(show_spinner=False, max_entries=4)
def _transformer_model(source: str, allow_pickle: bool = False) -> TransformerModel:
    from engine.models import transformer

    torch_ready()
    return transformer.load(source or None, allow_pickle=allow_pickle)


@st.cache_resource(show_spinner=False, max_entries=1)
def _minilm_reader() -> TransformerModel:
    from types import SimpleNamespace

    from engine.models import transformer

    torch_ready()
    AutoConfig, AutoTokenizer = transformer.hf_import("AutoConfig", "AutoTokenizer")

    folder = str(transformer.default_model_dir())
    tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=False)
    weightless = SimpleNamespace(config=AutoConfig.from_pretrained(folder, trust_remote_code=False))
    weightless.eval = lambda: weightless
    reader = transformer.TransformerModel(weightless, tokenizer, transformer.DEFAULT_NAME, source=folder)
    reader.run = lambda *args, **kwargs: _full_transformer("").run(*args, **kwargs)
    reader.word_vectors = lambda *args, **kwargs: _full_transformer("").word_vectors(*args, **kwargs)
    return reader


def _attention(source: str, allow_pickle: bool, text: str) -> AttentionResult:
    return _full_transformer(source, allow_pickle).run(text)


@st.cache_data(show_spinner=Later(N_("Running the Transformer…")), max_entries=8, ttl=TTL)
def attention(source: str, allow_pickle: bool, text: str) -> AttentionResult:
    if source:
        return _attention(source, allow_pickle, text)
    return through("attention", source, allow_pickle, text)


# ---------------------------------------------------------------------------------------------
# LSTM gates
# ---------------------------------------------------------------------------------------------
LSTM_MODELS = ("char-LSTM", "ELMo forward", "ELMo backward")
OFFICIAL = "official ELMo "  # + size: a fetched official model, wherever a folder may be named


def lstm_models() -> list[str]:
    """LSTM_MODELS, then both directions of every official ELMo fetched into the cache."""
    from engine.models.elmo import official

    return [*LSTM_MODELS, *(f"{OFFICIAL}{size} {d}" for size in official.available() for d in ("forward", "backward"))]


def elmo_by_name(model: str):
    """The ELMo behind an LSTM-page choice: "ELMo forward" -> this app's, "official ELMo small forward" -> it."""
    if model.startswith(OFFICIAL):
        return elmo_from_folder(model.rsplit(" ", 1)[0])
    return elmo_model()


def char_lstm_facts():
    """The char-LSTM's `name` and `alphabet` from its JSON config (no torch): what a page checks before a
    stored view; the model itself is `char_lstm()`."""
    from engine.models import charlstm_facts

    return charlstm_facts.default_facts()


def char_lstm():
    with loading.loads("char-LSTM"):
        return _char_lstm()


@st.cache_resource(show_spinner=False, max_entries=1)
def _char_lstm():
    from engine.models import charlstm

    torch_ready()
    return charlstm.load_default()


def elmo_model():
    with loading.loads("ELMo"):
        return _elmo_model()


@st.cache_resource(show_spinner=False, max_entries=1)
def _elmo_model():
    from engine.models import elmo

    torch_ready()
    return elmo.load_default()


YOUR_LSTM = "your LSTM folder"  # the LSTM pages' choice of a user's folder (engine/models/user_lstm.py)


@st.cache_resource(show_spinner=Later(N_("Loading your LSTM from its folder…")), max_entries=2)
def user_lstm(folder: str):
    """Your own LSTM (config.json + safetensors), checked before anything runs; on a shared server only a
    folder under the models root (engine.policy)."""
    from engine.models import user_lstm as loader

    torch_ready()
    return loader.load(folder)


@st.cache_data(show_spinner=Later(N_("Tracing every gate…")), max_entries=8, ttl=TTL)
def lstm_gates(model: str, text: str, layer: int, folder: str = "") -> tuple:
    """(LayerView of `layer` (1-based) in the model's direction, saturation of i/f/o for every layer, layer
    names). `folder`: your LSTM's folder when `model` is YOUR_LSTM (never read from or written to disk)."""
    if model == YOUR_LSTM:
        return _lstm_gates(model, text, layer, folder)
    return through("lstm_gates", model, text, layer)


def _lstm_gates(model: str, text: str, layer: int, folder: str = "") -> tuple:
    from engine.analysis import gates as gate_analysis
    from engine.text import tokenize

    if model == YOUR_LSTM:
        trace, direction = user_lstm(folder).trace(text), 0
    elif model == "char-LSTM":
        trace, direction = char_lstm().trace(text), 0
    else:
        trace = elmo_by_name(model).gates(tokenize(text), with_boundaries=True)
        direction = 0 if model.endswith("forward") else 1
    return gate_analysis.layer_summary(trace, layer - 1, direction)


# ---------------------------------------------------------------------------------------------
# ELMo senses
# ---------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=Later(N_("Loading ELMo from the folder (once per server)…")), max_entries=2)
def elmo_from_folder(folder: str):
    """A folder of options.json + weights.hdf5 (+ vocab.txt), or "official ELMo <size>" (fetched, verified).
    On a shared server a folder must lie inside its models root (`engine.policy`)."""
    from engine import policy
    from engine.models.elmo import Elmo, official

    torch_ready()
    if folder.startswith(OFFICIAL):
        model = official.load_verified(folder.removeprefix(OFFICIAL))
        return Elmo.from_files(model.options, model.weights, name=folder)
    path = policy.model_folder(folder)  # on a shared server: inside its models root, or refused
    return Elmo.from_files(path / "options.json", path / "weights.hdf5", path / "vocab.txt", name=f"ELMo ({path.name})")


def elmo_control(folder: str):
    if folder:
        return _elmo_control(folder)
    with loading.loads("controls"):
        return _elmo_control(folder)


@st.cache_resource(show_spinner=False, max_entries=3)
def _elmo_control(folder: str):
    """The untrained control: the same architecture as the chosen ELMo, seeded random weights."""
    from engine.models.elmo import Elmo, load_default

    torch_ready()
    if not folder:
        return load_default(untrained=True)
    return Elmo.random(elmo_from_folder(folder).options, seed=0, name="untrained ELMo (control)")


def transformer_control():
    with loading.loads("controls"):
        return _transformer_control()


@st.cache_resource(show_spinner=False, max_entries=1)
def _transformer_control():
    from engine.models import transformer

    return transformer.random_like(_full_transformer(""), seed=0)


def umap_ready() -> None:
    """Kept for the pages: the maps now wait for UMAP's compiled code only when they are computed (not
    when they come from the cache or the disk), inside `sense_maps` / `transformer_sense_maps`."""


@st.cache_data(show_spinner=Later(N_("Embedding the sentences with ELMo…")), max_entries=8, ttl=TTL)
def sense_vectors(word: str, sentences: str, elmo_folder: str) -> dict:
    """The parsed input and the word's vectors at every layer of ELMo and of its untrained control."""
    if elmo_folder:
        return _sense_vectors(word, sentences, elmo_folder)
    return through("sense_vectors", word, sentences, elmo_folder)


def _sense_vectors(word: str, sentences: str, elmo_folder: str) -> dict:
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


@st.cache_data(show_spinner=False, max_entries=16, ttl=TTL)
def mixed_vectors(word: str, sentences: str, elmo_folder: str, mix: tuple) -> dict:
    """{"elmo" | "elmo_control": `sense_vectors`' LayerVectors with their ScalarMix (`mix`) appended as a last
    layer (`senses.with_mix`, in torch): the default view's from disk, with no torch, once the warm-up stored it."""
    if elmo_folder:
        return _mixed_vectors(word, sentences, elmo_folder, mix)
    return through("sense_mixed", word, sentences, elmo_folder, mix)


def _mixed_vectors(word: str, sentences: str, elmo_folder: str, mix: tuple) -> dict:
    from engine.analysis import senses

    data = sense_vectors(word, sentences, elmo_folder)
    return {key: senses.with_mix(data[key], mix) for key in ("elmo", "elmo_control")}


@st.cache_data(show_spinner=Later(N_("Running the Transformer for comparison…")), max_entries=8, ttl=TTL)
def transformer_sense_vectors(word: str, sentences: str) -> dict:
    """The same occurrences through MiniLM and its untrained control (subword vectors averaged)."""
    return through("transformer_sense_vectors", word, sentences)


def _transformer_sense_vectors(word: str, sentences: str) -> dict:
    from engine.analysis import senses

    occurrences = senses.parse_sentences(sentences, word).occurrences
    tokens, indices = [o.tokens for o in occurrences], [o.index for o in occurrences]
    result = {}
    for key, model in (("transformer", _full_transformer("")), ("transformer_control", transformer_control())):
        vectors = model.word_vectors(tokens, indices)
        names = ["embeddings"] + [f"layer {k}" for k in range(1, len(vectors))]
        result[key] = senses.LayerVectors(model.name, names, vectors)
    return result


@st.cache_data(
    show_spinner=Later(N_("Drawing the maps (the first ones wait a few seconds for UMAP to load)…")),
    max_entries=16,
    ttl=TTL,
)
def sense_maps(word: str, sentences: str, elmo_folder: str, mix: tuple, method: str) -> dict:
    """ELMo's 2-D map per layer (consecutive layers aligned), keyed on the inputs, never on arrays."""
    if elmo_folder:
        return _sense_maps(word, sentences, elmo_folder, mix, method)
    return through("sense_maps", word, sentences, elmo_folder, mix, method)


def _sense_maps(word: str, sentences: str, elmo_folder: str, mix: tuple, method: str) -> dict:
    from engine.analysis import senses

    loading.wait("UMAP")

    elmo = mixed_vectors(word, sentences, elmo_folder, mix)["elmo"]  # the scores' ScalarMix: computed once
    projections = senses.layer_projections(elmo, method)
    return {"maps": [(name, p.coords) for name, p in projections], "method": projections[-1][1].caption}


@st.cache_data(show_spinner=Later(N_("Drawing the Transformer's maps…")), max_entries=16, ttl=TTL)
def transformer_sense_maps(word: str, sentences: str, method: str) -> list:
    """Maps of the Transformer's embeddings and layers 2, 4 and the last, aligned like ELMo's."""
    return through("transformer_sense_maps", word, sentences, method)


def _transformer_sense_maps(word: str, sentences: str, method: str) -> list:
    from engine.analysis import senses

    loading.wait("UMAP")

    shown = transformer_sense_vectors(word, sentences)["transformer"]
    picks = [0, 2, 4, len(shown.layer_names) - 1]
    subset = senses.LayerVectors(shown.model, [shown.layer_names[k] for k in picks], shown.vectors[picks])
    return [(name, p.coords) for name, p in senses.layer_projections(subset, method)]


COMPUTE = {  # what each cached result is computed by (the disk cache's names)
    "attention": _attention,
    "lstm_gates": _lstm_gates,
    "sense_vectors": _sense_vectors,
    "transformer_sense_vectors": _transformer_sense_vectors,
    "sense_maps": _sense_maps,
    "sense_mixed": _mixed_vectors,
    "transformer_sense_maps": _transformer_sense_maps,
}
