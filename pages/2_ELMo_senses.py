"""ELMo senses: the same word in many sentences, and how each layer pulls its senses apart."""

import io

import numpy as np
import pandas as pd
import streamlit as st

import i18n
from engine import policy
from engine.analysis import senses as S
from engine.analysis.projection import UMAP_MIN_POINTS, identical_rows
from engine.validation import Problem, check_text, clean_text, has_errors
from figures import summaries
from figures.common import label
from figures.senses import layer_maps, scores_chart
from i18n import N_, _
from ui import cached, cached_lm, chart, inputs, page, summary
from ui.feedback import friendly_errors, show_problems
from ui.glove_senses import glove_section
from ui.literal import md
from ui.mix_panel import learned_mix_view
from ui.table import show_table
from ui.words import words_here

MAX_CHARS = S.MAX_SENTENCES * 200
CUSTOM = "my own sentences"


def load_preset() -> None:
    """Choosing a preset fills the word and the sentences (callbacks may set widget values)."""
    name = st.session_state["preset"]
    if name in S.PRESETS:
        st.session_state["word"], st.session_state["sentences"] = S.read_preset(name)


def search_corpus() -> None:
    word = st.session_state.get("word", "").strip()
    if word:
        found = S.search_corpus(word)
        st.session_state["sentences"] = "\n".join(found)
        st.session_state["preset"] = CUSTOM
        st.session_state["found"] = len(found)


page.setup("ELMo senses")
with st.sidebar:
    preset = st.selectbox(
        _("Preset"),
        [*S.PRESETS, CUSTOM],
        key="preset",
        on_change=load_preset,
        bind="query-params",
        help=_("Labelled sentences written for this app: two senses of each word, 16 sentences per sense."),
    )
    # a shared link names the preset; its sentences are the default, so the link need not carry them
    preset_word, preset_sentences = S.read_preset(preset if preset in S.PRESETS else "bank")
    word = st.text_input(_("Word"), value=preset_word, key="word", bind="query-params", help=_("One word, e.g. bank."))
sentences = inputs.text_input(
    max_chars=MAX_CHARS,
    key="sentences",
    label=_("Sentences (one per line)"),
    default=preset_sentences,
    height=260,
    help=_(
        "Up to {limit} sentences that use the word. Optionally start a line with a sense label and a "
        "tab (river<TAB>We sat on the bank.) to colour the points and score the layers."
    ).format(limit=S.MAX_SENTENCES),
)
st.sidebar.button(
    _("Find '{word}' in the corpus sample").format(word=md(word.strip()) or "…"),
    on_click=search_corpus,
    help=_("Up to 60 unlabelled sentences from the held-out part of the training corpus."),
)
fetched = cached_lm.elmo_choices()[1:]  # official models fetched on the ELMo language model page
elmo_kind = inputs.choice(
    _("ELMo model"),
    [N_("this app's biLM"), *fetched, *([N_("official files (folder)")] if policy.current().allows_folders else [])],
    key="elmo",
    help=_(
        "This app's biLM was trained here on public-domain English. An official ELMo appears here once fetched "
        "(ELMo language model page); other official AllenNLP files (options.json + weights.hdf5): name their folder."
    ),
)
elmo_folder = elmo_kind if elmo_kind in fetched else ""
if elmo_kind == "official files (folder)":
    elmo_folder = st.sidebar.text_input(_("ELMo folder"), key="elmo_folder", bind="query-params").strip()
compare = inputs.toggle(_("Compare with the Transformer (MiniLM)"), key="compare", default=True, sidebar=True)
page.sidebar_footer()

st.title(_("ELMo senses"))
words_here(
    "MiniLM",
    "Transformer",
    "untrained control",
    "biLM",
    "language model",
    "char-CNN",
    "embedding",
    "cosine",
    "1-NN",
    "F1",
    "silhouette",
    "ScalarMix",
    "PCA",
    "UMAP",
    "static vector",
    "vocabulary",
    "probe",
    "part of speech",
    "control task",
    "selectivity",
)
st.markdown(
    _(
        "ELMo gives a word a new vector in every sentence. Its layer 0 (characters only) is the same everywhere; "
        "the LSTM layers above mix in the context, and the senses of a word pull apart. Peters et al. (2018, "
        "Table 5) measured it with 1-nearest-neighbour word-sense disambiguation: **67.4** F1 from layer 1, "
        "**69.0** from layer 2. Below, each point is one sentence's occurrence of the word."
    )
)
st.markdown(
    _(
        "This app's ELMo read about 5.1 million words (mostly 19th-century English), the original about 800 million "
        '(the 1B Word Benchmark): its senses separate less cleanly. On the 32 "bank" sentences its layer 2 finds the '
        "right sense for 0.75 of them against 0.50 for the same network untrained; MiniLM, below, does better."
    )
)
if st.session_state.pop("found", None) == 0:
    st.warning(
        _("'{word}' does not occur in the corpus sample; your sentences were replaced by nothing.").format(
            word=md(word)
        )
    )

