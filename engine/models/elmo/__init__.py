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

from engine.models.elmo.bilm import BiLmOutput, ElmoBiLm
from engine.models.elmo.char_cnn import CharCNN
from engine.models.elmo.characters import BOS, EOS, MAX_CHARS, UNK, batch_to_ids, word_char_ids
from engine.models.elmo.lstm_projection import LstmCellWithProjection, run_lstmp
from engine.models.elmo.model import DEFAULT_DIR, Elmo, Predictions, load_default
from engine.models.elmo.options import ElmoOptions
from engine.models.elmo.scalar_mix import MIX_PRESETS, ScalarMix, scalar_mix
from engine.models.elmo.weights import load_hdf5_weights, save_hdf5_weights

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
