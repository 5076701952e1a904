"""LSTM step by step: what the LSTM predicts, one cell at step t, and what happens when units are switched off."""

import streamlit as st

from engine import policy
from engine.analysis import predictions as P
from engine.text import tokenize
from engine.validation import check_alphabet, check_count, check_text, clean_text
from i18n import N_, _
from ui import cached, cached_lm, inputs, page, reading, run_count, user_lstm
from ui import step_views as V
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.words import language_note, words_here

MAX_CHARS, MAX_CHARS_WORDS, MAX_WORDS = 2_000, 5_000, 400  # as on the LSTM gates page

page.setup("LSTM step by step")
run_count.count_full_run()  # full runs only: fragments skip this line
text = inputs.text_input(
    max_chars=MAX_CHARS,
    help=_(
        "Up to {chars:,} characters for the char-LSTM, {words} words for ELMo. "
        "Press Ctrl+Enter (or click outside the box) to run. The text is part of the page's link."
    ).format(chars=MAX_CHARS, words=MAX_WORDS),
)
official = [c for c in cached_lm.elmo_choices() if c.startswith(cached.OFFICIAL)]  # fetched official ELMos
yours = [cached.YOUR_LSTM] if policy.current().allows_folders else []
reader = inputs.choice(
    _("Model"),
    ["char-LSTM", "ELMo", *official, *yours],
    key="reader",
    help=_(
        "char-LSTM: steps are characters, it predicts the next one. ELMo: steps are words; "
        "its forward LM predicts the next word, its backward LM the one before. An official ELMo "
        "(fetched on the ELMo language model page) has no softmax: its cell, no guesses."
    ),
)
folder, config = user_lstm.choice() if reader == cached.YOUR_LSTM else ("", None)
layer = int(
    inputs.choice(
        _("Layer"),
        [str(k) for k in range(1, (config.num_layers if config else 2) + 1)],
        key="layer",
        help=_("Layer 1 reads the input; each layer above reads the one below."),
    )
)
page.sidebar_footer()

st.title(_("LSTM step by step"))
if config and (config.unit != "characters" or not user_lstm.has_decoder(folder)):
    st.info(
        _(
            "This page steps through a character LSTM's predictions, so it needs a character-level LSTM with a "
            "decoder. Your LSTM's gates and memory are on the LSTM gates page."
        ),
        icon=":material/info:",
    )
    st.stop()
words_here(
    "char-LSTM",
    "unit",
    "gate",
    "forget gate",
    "input gate",
    "candidate",
    "cell state",
    "language model",
    "softmax",
    "surprisal",
    "bits per character",
    "KL divergence",
    "<S>",
    "</S>",
    "vocabulary",
)
char_model = reader == "char-LSTM" or config is not None
if not show_problems(check_text(text, max_chars=MAX_CHARS if char_model else MAX_CHARS_WORDS)):
    st.stop()
text = clean_text(text)[0]
language_note(text, "char-LSTM" if char_model else "ELMo")

if char_model:
    data = None
    with friendly_errors(_("reading the text")):
        data = reading.char_reading(text, layer, folder)
    if data is None:
        st.stop()
    if config:
        user_lstm.unknown_note(cached.user_lstm(folder), text)
    else:
        show_problems(check_alphabet(text, data["chars"][1:], model=_("the char-LSTM"), unknown="⁇"))
    table = P.next_step_table(data["probs"], data["ids"])
    V.char_predictions(text, data, table)
    guesses = reading.char_guesses(table, data["chars"])
    tokens = data["tokens"]  # the char-LSTM's steps as typed (a character with its combining marks is one step)
    steps = {"tokens": tokens, "guesses": guesses, "guess_probs": table.top_probs, "following": [*tokens[1:], ""]}
    V.cell_section(data, steps, reading.quote_units(data, text, 3), reading.informative_step(table))
    V.intervention_section(text, layer, data, table, reading.quote_units(data, text, reading.QUOTE_UNITS))
else:
    words = tokenize(text)
    if not show_problems(check_count(len(words), limit=MAX_WORDS, unit=_("words"), model="ELMo")):
        st.stop()
    result = None
    with friendly_errors(_("reading the words")):
        result = reading.elmo_reading(text, layer, reader)
    if result is None:
        st.stop()
    if result["predictions"] is not None:
        V.elmo_predictions(result["predictions"])
    else:
        st.info(
            _("{model} has no softmax (AllenNLP publishes only the biLM's layers): its cells, no guesses.").format(
                model=md(reader)
            )
        )
    direction = inputs.choice(
        _("Cell of the"), [N_("forward LM"), N_("backward LM")], key="direction", sidebar=False, horizontal=True
    )
    V.cell_section(result[direction.split()[0]], reading.elmo_steps(result, direction), [0, 1, 2])
