"""The views a class opens first: every page's default view, the home page's lesson links, the presets.

The warm-up (ui/warmup.py) computes these once and keeps them on disk (ui/viewcache.py), so a fresh
server draws them without waiting for a model. The arguments are exactly those the pages pass to
ui/cached.py (text cleaned as the pages clean it, layer numbers as ints, ScalarMix weights as floats).
"""

from __future__ import annotations

from engine.compare.presets import PRESETS
from engine.validation import clean_text
from ui.inputs import DEFAULT_TEXT

LSTM_TRY = 'She said "the bank is closed" and walked on. "Not again," he sighed.'  # the home page's "Try" texts
ATTENTION_TRY = "The trophy did not fit in the suitcase because it was too big."
LSTM_TEXTS = [DEFAULT_TEXT, LSTM_TRY]
ATTENTION_TEXTS = [DEFAULT_TEXT, ATTENTION_TRY]
SENSE_MIX = (1.0, 1.0, 1.0)  # the ScalarMix sliders' defaults
SENSE_METHOD = "auto"


def views() -> list[tuple]:
    """(cached function name, *args) for every view to keep on disk, the most visited first."""
    from engine.analysis import senses
    from lessons import heads, lstm_memory

    out: list[tuple] = []
    for text in LSTM_TEXTS:
        out.append(("lstm_gates", "char-LSTM", clean_text(text)[0], 1))
    # the Lessons page opens on the first lesson (lstm_memory); "heads" is a teacher's usual link
    out.append(("lstm_gates", "char-LSTM", clean_text(lstm_memory.LESSON.default_text)[0], lstm_memory.LAYER))
    for text in [*ATTENTION_TEXTS, heads.LESSON.default_text]:
        out.append(("attention", "", False, clean_text(text)[0]))
    for preset in senses.PRESETS:
        word, sentences = senses.read_preset(preset)
        sentences = clean_text(sentences)[0]
        out.append(("sense_vectors", word, sentences, ""))
        out.append(("sense_maps", word, sentences, "", SENSE_MIX, SENSE_METHOD))
        out.append(("sense_mixed", word, sentences, "", SENSE_MIX))
        out.append(("transformer_sense_vectors", word, sentences))
        out.append(("transformer_sense_maps", word, sentences, SENSE_METHOD))
        parsed = senses.parse_sentences(sentences, word)  # as the page parses it, for GloVe's section
        out.append(("glove_facts", parsed.word, tuple(o.tokens[o.index] for o in parsed.occurrences)))
        out.append(("glove_neighbours", parsed.word, 10))
    for preset in PRESETS:
        out.append(("compare_pair", clean_text(preset.a)[0], clean_text(preset.b)[0]))
    return out + memory_views() + probe_views() + step_views() + lm_views() + inside_views()


def probe_views() -> list[tuple]:
    """The "What each layer knows" page's default view: the preset "book" and GloVe's neighbours of it."""
    from engine.analysis import homographs

    word = "book"  # the page's default preset
    return [("homograph", word, clean_text(homographs.PRESETS[word])[0]), ("glove_neighbours", word, 10)]


def inside_views() -> list[tuple]:
    """The "Inside attention" page's default view: MiniLM's forward pass of its text (for the token check), the
    opened layer 1 head 1, the position maps, the first two words swapped, the default heads switched off."""
    from ui import inside_views as V

    text = clean_text(V.DEFAULT_TEXT)[0]
    heads = V.parse_heads(V.DEFAULT_OFF_HEADS, 12)[0]  # MiniLM's 12 heads
    return [
        ("attention", "", False, text),
        ("inside_opened", text, 1, 1),
        ("inside_positions", V.DEFAULT_POSITIONS),
        ("inside_order_swap", text, *V.DEFAULT_SWAP),
        ("inside_heads_off", text, V.DEFAULT_OFF_LAYER, heads),
    ]


def lm_views() -> list[tuple]:
    """The "ELMo language model" page's default view with this app's biLM: its name and vocabulary size, the
    blank of the first example (at least 5 guesses, as the page asks), the check word in it, each LM's guesses."""
    from ui import cached_lm

    blank, k = clean_text(cached_lm.EXAMPLES[0])[0], max(cached_lm.GUESSES, 5)
    return [
        ("lm_facts",),
        ("lm_fill_blank", blank, k),
        ("lm_word_in_blank", blank, cached_lm.CHECK_WORD, k),
        ("lm_word_guesses", clean_text(cached_lm.SENTENCE)[0], cached_lm.GUESSES),
    ]


def step_views() -> list[tuple]:
    """The "LSTM step by step" page's default view: the char-LSTM's reading of the default text (layer 1) and
    the intervention its controls start with, which depends on that reading (its quote units): the reading is
    read from disk, or computed and stored, to name it."""
    from ui import cached, reading

    text, layer = clean_text(DEFAULT_TEXT)[0], 1
    data = cached.store("char_reading", text, layer)
    intervention = reading.default_intervention(data, text)
    return [("char_reading", text, layer), ("char_intervention", text, layer, *intervention)]


def memory_views() -> list[tuple]:
    """The "Why gates?" page's default view: its prediction is the default text's closing quote (the page's
    rule for "predict character 0"), read just before it."""
    from engine.analysis.predictions import closing_quote
    from engine.text import steps

    text = clean_text(DEFAULT_TEXT)[0]
    quote = closing_quote(text)
    predicted = quote + 1 if quote is not None and quote > 0 else len(steps(text))
    return [("memory_connectivity", text, predicted - 2), ("memory_surprisal", text), ("memory_tests",)]


def store(name: str, *args) -> None:
    """Compute (or read) one of `views()` and keep it on disk."""
    from ui import cached, cached_lm, cached_memory, cached_probes, compare, inside_views, reading  # noqa: F401  (they register their results in cached)

    compare.store_pair(*args) if name == "compare_pair" else cached.store(name, *args)


def precompute() -> int:
    """Compute and store every view not on disk yet, delete stored views no longer current; the number computed."""
    from ui import viewcache

    wanted = views()  # listing them reads (or computes) the step page's stored reading: once
    computed = 0
    for name, *args in wanted:
        if not viewcache.has(name, tuple(args)):
            store(name, *args)
            computed += 1
    viewcache.prune({viewcache.path_of(name, tuple(args)) for name, *args in wanted})
    return computed
