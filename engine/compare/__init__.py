"""Compare the char-LSTM, ELMo and the Transformer on the same words.

| module | what |
|---|---|
| `alignment.py` | the shared word axis from character spans; two texts' words paired (difflib) |
| `runs.py` | `run_sentence`: one text through the three models, `SentenceRun` |
| `pair.py` | `minimal_pair(a, b) -> PairDiff`: per model, layer and word, how far it moved |
| `presets.py` | minimal pairs chosen to teach where context flows |
| `sentence.py` | `word_view(run, word)`: one chosen word against every word, in every row |

    from engine.compare import minimal_pair
    diff = minimal_pair("She sat on the bank of the river.", "She sat on the bank of the money.")
    diff.model("ELMo").distance  # [5, 9] cosine distances: rows ELMO_ROWS, columns diff.labels
"""

from engine.compare.alignment import WordAlignment, WordPairing, align, group_units, pair_words
from engine.compare.pair import UNITS, ModelDiff, PairDiff, flow_facts, minimal_pair, pair_diff
from engine.compare.presets import PRESETS, Preset
from engine.compare.runs import ELMO_ROWS, Models, SentenceRun, default_models, run_sentence
from engine.compare.sentence import WordView, word_view

__all__ = [
    "ELMO_ROWS",
    "PRESETS",
    "UNITS",
    "ModelDiff",
    "Models",
    "PairDiff",
    "Preset",
    "SentenceRun",
    "WordAlignment",
    "WordPairing",
    "WordView",
    "align",
    "default_models",
    "flow_facts",
    "group_units",
    "minimal_pair",
    "pair_diff",
    "pair_words",
    "run_sentence",
    "word_view",
]