ok = show_problems(check_text(sentences, max_chars=MAX_CHARS, what=_("list of sentences")))
if elmo_folder == "" and elmo_kind == "official files (folder)":
    ok = show_problems([Problem("error", _("Type the folder that holds options.json and weights.hdf5."))]) and ok
if not ok:
    st.stop()
sentences = clean_text(sentences)[0]  # control characters read as spaces, as the warning says

data = None
with friendly_errors(_("embedding the sentences")):
    data = cached.sense_vectors(word, sentences, elmo_folder)
if data is None:
    st.stop()
# the parse's notes and problems in this run's language (the cached one may come from a view stored in English)
parsed = data["input"] if i18n.current() == i18n.DEFAULT else S.parse_sentences(sentences, word)
show_problems(parsed.problems)
if has_errors(parsed.problems):
    st.stop()

labels = parsed.labels
n = len(parsed.occurrences)
st.caption(
    md(
        _("{count} occurrences of '{word}' · {note} · {model}").format(
            count=n, word=parsed.word, note=parsed.colour_note, model=_(data["elmo"].model)
        )
    )
)
if parsed.sense_labels and not labels:  # labelled, but the scores are undefined: say why
    st.info(md(parsed.score_note), icon=":material/info:")
elif parsed.score_caveat:
    st.caption(md(parsed.score_caveat))


@st.fragment
def sense_view() -> None:
    with st.expander(_("ELMo's layer mix (ScalarMix, eq. 1)"), expanded=False):
        st.caption(
            _(
                "ELMo = γ Σ s_j h_j: a weighted average of the three layers. Set the weights (they are normalized to "
                "sum to 1). γ only scales the vector, so it changes nothing in these cosine-based maps and scores."
            )
        )
        cols = st.columns(3)
        mix = tuple(
            cols[k].slider(
                _("weight of layer {layer}").format(layer=k), 0.0, 1.0, 1.0, 0.05, key=f"w{k}", bind="query-params"
            )
            for k in range(3)
        )
    if sum(mix) <= 0:
        st.error(_("At least one layer weight must be above 0."))
        return
    method = inputs.choice(
        _("2-D map"),
        [N_("auto"), "PCA", "UMAP"],
        key="map",
        sidebar=False,
        horizontal=True,
        help=_(
            "auto: UMAP (cosine, fixed seed) from {points} points up, PCA below. The maps only "
            "illustrate; the scores are measured in the original space."
        ).format(points=UMAP_MIN_POINTS),
    )
    # ELMo first: its maps and scores are drawn while the Transformer comparison is still running
    cached.umap_ready()
    elmo_maps = cached.sense_maps(parsed.word, sentences, elmo_folder, mix, method)
    colours = parsed.sense_labels or [label(c) for c in S.cluster_labels(data["elmo"].vectors[-1], k=2)]
    hovers = [_("line {line}: {sentence}").format(line=o.line, sentence=o.highlighted) for o in parsed.occurrences]
    selected = _selected_point(n)
    chart.show(
        layer_maps(elmo_maps["maps"], colours, hovers, selected=selected, title=_(data["elmo"].model)),
        key="elmo_maps",
        on_select="rerun",
        selection_mode="points",
    )
    summary.say(summaries.maps(elmo_maps["maps"], colours))
    if identical_rows(data["elmo"].vectors[0]):
        st.caption(
            _("Layer 0 puts all {count} occurrences on one point: it sees only the word's characters.").format(count=n)
        )
    transformer_slot = st.container()
    st.caption(
        _("Maps: {method}; consecutive layers are rotated to line up. Click a point to see its neighbours.").format(
            method=elmo_maps["method"]
        )
    )
    if labels:
        st.subheader(_("Sense scores per layer (measured in the original space)"))
        metric = inputs.choice(
            _("Score"), [N_("1-NN accuracy"), N_("silhouette")], key="metric", sidebar=False, horizontal=True
        )
        score_columns = st.columns(2 if compare else 1)
        chart.show_in(
            score_columns[0],
            scores_chart(_scores(mix, "elmo"), metric, title=_("ELMo vs its untrained control")),
            key="elmo_scores",
        )
        with score_columns[0]:
            summary.say(summaries.scores(_scores(mix, "elmo"), metric))
    if compare:
        with transformer_slot, friendly_errors(_("running the Transformer")):
            data.update(cached.transformer_sense_vectors(parsed.word, sentences))
            chart.show(
                layer_maps(
                    cached.transformer_sense_maps(parsed.word, sentences, method),
                    colours,
                    hovers,
                    selected=selected,
                    title=_(data["transformer"].model),
                ),
                key="transformer_maps",
                on_select="rerun",
                selection_mode="points",
            )
            summary.say(summaries.maps(cached.transformer_sense_maps(parsed.word, sentences, method), colours))
        if labels and "transformer" in data:
            chart.show_in(
                score_columns[1],
                scores_chart(_scores(mix, "transformer"), metric, title=_("MiniLM vs its untrained control")),
                key="transformer_scores",
            )
            with score_columns[1]:
                summary.say(summaries.scores(_scores(mix, "transformer"), metric))
    if labels:
        st.caption(
            _(
                "1-NN accuracy: for each occurrence, does its most similar other occurrence (cosine) have the same "
                "sense? Chance is about 0.5 for two balanced senses. Silhouette: -1..1, higher = better separated "
                "senses."
            )
        )
        learned_mix_view(parsed.word, sentences, elmo_folder, mix, data["elmo"].layer_names)
    with friendly_errors(_("looking the word up in GloVe")):
        glove_section(parsed.word, [o.tokens[o.index] for o in parsed.occurrences])
    if selected is not None:
        _neighbours(selected, mix)
    _downloads(mix)


