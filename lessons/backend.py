"""The models a lesson asks for, behind four plain calls.

The Lessons page passes calls cached by Streamlit (ui/lesson_backend.py); tests and the benchmark pass
`engine_backend()`, the same calls made straight on the engine, optionally on the untrained controls
(same architectures, seeded random weights), so a test can check that answers follow the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.analysis import gates as gate_analysis
from engine.analysis import senses
from engine.analysis.gates import LayerView
from engine.models.transformer_facts import AttentionResult  # no torch: a stored view is read without it


@dataclass(frozen=True)
class Backend:
    """lstm_layer(text, layer) -> the char-LSTM's LayerView of `layer` (1-based) on `text`;
    sense_vectors(word, sentences) -> {"input": SenseInput, "elmo", "elmo_control", "transformer",
    "transformer_control": LayerVectors}; attention(text) -> MiniLM's AttentionResult;
    elmo_embed(sentences) -> ELMo's `(3, T, 256)` layers per sentence (a tuple of word tuples);
    minimal_pair(a, b) -> `engine.compare.PairDiff` of the char-LSTM, ELMo and MiniLM on the two sentences;
    connectivity(text, target) -> {"plain RNN" | "LSTM": engine.analysis.memory.Connectivity};
    memory_tests() -> {"plain RNN" | "LSTM": engine.analysis.memory.MemoryTest} on the held-out sample."""

    lstm_layer: Callable[[str, int], LayerView]
    sense_vectors: Callable[[str, str], dict]
    attention: Callable[[str], AttentionResult]
    elmo_embed: Callable[[tuple[tuple[str, ...], ...]], list[np.ndarray]]
    minimal_pair: Callable[[str, str], object] | None = None
    open_layer: Callable[[str, int, int], object] | None = None  # engine.analysis.inside.open_layer on MiniLM
    order_swap: Callable[[str, int, int], object] | None = None  # engine.analysis.positions.order_swap on MiniLM
    position_maps: Callable[[int], object] | None = None  # engine.analysis.positions.position_maps of MiniLM
    connectivity: Callable[[str, int], dict] | None = None
    memory_tests: Callable[[], dict] | None = None


def engine_backend(untrained: bool = False) -> Backend:
    """The engine's models directly (no Streamlit); `untrained=True` swaps each for its control."""
    from engine.models import charlstm, elmo, transformer

    @lru_cache(maxsize=1)
    def models() -> dict:
        minilm = transformer.load()
        elmo_control = elmo.load_default(untrained=True)
        minilm_control = transformer.random_like(minilm, seed=0)
        return {
            "charlstm": charlstm.load_default(untrained=untrained),
            "elmo": elmo_control if untrained else elmo.load_default(),
            "elmo_control": elmo_control,
            "transformer": minilm_control if untrained else minilm,
            "transformer_control": minilm_control,
        }

    @lru_cache(maxsize=8)
    def lstm_layer(text: str, layer: int) -> LayerView:
        return gate_analysis.layer_view(models()["charlstm"].trace(text), layer - 1, 0)

    @lru_cache(maxsize=4)
    def sense_vectors(word: str, sentences: str) -> dict:
        parsed = senses.parse_sentences(sentences, word)
        result: dict = {"input": parsed}
        if any(p.level == "error" for p in parsed.problems):
            return result
        for key in ("elmo", "elmo_control"):
            model = models()[key]
            result[key] = senses.elmo_layer_vectors(model.embed, parsed.occurrences, model.name)
        tokens, indices = [o.tokens for o in parsed.occurrences], [o.index for o in parsed.occurrences]
        for key in ("transformer", "transformer_control"):
            model = models()[key]
            vectors = model.word_vectors(tokens, indices)
            names = ["embeddings"] + [f"layer {k}" for k in range(1, len(vectors))]
            result[key] = senses.LayerVectors(model.name, names, vectors)
        return result

    @lru_cache(maxsize=8)
    def attention(text: str) -> AttentionResult:
        return models()["transformer"].run(text)

    @lru_cache(maxsize=8)
    def elmo_embed(sentences: tuple[tuple[str, ...], ...]) -> list[np.ndarray]:
        return models()["elmo"].embed([list(s) for s in sentences])

    @lru_cache(maxsize=4)
    def minimal_pair(a: str, b: str):
        from engine.compare import Models
        from engine.compare import minimal_pair as run_pair

        m = models()
        return run_pair(a, b, Models(m["charlstm"], m["elmo"], m["transformer"]))

    def open_layer(text: str, layer: int, head: int):
        from engine.analysis import inside

        return inside.open_layer(models()["transformer"], text, layer, head)

    def order_swap(text: str, first: int, second: int):
        from engine.analysis import positions

        return positions.order_swap(models()["transformer"], text, first, second)

    def position_maps(count: int):
        from engine.analysis import positions

        return positions.position_maps(models()["transformer"], count)

    @lru_cache(maxsize=1)
    def recurrent() -> dict:
        from engine.models import charlstm, charrnn  # only these two: no ELMo or MiniLM loaded for them

        return {
            "plain RNN": charrnn.load_default(untrained=untrained),
            "LSTM": charlstm.load_default(untrained=untrained),
        }

    @lru_cache(maxsize=8)
    def connectivity(text: str, target: int) -> dict:
        from engine.analysis import memory

        return {name: memory.connectivity(model, text, target) for name, model in recurrent().items()}

    @lru_cache(maxsize=1)
    def memory_tests() -> dict:
        from engine.analysis import memory

        return {name: memory.memory_test(model) for name, model in recurrent().items()}

    return Backend(
        lstm_layer, sense_vectors, attention, elmo_embed, minimal_pair,
        open_layer=open_layer, order_swap=order_swap, position_maps=position_maps,
        connectivity=connectivity, memory_tests=memory_tests,
    )  # fmt: skip
