"""Where a fresh process's first senses view goes: each step timed in order (printed, never pass/fail).

The steps are what the ELMo senses page's default view needed before issue 18, in a new process:
imports, UMAP's first fit (numba), the models and their untrained controls, the embeddings and the
maps. Run it twice: the first run in a process with an empty numba cache pays umap's compilation;
later runs load it from NUMBA_CACHE_DIR (see engine.analysis.projection.import_umap).

    .venv/bin/python bench/cold_start.py                      # with the project's .numba_cache
    NUMBA_CACHE_DIR=$(mktemp -d) .venv/bin/python bench/cold_start.py   # as on a first start
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
_last = [STARTED]


def lap(name: str) -> None:
    now = time.perf_counter()
    print(f"  {name:46s} {now - _last[0]:6.2f} s   (total {now - STARTED:6.2f} s)", flush=True)
    _last[0] = now


def main() -> None:
    print(f"fresh process, NUMBA_CACHE_DIR={os.environ['NUMBA_CACHE_DIR']}")
    import numpy  # noqa: F401
    import torch

    torch.set_num_threads(2)
    lap("import numpy + torch")
    import plotly.graph_objects  # noqa: F401
    import streamlit  # noqa: F401

    lap("import streamlit + plotly")
    from engine.analysis import projection
    from engine.analysis import senses as S

    projection.import_umap()
    lap("import umap (pynndescent's numba code from the cache)")
    projection.warm_up()
    lap("first UMAP fit (umap's numba code: compiled or cached)")
    from engine.models import elmo, transformer

    model = elmo.load_default()
    lap("load ELMo")
    control = elmo.load_default(untrained=True)
    lap("load its untrained control")
    word, sentences = S.read_preset("bank")
    parsed = S.parse_sentences(sentences, word)
    vectors = S.elmo_layer_vectors(model.embed, parsed.occurrences, model.name)
    lap(f"ELMo embeds {len(parsed.occurrences)} sentences")
    S.elmo_layer_vectors(control.embed, parsed.occurrences, control.name)
    lap("the control embeds them")
    S.layer_projections(S.with_mix(vectors, (1.0, 1.0, 1.0)), "auto")
    lap("ELMo's four maps (UMAP)")
    minilm = transformer.load()
    lap("load MiniLM (mostly import transformers)")
    minilm_control = transformer.random_like(minilm, seed=0)
    lap("its untrained control")
    tokens, indices = [o.tokens for o in parsed.occurrences], [o.index for o in parsed.occurrences]
    minilm.word_vectors(tokens, indices)
    lap("MiniLM word vectors")
    minilm_control.word_vectors(tokens, indices)
    lap("the control's word vectors")
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
