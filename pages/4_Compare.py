"""Compare: one sentence through the char-LSTM, ELMo and MiniLM, and minimal pairs that show where context flows."""

import streamlit as st

from engine.compare import PRESETS, flow_facts, word_view
from engine.models.charlstm_facts import UNKNOWN_CHAR
from engine.validation import check_alphabet, check_text, clean_text
from figures import summaries_new_pages as says
from figures.compare import pair_heatmaps, sentence_rows, unit_bars
from i18n import _
from ui import cached, chart, inputs, page
from ui import compare as cc
from ui.feedback import friendly_errors, show_problems
from ui.words import language_note, words_here

MAX_CHARS = 500  # per sentence

page.setup("Compare")


def load_preset(a: str, b: str) -> None:
    st.session_state["a"], st.session_state["b"] = a, b


sentence_a = inputs.text_input(max_chars=MAX_CHARS, label=_("Sentence A"), key="a", default=PRESETS[0].a, height=90)
sentence_b = inputs.text_input(max_chars=MAX_CHARS, label=_("Sentence B"), key="b", default=PRESETS[0].b, height=90)
st.sidebar.caption(_("Presets: pairs chosen to teach something."))
for preset in PRESETS:
    st.sidebar.button(_(preset.name), on_click=load_preset, args=(preset.a, preset.b), help=_(preset.lesson))
page.sidebar_footer()

st.title(_("Compare the three models"))
words_here(
    "char-LSTM",
    "attention",
    "unit",
    "char-CNN",
    "embedding",
    "cosine",
    "cosine distance",
    "[CLS]",
    "[SEP]",
    "subword",
    "cell state",
    "hidden state",
)
st.markdown(
    _(
        "The **char-LSTM** reads left to right, one character at a time. **ELMo** adds a second LSTM that reads "
        "right to left, and stacks two layers. The **Transformer** (MiniLM) lets every token look at every other "
        "at once. Change one word and see which words each model lets the change reach."
    )
)

ok = show_problems(check_text(sentence_a, max_chars=MAX_CHARS, what=_("sentence A")))
ok = show_problems(check_text(sentence_b, max_chars=MAX_CHARS, what=_("sentence B"))) and ok
if not ok:
    st.stop()
sentence_a, sentence_b = clean_text(sentence_a)[0], clean_text(sentence_b)[0]
language_note(sentence_a + "\n" + sentence_b, "char-LSTM", "ELMo", "MiniLM")
alphabet = cached.char_lstm_facts().alphabet  # from JSON, no torch
show_problems(check_alphabet(sentence_a + sentence_b, alphabet, model=_("the char-LSTM"), unknown=UNKNOWN_CHAR))

diff = None
with friendly_errors(_("running the three models")):
    diff = cc.pair(sentence_a, sentence_b)
if diff is None:
    st.stop()

st.header(_("Where context flows: a minimal pair"))
st.info(cc.md(diff.pairing.summary), icon=":material/compare_arrows:")
for note in sorted(set(diff.a.alignment.notes + diff.b.alignment.notes)):
    st.caption(cc.md(note))
for fact in flow_facts(diff):
    st.markdown(f"- {cc.md(fact)}")
chart.show(pair_heatmaps(diff), says.pair(diff), key="pair", config={"displayModeBar": False})
st.caption(
    _(
        "Each cell: how far that word's representation moved from sentence A to sentence B. A cell reads 0 only "
        "where the two vectors are equal to the last bit. Red frames mark the changed words; – marks a word with "
        "no partner in the other sentence."
    )
)
st.download_button(
    _("Download the distance tables (CSV)"),
    data=diff.to_csv(),
    file_name="minimal_pair_distances.csv",
    mime="text/csv",
    on_click="ignore",
)

HEADS = ["mean of the heads"] + [f"head {h}" for h in range(1, 13)]  # URL values


def head_shown(option: str) -> str:
    """A HEADS option in this run's language."""
    if option == HEADS[0]:
        return _("mean of the heads")
    return _("head {head}").format(head=option.split()[-1])


@st.fragment
def one_sentence() -> None:
    st.header(_("One sentence through all three models"))
    left, middle, right = st.columns([1, 2, 2])
    with left:
        which = inputs.choice(_("Sentence"), ["A", "B"], key="which", sidebar=False, horizontal=True)
    run = diff.a if which == "A" else diff.b
    labels = run.alignment.labels
    first = diff.pairing.first_change
    default = 0
    if first is not None:
        side = diff.pairing.rows[first][0 if which == "A" else 1]
        default = side if side is not None else 0
    if st.session_state.get("word") not in labels:
        st.session_state["word"] = labels[default]
    with middle:
        label = st.selectbox(
            _("Word"), labels, key="word", bind="query-params", help=_("Or click a word in the strip above the rows.")
        )
    with right:
        head_name = inputs.choice(_("MiniLM attention"), HEADS, key="head", sidebar=False, format_func=head_shown)
    word = labels.index(label)

    def choose_word_from_strip() -> None:
        """A click on a word in the strip chooses it (callbacks may set widget values)."""
        points = st.session_state["rows"].selection.points
        if points:
            index = int(str(points[0]["x"]).split(":", 1)[0])
            st.session_state["word"] = labels[index] if 0 <= index < len(labels) else labels[word]

    head = None if head_name == HEADS[0] else int(head_name.split()[-1])
    view = word_view(run, word, head)
    st.caption(
        _(
            "Chosen word: {word} (word {number}). Rows: cosine similarity of each word's vector "
            "to the chosen word's, per layer (1 = same direction); the last block is the attention the chosen word "
            "pays to each word. [CLS]/[SEP] take the rest: {shares}."
        ).format(
            word=cc.md(run.alignment.words[word]),
            number=word,
            shares=", ".join(f"{s:.0%}" for s in view.special_share),
        )
    )
    chart.show(
        sentence_rows(view),
        says.sentence_rows(view),
        key="rows",
        on_select=choose_word_from_strip,
        selection_mode="points",
        config={"displayModeBar": False},
    )
    st.subheader(_("The char-LSTM while it reads “{word}”").format(word=cc.md(run.alignment.words[word])))
    st.caption(
        _(
            "The units whose state (h, c) changed most from just before the word's first character to its last: "
            "hover a bar for c and h before and after."
        )
    )
    chart.show(unit_bars(view), says.unit_bars(view), key="units", config={"displayModeBar": False})


one_sentence()
