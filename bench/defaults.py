"""The numbers behind every page's default view (issue 23: defaults that teach), measured on the shipped models.

Prints, for the default text and the home page's "Try" examples: the LSTM gates page's first unit (the unit whose
cell state follows the quoted spans best, by correlation, and the runner-up), what switching the 10 quote units off
does to P('"') before the closing quote, the step the cell view opens on, MiniLM's previous-token head and the head
linking "it" to "trophy" (each against the runner-up), and the ELMo language model page's fill-the-blank examples.
Run: `.venv/bin/python bench/defaults.py` (about 30 s on two free cores). Never a pass/fail test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.analysis import attention as A  # noqa: E402
from engine.analysis import gates as G  # noqa: E402
from engine.analysis import language_model as LM  # noqa: E402
from engine.analysis import predictions as P  # noqa: E402
from engine.models import charlstm, elmo, transformer  # noqa: E402
from engine.models.intervention import Intervention  # noqa: E402
from engine.text import steps, tokenize  # noqa: E402
from engine.validation import clean_text  # noqa: E402
from ui.first_views import ATTENTION_TRY, LSTM_TRY  # noqa: E402
from ui.inputs import DEFAULT_TEXT  # noqa: E402


def lstm(text: str, layer: int = 1) -> None:
    model = charlstm.load_default()
    trace = model.trace(text)
    c = trace.get("c")[layer - 1, 0, 0]
    mask = G.mask_from_regex(text, [(s.start, s.end) for s in steps(text)], G.INSIDE_QUOTES)
    r = np.nan_to_num(G.correlation(c, mask.astype(np.float64)))
    first, second = np.argsort(-r)[:2]
    print(f"  gates: unit {first} follows the quotes (correlation {r[first]:.2f}; runner-up {second}: {r[second]:.2f})")
    units = [s.unit for s in G.pattern_scores(c, mask, top=10)]
    tokens = list(trace.tokens)
    start = next(k for k, step in enumerate(tokens) if step[:1] == '"') + 1
    after = model.trace(text, Intervention(layer - 1, tuple(units), "clamp c to 0", start, 0.0))
    close, quote = P.closing_quote(text, start - 1), list(model.config.chars).index('"')
    print(f"  switch off {units}: P('\"') {trace.probs[close - 1, quote]:.4f} -> {after.probs[close - 1, quote]:.4f}")
    table = P.next_step_table(trace.probs, model.encode(text).numpy())
    t = int(np.argmax(table.actual_prob[:-1]))
    print(f"  cell view opens on step {t} ({tokens[t]!r} -> {tokens[t + 1]!r}, p = {table.actual_prob[t]:.2f})")


def attention(text: str) -> None:
    result = transformer.load().run(text)
    previous = A.head_statistics(result.attentions, result.special_mask).previous.ravel()
    order = np.argsort(-previous)
    heads = [f"{k // 12 + 1}.{k % 12 + 1}" for k in order[:2]]
    best, runner_up = previous[order[0]], previous[order[1]]
    print(f"  previous-token head {heads[0]}: {best:.2f} (runner-up {heads[1]}: {runner_up:.2f})")
    if "it" in result.tokens and "trophy" in result.tokens:
        it, trophy = result.tokens.index("it"), result.tokens.index("trophy")
        weights = result.attentions[:, :, it, trophy].ravel()
        best = int(np.argmax(weights))
        row = result.attentions[best // 12, best % 12, it]
        top = [(result.tokens[k], round(float(row[k]), 2)) for k in np.argsort(-row)[:3]]
        print(f"  'it' -> 'trophy' strongest in head {best // 12 + 1}.{best % 12 + 1}: {top}")


def blanks(examples: tuple[str, ...]) -> None:
    model = elmo.load_default()
    for sentence in examples:
        result = LM.fill_blank(model, tokenize(sentence), 5)
        for name in ("forward", "backward", "combined"):
            guesses = getattr(result, name)[:2]
            print(f"  {sentence!r} {name}: " + ", ".join(f"{w} {p:.3f}" for w, p in guesses))


if __name__ == "__main__":
    for text in (DEFAULT_TEXT, LSTM_TRY):
        print(f"char-LSTM, layer 1, on {text!r}")
        lstm(clean_text(text)[0])
    for text in (DEFAULT_TEXT, ATTENTION_TRY):
        print(f"MiniLM on {text!r}")
        attention(clean_text(text)[0])
    print("ELMo's fill-the-blank examples")
    blanks(("I have not seen him for a long ___ .", "Thank ___ very much ."))  # pages/2_ELMo_language_model.py