def _selected_point(n: int) -> int | None:
    for key in ("elmo_maps", "transformer_maps"):
        event = st.session_state.get(key)
        points = event.selection.points if event else []
        if points:
            st.session_state["point"] = int(points[0]["customdata"])
    point = st.session_state.get("point")
    return point if point is not None and 0 <= point < n else None


def _layers(mix: tuple, model: str | None = None) -> list:
    """The vectors of ELMo and its control (the mix appended), then the Transformer's and its control's
    when computed; `model` ("elmo" or "transformer") keeps one of the two pairs."""
    mixed = cached.mixed_vectors(word, sentences, elmo_folder, mix)  # the ScalarMix appended (stored for presets)
    pairs = {
        "elmo": [mixed["elmo"], mixed["elmo_control"]],
        "transformer": [data[k] for k in ("transformer", "transformer_control") if k in data],
    }
    return [v for name, vectors in pairs.items() if model in (None, name) for v in vectors]


def _scores(mix: tuple, model: str | None = None) -> list[dict]:
    return [row for vectors in _layers(mix, model) for row in S.layer_scores(vectors, labels)]


def _neighbours(index: int, mix: tuple) -> None:
    occurrence = parsed.occurrences[index]
    st.subheader(_("Nearest occurrences to line {line}").format(line=occurrence.line))
    st.markdown(f"*{md(occurrence.sentence)}*" + (f" ({md(occurrence.label)})" if occurrence.label else ""))
    rows = []
    for vectors in _layers(mix)[::2]:  # the chosen models, not their controls
        for name, layer in zip(vectors.layer_names, vectors.vectors, strict=True):
            for j, similarity in S.nearest_occurrences(layer, index, k=3):
                other = parsed.occurrences[j]
                rows.append(
                    {
                        _("model"): _(vectors.model),
                        _("layer"): label(name),
                        _("cosine"): similarity,
                        _("line"): other.line,
                        _("label"): other.label or "",
                        _("sentence"): other.sentence,
                    }
                )
    show_table(pd.DataFrame(rows), formats={_("cosine"): "%.3f"})


def _downloads(mix: tuple) -> None:
    d1, d2 = st.columns(2)
    d1.download_button(
        _("Download the vectors (NPZ)"),
        data=lambda: _npz(mix),
        file_name=f"senses_{parsed.word}.npz",
        mime="application/octet-stream",
        on_click="ignore",
    )
    if labels:
        d2.download_button(
            _("Download the scores (CSV)"),
            data=lambda: pd.DataFrame(_scores(mix)).to_csv(index=False),
            file_name=f"sense_scores_{parsed.word}.csv",
            mime="text/csv",
            on_click="ignore",
        )


def _npz(mix: tuple) -> bytes:
    buffer = io.BytesIO()
    arrays = {
        f"{v.model}/{name}": layer for v in _layers(mix) for name, layer in zip(v.layer_names, v.vectors, strict=True)
    }
    np.savez_compressed(
        buffer,
        sentences=np.array([o.sentence for o in parsed.occurrences]),
        labels=np.array([o.label or "" for o in parsed.occurrences]),
        **arrays,
    )
    return buffer.getvalue()


sense_view()
