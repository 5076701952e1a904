"""Runs the three models on user text: an LSTM, ELMo and a Transformer.

Pure Python + torch (no Streamlit). Every public call returns plain dataclasses of numpy arrays and
token lists, computed inside that call, so concurrent sessions never share activations.
"""

import importlib
import os
import warnings
from pathlib import Path
from types import ModuleType

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT_ROOT / "assets"

# umap-learn compiles with numba; its cache must go somewhere writable, never into site-packages.
os.environ.setdefault("NUMBA_CACHE_DIR", str(PROJECT_ROOT / ".numba_cache"))
# Nothing is ever fetched from a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

# The engine was split by concern (models/, analysis/, training/). The old flat module names stay
# importable for one release (`from engine import elmo` still works, with a DeprecationWarning).
_MOVED = {
    "lstm": "engine.models.lstm",
    "charlstm": "engine.models.charlstm",
    "elmo": "engine.models.elmo",
    "transformer": "engine.models.transformer",
    "attention": "engine.analysis.attention",
    "gate_analysis": "engine.analysis.gates",
    "senses": "engine.analysis.senses",
    "projection": "engine.analysis.projection",
    "corpus": "engine.training.corpus",
    "corpus_formats": "engine.training.corpus_formats",
    "train": "engine.training.train",
    "modelcard": "engine.training.modelcard",
}


def __getattr__(name: str) -> ModuleType:
    if name not in _MOVED:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    warnings.warn(
        f"engine.{name} is now {_MOVED[name]}; the old name will be removed in the next release",
        DeprecationWarning,
        stacklevel=2,
    )
    return importlib.import_module(_MOVED[name])
