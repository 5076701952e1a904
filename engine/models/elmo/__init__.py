"""ELMo (Peters et al. 2018): deep contextualized word representations from a bidirectional LM.

One part per file, as in AllenNLP's `allennlp.modules.elmo*`:

| file | part | paper |
|---|---|---|
| `characters.py` | a word -> [max_chars] byte ids with begin/end-of-word markers | §3.3 |
| `char_cnn.py` | char-CNN + highway + projection: the context-free layer 0, [N, chars] -> [N, P] | §3.3 |
| `lstm_projection.py` | one LSTM with projection and clipping (LSTMP), both directions stepped at once | §3.1 |
| `bilm.py` | the biLM: layer 0 and the forward / backward LSTMP stacks | §3.1 |
| `scalar_mix.py` | ScalarMix: ELMo_k = γ Σ_j s_j h_{k,j}, s = softmax(w) | eq. (1) |
| `options.py`, `weights.py` | the official `options.json` / `weights.hdf5` files, AllenNLP's conversions | |
| `model.py` | `Elmo`: embeddings, gate traces, predictions, perplexity; `load_default` | |
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the names below, for type checkers; at run time each loads on first use (PEP 562)
    from engine.models.elmo.bilm import BiLmOutput, ElmoBiLm
    from engine.models.elmo.char_cnn import CharCNN
    from engine.models.elmo.characters import BOS, EOS, MAX_CHARS, UNK, batch_to_ids, word_char_ids
    from engine.models.elmo.lstm_projection import LstmCellWithProjection, run_lstmp
    from engine.models.elmo.model import DEFAULT_DIR, Elmo, Predictions, load_default
    from engine.models.elmo.options import ElmoOptions
    from engine.models.elmo.scalar_mix import MIX_PRESETS, ScalarMix, scalar_mix
    from engine.models.elmo.weights import load_hdf5_weights, save_hdf5_weights

# Each name loads its part (and torch) on first use, not when the package is imported: `official` (fetched
# models, h5py only) is read before a stored view is drawn, without torch (issue 24, kind 8).
_PARTS = {
    "BOS": "characters",
    "BiLmOutput": "bilm",
    "CharCNN": "char_cnn",
    "DEFAULT_DIR": "model",
    "EOS": "characters",
    "Elmo": "model",
    "ElmoBiLm": "bilm",
    "ElmoOptions": "options",
    "LstmCellWithProjection": "lstm_projection",
    "MAX_CHARS": "characters",
    "MIX_PRESETS": "scalar_mix",
    "Predictions": "model",
    "ScalarMix": "scalar_mix",
    "UNK": "characters",
    "batch_to_ids": "characters",
    "load_default": "model",
    "load_hdf5_weights": "weights",
    "run_lstmp": "lstm_projection",
    "save_hdf5_weights": "weights",
    "scalar_mix": "scalar_mix",
    "word_char_ids": "characters",
}


def __getattr__(name: str):
    if name not in _PARTS:
        raise AttributeError(f"module 'engine.models.elmo' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"engine.models.elmo.{_PARTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PARTS})


class _Package(types.ModuleType):
    """Importing the submodule `scalar_mix` binds it on the package; the function of that name wins, as it
    did when this file imported every part eagerly (`from engine.models.elmo import scalar_mix` is the function)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _PARTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "BOS",
    "DEFAULT_DIR",
    "EOS",
    "MAX_CHARS",
    "MIX_PRESETS",
    "UNK",
    "BiLmOutput",
    "CharCNN",
    "Elmo",
    "ElmoBiLm",
    "ElmoOptions",
    "LstmCellWithProjection",
    "Predictions",
    "ScalarMix",
    "batch_to_ids",
    "load_default",
    "load_hdf5_weights",
    "run_lstmp",
    "save_hdf5_weights",
    "scalar_mix",
    "word_char_ids",
]
