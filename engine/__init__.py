"""Runs the three models on user text: an LSTM, ELMo and a Transformer.

Pure Python + torch (no Streamlit). Every public call returns plain dataclasses of numpy arrays and
token lists, computed inside that call, so concurrent sessions never share activations.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS = PROJECT_ROOT / "assets"

# umap-learn compiles with numba; its cache must go somewhere writable, never into site-packages.
os.environ.setdefault("NUMBA_CACHE_DIR", str(PROJECT_ROOT / ".numba_cache"))
# Nothing is ever fetched from a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
