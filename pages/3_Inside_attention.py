"""Inside attention: one Transformer layer computed step by step, positions, and heads switched off."""

import streamlit as st

from engine.text import tokenize
from engine.validation import check_text, clean_text
from i18n import _
from ui import cached, inputs, page, run_count
from ui import inside_views as V
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.words import words_here

MAX_CHARS = 20_000  # far above what 512 tokens hold; the token limit is checked exactly below
DEFAULT_TEXT = V.DEFAULT_TEXT  # its own (the shared one has no "bank")

page.setup("Inside attention")
run_count.count_full_run()  # full runs only: fragments skip this line
text = inputs.text_input(max_chars=MAX_CHARS, default=DEFAULT_TEXT)
layer = inputs.number(_("Layer"), key="layer", low=1, high=6, default=1, sidebar=True)
head = inputs.number(_("Head"), key="head", low=1, high=12, default=1, sidebar=True)
page.sidebar_footer()

st.title(_("Inside attention"))
words_here(
    "Transformer",
    "MiniLM",
    "token",
    "attention",
    "head",
    "query",
    "key vector",
    "value vector",
    "scaled dot product",
    "softmax",
    "residual",
    "layer norm",
    "embedding",
    "positional encoding",
    "[CLS]",
    "cosine",
    "1-NN",
)
st.markdown(
    _(
        "One layer of all-MiniLM-L6-v2, computed step by step for one token of your text: its **query**, its "
        "**scaled dot product** with every **key vector**, the **softmax**, the weighted sum of **value vectors**, "
        "then the **residual** and **layer norm** around it. "
        "Every number is the model's own (equal to the library's to 1e-6)."
    )
)
if not show_problems(check_text(text, max_chars=MAX_CHARS)):
    st.stop()
text = clean_text(text)[0]
model = None
with friendly_errors(_("loading the model")):
    model = cached.transformer_reader("", False, text)  # the default view's check needs no torch
if model is None or not show_problems(model.check(text)):
    st.stop()
opened = None
with friendly_errors(_("opening the layer")):
    opened = V.opened_layer(text, layer, head)
if opened is None:
    st.stop()

count = len(opened.tokens)
query = inputs.number(
    _("Query token (counted from 0: [CLS])"),
    key="query",
    low=0,
    high=count - 1,
    default=V.default_query(opened),
    help=_("The token whose attention you follow."),
)
st.caption(
    _("Query: {token} · {count} tokens · layer {layer}, head {head}").format(
        token=md(opened.shown_tokens[query]), count=count, layer=layer, head=head
    )
)
V.stages_section(opened, query)
V.positions_section(text, len(tokenize(text)))
V.heads_off_section(text, opened.num_layers, opened.num_heads)
