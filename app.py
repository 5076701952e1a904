"""Home page: what each of the three models does, in a few sentences and one picture."""

import streamlit as st

from figures.overview import translated as translated_overview
from i18n import N_, _
from ui import hide, inputs, overview, page, projector
from ui.first_views import ATTENTION_TRY, LSTM_TRY
from ui.words import words_here

page.setup("Home")
text = inputs.text_input(max_chars=100_000, label=_("Your text (used on every page)"))
page.sidebar_footer()

st.title(_("Look inside three landmark NLP models"))
words_here(
    "attention", "attention head", "cell state", "gate", "language model", "unit", "biLM", "char-CNN", "embedding"
)
st.markdown(
    _(
        "Type your own sentence in the sidebar, then open a page to watch what each model does with it. "
        "Everything runs here, on this machine, with the exact numbers the models compute."
    )
)
st.page_link(
    "pages/0_Lessons.py",
    label=_("New here? Start with the Lessons: short guided tours that ask you to predict, then show the answer"),
    icon=":material/school:",
)
OVERVIEW_ALT = N_(
    "Overview: the same text goes through an LSTM (gates over time), ELMo (word senses per layer) and a "
    "Transformer (attention heads)."
)
if projector.active():  # one panel per tab, drawn so that every label is >= 18 px on screen (issue 23)
    panels = overview.panels(translated_overview())
    for tab, (_title, panel_svg, width) in zip(st.tabs([title for title, _s, _w in panels]), panels, strict=True):
        tab.image(panel_svg, width=width)
else:
    st.image(translated_overview(), width="stretch", alt=_(OVERVIEW_ALT))  # its sentences in this run's language

# Chosen from measured strengths (issue 23): the gates example's best quote unit; ELMo's clearest word sense
# ("bank": 1-NN accuracy 0.75 at layer 2 against 0.50 for the untrained control; "play" only 0.66 against
# 0.53); MiniLM's head 4.2 puts 0.57 of "it"'s weight on "trophy" and 0.25 on "suitcase" (bench/defaults.py).
TRY = {  # one classroom question per page, opened with its settings in the link
    "pages/1_LSTM_gates.py": (
        N_("Which units track being inside quotes?"),
        {"text": LSTM_TRY, "q": "c", "order": "pattern"},
    ),
    "pages/2_ELMo_senses.py": (N_("A river bank or a money bank?"), {"preset": "bank", "word": "bank"}),
    "pages/3_Transformer_attention.py": (
        N_("Which word does 'it' look at?"),
        {"text": ATTENTION_TRY, "layer": "4", "head": "2", "words": "true", "stat": "max"},
    ),
}

PAGES = [
    (
        "pages/1_LSTM_gates.py",
        N_("LSTM gates"),
        ":material/memory:",
        N_(
            "An LSTM (Hochreiter & Schmidhuber, 1997) reads the text one step at a time and keeps a memory, "
            "the cell state. Three gates decide, at every step and for every unit, how much of the memory to "
            "**forget**, how much new content to **write**, and how much to **show** as output. Watch them "
            "open and close over your text, find the units that track quotes or words."
        ),
    ),
    (
        "pages/2_ELMo_senses.py",
        N_("ELMo senses"),
        ":material/hub:",
        N_(
            "ELMo (Peters et al., 2018) runs a two-layer bidirectional LSTM language model over characters and "
            'gives every word a vector that depends on its sentence. Put the same word ("bank": river or '
            "money?) in many sentences and see, layer by layer, how the senses fall apart into clusters."
        ),
    ),
    (
        "pages/3_Transformer_attention.py",
        N_("Transformer attention"),
        ":material/grid_view:",
        N_(
            "A Transformer (Vaswani et al., 2017) lets every token look at every other token at once. Each "
            "**attention head** in each layer learns its own way of looking: at the previous word, at the "
            "sentence boundary, at a related word. See all heads at a glance, then read one head's weights."
        ),
    ),
]

for column, (path, label, icon, blurb) in zip(st.columns(3), PAGES, strict=True):
    with column:
        st.subheader(_(label))
        carried = hide.travelling()  # the language (and projector mode) follow these links too
        st.page_link(path, label=_("Open {page}").format(page=_(label)), icon=icon, query_params=carried or None)
        st.markdown(_(blurb))
        question, params = TRY[path]
        st.page_link(
            path,
            label=_("Try: {question}").format(question=_(question)),
            icon=":material/school:",
            query_params={**carried, **params},
        )

st.divider()
st.caption(
    _(
        "The LSTM and ELMo models were trained for this app on public-domain English that ships with Debian "
        "(mostly 19th-century novels and two Bible translations, plus WordNet and a sample of modern American "
        "English), so they know *river banks* better than *power plants*. That is about 5.1 million words: "
        "the original ELMo read about 800 million (the 1B Word Benchmark), so this ELMo is a small, honest "
        "stand-in, not the real thing. The Transformer is all-MiniLM-L6-v2 (6 layers × 12 heads). Model cards "
        "are in the `assets/` folder."
    )
)
