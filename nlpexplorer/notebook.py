"""A page's current view as a Jupyter notebook: the URL's inputs become the API call's arguments.

`build(page, values)` returns an `nbformat` notebook of three cells: a markdown cell saying what the view
shows, the import, and the one API call (its arguments written as Python literals, so any text a user
typed is data, never code or Markdown). `PAGES` maps each page's file to its call; `values` are the page's
inputs by URL key (missing keys take the page's defaults, as the page does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

INSTALL = "pip install -e '.[notebook]'"


@dataclass(frozen=True)
class PageCall:
    """How a page's view is rebuilt with the API: `function` (in nlpexplorer) and its arguments from the page's
    URL keys. `arguments(values)` gives the call's (positional, keyword) arguments from the inputs."""

    title: str
    function: str
    about: str
    arguments: Callable[[Mapping[str, str]], tuple[list, dict]]
    keys: tuple[str, ...] = field(default=())  # the URL keys the call reads (the page's other inputs are view-only)


def _int(values: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(values.get(key, default))
    except (TypeError, ValueError):
        return default


def _gates(v: Mapping[str, str]) -> tuple[list, dict]:
    model = v.get("model", "char-LSTM")
    model = v.get("lstm_folder", "") if model == YOUR_LSTM else model
    return [model, v.get("text", "")], {"layer": _int(v, "layer", 1)}


def _step(v: Mapping[str, str]) -> tuple[list, dict]:
    model = v.get("reader", "char-LSTM")
    model = v.get("lstm_folder", "") if model == YOUR_LSTM else model
    return [v.get("text", "")], {"layer": _int(v, "layer", 1), "model": model}


def _attention(v: Mapping[str, str]) -> tuple[list, dict]:
    folder = v.get("folder", "") if v.get("model") == "local folder" else None
    head = _int(v, "head", 3)  # the page's DEFAULT_HEAD (MiniLM's previous-token head 1.3)
    return [v.get("text", "")], {"model": folder, "layer": _int(v, "layer", 1), "head": head}


def _senses(v: Mapping[str, str]) -> tuple[list, dict]:
    from engine.analysis.senses import PRESETS, read_preset

    preset = v.get("preset", PRESETS[0])
    word, sentences = read_preset(preset if preset in PRESETS else "bank")
    return [v.get("word", word), v.get("sentences", sentences)], {}


def _language_model(v: Mapping[str, str]) -> tuple[list, dict]:
    return [v.get("blank", "I sat on the ___ of the river")], {"k": max(_int(v, "k", 5), 5)}


def _compare(v: Mapping[str, str]) -> tuple[list, dict]:
    from engine.compare.presets import PRESETS

    return [v.get("a", PRESETS[0].a), v.get("b", PRESETS[0].b)], {}


def _connectivity(v: Mapping[str, str]) -> tuple[list, dict]:
    return [v.get("text", "")], {"predict": _int(v, "predict", 0), "layer": _int(v, "layer", 1),
                                 "unit": _int(v, "unit", 0)}  # fmt: skip


def _inside(v: Mapping[str, str]) -> tuple[list, dict]:
    query = {"query": _int(v, "query", 0)} if "query" in v else {}  # else the page's default: the first "bank"
    place = {"layer": _int(v, "layer", 1), "head": _int(v, "head", 1)}
    return [v.get("text", "")], place | query | {"stage": _int(v, "stage", 0)}


def _probes(v: Mapping[str, str]) -> tuple[list, dict]:
    from engine.analysis.homographs import PRESETS

    preset = v.get("hpreset", next(iter(PRESETS)))
    word = v.get("hword", preset if preset in PRESETS else "book")
    return [word, v.get("hlines", PRESETS.get(word, ""))], {}


YOUR_LSTM = "your LSTM folder"
PAGES = {
    "pages/1_LSTM_gates.py": PageCall("LSTM gates", "gates", "every gate (i, f, g, o) and the memory (c, h) of one "
                                      "LSTM layer at every step of the text.", _gates,
                                      ("text", "model", "layer", "lstm_folder")),
    "pages/1_LSTM_step_by_step.py": PageCall("LSTM step by step", "step", "what the LSTM predicts after each step, "
                                             "and one layer's gates and cell.", _step,
                                             ("text", "reader", "layer", "lstm_folder")),
    "pages/2_ELMo_language_model.py": PageCall("ELMo language model", "language_model", "ELMo's forward and "
                                               "backward language models fill the blank.", _language_model,
                                               ("blank", "k")),
    "pages/2_ELMo_senses.py": PageCall("ELMo senses", "senses", "the word's vector at each of ELMo's layers, "
                                       "one per sentence: does context separate its senses?", _senses,
                                       ("preset", "word", "sentences")),
    "pages/3_Transformer_attention.py": PageCall("Transformer attention", "attention", "every head's attention: "
                                                 "for each token, a distribution over the tokens it looks at.",
                                                 _attention, ("text", "model", "folder", "layer", "head")),
    "pages/1_Why_gates.py": PageCall("Why gates", "connectivity", "which earlier characters move one prediction "
                                     "of a plain RNN and of an LSTM trained on the same text, and their surprisal.",
                                     _connectivity, ("text", "predict", "layer", "unit")),
    "pages/3_Inside_attention.py": PageCall("Inside attention", "inside", "one MiniLM layer computed step by step "
                                            "for one query token: Q, K, V, scores, softmax, values, residual, "
                                            "LayerNorm, feed-forward.", _inside,
                                            ("text", "layer", "head", "query", "stage")),
    "pages/5_What_each_layer_knows.py": PageCall("What each layer knows", "probes", "each layer's part-of-speech "
                                                 "probe (with its control task), and what it says about every use "
                                                 "of one word.", _probes, ("hpreset", "hword", "hlines")),
    "pages/4_Compare.py": PageCall("Compare the models", "compare", "how far each word's representation moves "
                                   "from sentence A to sentence B, in each model and layer.", _compare, ("a", "b")),
}  # fmt: skip


def _call(function: str, args: list, kwargs: dict) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    one_line = f"view = nx.{function}({', '.join(parts)})"
    if len(one_line) <= 100:
        return one_line
    return f"view = nx.{function}(\n" + "".join(f"    {p},\n" for p in parts) + ")"


def code(page: str, values: Mapping[str, str]) -> str:
    """The API call that rebuilds `page`'s view for `values` (URL key -> value). Raises KeyError for a page
    without a view (Home, Lessons)."""
    call = PAGES[page]
    args, kwargs = call.arguments(values)
    return _call(call.function, args, kwargs)


def build(page: str, values: Mapping[str, str]):
    """An nbformat v4 notebook rebuilding `page`'s view for `values`: a markdown cell on what it shows, the
    import, the call (ending in `view`, which draws it) and the arrays' shapes."""
    import nbformat
    from nbformat import v4

    call = PAGES[page]
    about = (
        f"# {call.title}\n\nThis notebook rebuilds the explorer's *{call.title}* view with its Python API "
        f"(`nlpexplorer.{call.function}`): {call.about} The inputs are the page's, from its link. "
        f"`view.arrays` holds the numbers (shapes in `help(nx.{call.function})`); the last line draws the "
        f"page's figures.\n\nRun it in the explorer's environment: `{INSTALL}` in its checkout."
    )
    notebook = v4.new_notebook(
        cells=[
            v4.new_markdown_cell(about),
            v4.new_code_cell("import nlpexplorer as nx"),
            v4.new_code_cell(code(page, values) + "\n{name: array.shape for name, array in view.arrays.items()}"),
            v4.new_code_cell("view"),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    return notebook


def to_bytes(page: str, values: Mapping[str, str]) -> bytes:
    """`build`'s notebook as the bytes of an .ipynb file."""
    import nbformat

    return nbformat.writes(build(page, values)).encode("utf-8")
