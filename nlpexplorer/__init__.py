"""nlpexplorer: the NLP Model Explorer's views from Python (Jupyter, scripts), without Streamlit.

    import nlpexplorer as nx
    view = nx.attention("The bank by the river.")      # MiniLM; or model="/path/to/hf-folder"
    view                                               # in Jupyter: the page's figures
    view.arrays["attentions"].shape                    # (6, 12, T, T): [layers, heads, T, T]
    nx.gates("char-LSTM", "Hello there", layer=2)["f"] # the forget gate, [T, units]

One call per view, each returning a `View` (nlpexplorer/view.py): `.arrays` / `.to_numpy()` give the
numbers (shapes in each call's docstring), `.figures` the app's own plotly figures (figures/), and a
notebook draws it as the last expression of a cell. The calls run the same engine functions as the
pages' cached calls (ui/cached.py), so they return the same arrays, bit for bit (tests/api).

| call | page | `model=` |
|---|---|---|
| `gates(model, text_or_tensor, layer)` | LSTM gates | "char-LSTM", "ELMo forward", your LSTM folder, `nn.LSTM` |
| `step(text, layer, model)` | LSTM step by step | "char-LSTM", your LSTM folder |
| `attention(text, model)` | Transformer attention | None (MiniLM), a folder, a (transformers model, tokenizer) pair |
| `senses(word, sentences)` | ELMo senses | this app's ELMo, or `elmo_folder=` |
| `language_model(sentence_with_blank, k)` | ELMo language model | this app's biLM |
| `compare(a, b)` | Compare the models | the three shipped models |
| `connectivity(text, predict, layer, unit)` | Why gates | the shipped plain RNN and char-LSTM |
| `inside(text, layer, head, query)` | Inside attention | MiniLM |
| `probes(word, sentences)` | What each layer knows | ELMo, MiniLM, GloVe (the shipped probe card) |

Adding a view is one function: in a module of this package, compute the engine result, put its arrays
(numpy, shapes in the docstring) into `View(name, about, arrays, labels, result, draw)` with `draw`
returning the page's figures, and export it here (`__all__`). For its page's "Open as notebook",
add one `PageCall` to `nlpexplorer.notebook.PAGES` (URL key -> argument, with the page's defaults).

Why the name: `import nlpexplorer as nx` reads as the project's name (nlp-model-explorer) and cannot be
confused with the app's internal packages (`engine`, `figures`, `ui`), which it imports.
"""

import warnings

from nlpexplorer.elmo import compare, language_model, senses
from nlpexplorer.inside import inside
from nlpexplorer.lstm import gates, step
from nlpexplorer.memory import connectivity
from nlpexplorer.probes import probes
from nlpexplorer.transformer import attention
from nlpexplorer.view import View

# transformers imports tqdm.auto, which in a kernel without ipywidgets warns about progress bars this API never
# shows; the warning otherwise sits in red under the first call of every exported notebook.
warnings.filterwarnings("ignore", message="IProgress not found")

__all__ = [
    "View",
    "attention",
    "compare",
    "connectivity",
    "gates",
    "inside",
    "language_model",
    "probes",
    "senses",
    "step",
]
