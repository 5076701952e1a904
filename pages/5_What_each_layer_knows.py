"""What each layer knows: linear probes for part of speech (with Hewitt & Liang's control task) and
1-NN sense scores per layer, from the shipped probe card; and the homograph view on the learner's lines."""

import pandas as pd
import streamlit as st

from engine.analysis import homographs as H
from engine.validation import check_text, clean_text, has_errors
from figures.probes import METRICS, homograph_chart, layer_chart
from i18n import N_, _
from ui import cached_probes, chart, glossary, inputs, page
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.table import show_table
from ui.words import words_here

MAX_CHARS = H.MAX_LINES * H.MAX_LINE_CHARS
CUSTOM = "my own sentences"


def load_preset() -> None:
    name = st.session_state["hpreset"]
    if name in H.PRESETS:
        st.session_state["hword"], st.session_state["hlines"] = name, H.PRESETS[name]


page.setup("What each layer knows")
with st.sidebar:
    preset = st.selectbox(
        _("Homograph preset"),
        [*H.PRESETS, CUSTOM],
        key="hpreset",
        on_change=load_preset,
        bind="query-params",
        help=_("Sentences that use one word as a noun and as a verb, each use tagged word/TAG."),
    )
    default_word = preset if preset in H.PRESETS else "book"
    word = st.text_input(
        _("Word"), value=default_word, key="hword", bind="query-params", help=_("One word, e.g. book.")
    )
lines = inputs.text_input(
    max_chars=MAX_CHARS,
    key="hlines",
    label=_("Sentences (one per line; word/TAG to tag a word)"),
    default=H.PRESETS.get(default_word, ""),
    height=220,
    help=_(
        "Up to {lines} lines of {chars} characters. Tag any word with Penn tags, e.g. "
        "book/NN (noun) or book/VB (verb); lines from a tagger (word/TAG word/TAG ...) work too."
    ).format(lines=H.MAX_LINES, chars=H.MAX_LINE_CHARS),
)
page.sidebar_footer()

st.title(_("What each layer knows"))
PAPER_COLUMNS = (N_("source"), N_("pos"), N_("sense"))  # the card's "papers" table, shown translated
METRIC_NAMES = (N_("part of speech"), N_("control task"), N_("sense 1-NN"), N_("ambiguous words"), N_("selectivity"))
intro = _(
    "A probe is a small linear classifier trained on one layer's frozen word vectors. If it can read a word's "
    "part of speech from them, the layer holds that information. A control task gives every word a fixed random "
    "tag: a probe that scores well there only memorises words. Selectivity = accuracy minus control accuracy."
)
st.markdown(intro)

card = H.card()
metric_names = {METRICS[m][0]: m for m in ("pos", "control", "sense_1nn", "ambiguous", "selectivity")}
shown = st.multiselect(
    _("Lines"),
    list(metric_names),
    default=["part of speech", "control task", "sense 1-NN"],
    key="lines",
    bind="query-params",
    format_func=_,
    help=_(
        "part of speech: probe accuracy on held-out documents. control task: the same probe on random tags per "
        "word. sense 1-NN: nearest-neighbour sense accuracy on the shipped sense sets. ambiguous words: accuracy on "
        "words seen with more than one tag."
    ),
)
metrics = [metric_names[m] for m in shown] or ["pos"]
left, right = st.columns(2)
chart.show_in(left, layer_chart(card, "elmo", metrics), key="elmo_lines")
chart.show_in(right, layer_chart(card, "minilm", metrics, papers=False), key="minilm_lines")
sample = card["sample"]
st.caption(
    _(
        "Probes trained on {train_tokens:,} tokens of {train_documents} OANC documents, "
        "scored on {test_tokens:,} tokens of {test_documents} others. Majority tag per word: "
        "{majority:.3f} (ambiguous words {majority_ambiguous:.3f}). "
        "Stars: Peters et al. 2018 on the Penn Treebank and SemCor with the full-size ELMo (their numbers, their data)."
    ).format(
        train_tokens=sample["train_tokens"],
        train_documents=len(sample["train_documents"]),
        test_tokens=sample["test_tokens"],
        test_documents=len(sample["test_documents"]),
        majority=card["baselines"]["majority"],
        majority_ambiguous=card["baselines"]["majority_ambiguous"],
    )
)
words_here(
    *glossary.words_used(intro, " ".join(shown), "1-NN"),
    "biLM",
    "char-CNN",
    "cosine",
    "ELMo",
    "embedding",
    "F1",
    "MiniLM",
    "token",
)

with st.expander(_("The card's numbers, and the papers'")):
    rows = [
        {_("model"): m["model"], _("layer"): r["layer"]} | {_(METRICS[k][0]): r[k] for k in METRICS}
        for m in card["models"]
        for r in m["layers"]
    ]
    show_table(pd.DataFrame(rows), formats={_(METRICS[k][0]): "%.3f" for k in METRICS})
    show_table(pd.DataFrame(card["papers"]).rename(columns=_))


@st.fragment
def homograph_view() -> None:
    st.subheader(_("One word, two parts of speech"))
    ok = show_problems(check_text(lines, max_chars=MAX_CHARS, what=_("list of sentences")))
    if not ok:
        return
    result = None
    with friendly_errors(_("probing your sentences")):
        result = cached_probes.homograph(word, clean_text(lines)[0])
    if result is None:
        return
    parsed = result["input"]
    show_problems(parsed.problems)
    if has_errors(parsed.problems):
        return
    labels = []
    for n, (s, k) in enumerate(parsed.occurrences):
        tokens = parsed.sentences[s]
        gold = parsed.gold[s][k]
        line = _("line {line}").format(line=parsed.lines[s])
        labels.append(f"{n + 1}: {line}: {' '.join(tokens)}" + (f" ({gold})" if gold else ""))
    chart.show(
        homograph_chart(result["readings"], [_plain(label) for label in labels]),
        _("{uses} uses of '{word}' probed at {layers} layers; each cell shows the tag the layer's probe picks.").format(
            uses=len(labels), word=parsed.word, layers=len(result["readings"])
        ),
        key="homograph",
    )
    for label in labels:
        st.caption(md(label))
    scored = [r for r in result["readings"] if r.tagged_accuracy is not None]
    if scored:
        show_table(
            pd.DataFrame(
                [
                    {_("model"): r.model, _("layer"): r.layer, _("accuracy on your tags"): r.tagged_accuracy}
                    for r in scored
                ]
            ),
            formats={_("accuracy on your tags"): "%.3f"},
        )
    _glove_neighbours(parsed.word)


def _plain(label: str) -> str:
    from figures.common import plotly_literal

    return plotly_literal(label)


def _glove_neighbours(target: str) -> None:
    """GloVe, the static fourth model: one vector for every use of the word, and its nearest words."""
    with friendly_errors(_("looking the word up in GloVe")):
        neighbours = cached_probes.glove_neighbours(target)
        st.markdown(
            md(_("GloVe gives '{word}' one vector in every sentence. Its nearest words (cosine):").format(word=target))
            + " "
            + ", ".join(f"{md(w)} ({s:.2f})" for w, s in neighbours)
        )


homograph_view()
