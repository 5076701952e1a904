"""Transformer attention: every head at a glance, then one head's token-by-token weights."""

import io

import numpy as np
import pandas as pd
import streamlit as st

from engine import policy
from engine.analysis import attention as A
from engine.validation import check_text, clean_text
from figures import summaries
from figures.attention import attention_heatmap, heads_grid
from figures.common import token_labels
from i18n import N_, _
from ui import cached, chart, inputs, page, projector, summary
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.table import show_table
from ui.words import language_note, words_here

MAX_CHARS = 20_000  # far above what 512 tokens hold; the token limit is checked exactly below
SHOWN = (  # the choices' English values (their keys in engine.analysis.attention), shown translated
    N_("one head"), N_("layer mean"), N_("rollout"), N_("local folder"),
    N_("entropy"), N_("previous"), N_("self"), N_("special"), N_("distance"), N_("max"),
)  # fmt: skip
ROLE_HEADINGS = {  # engine.analysis.attention.head_role -> the heading over the heads that have it
    "previous-token head": N_("previous-token heads"),
    "sink head ([CLS]/[SEP])": N_("sink heads ([CLS]/[SEP])"),
    "self head": N_("self heads"),
    "broad head": N_("broad heads"),
}
TABLE_COLUMNS = (N_("layer"), N_("head"), N_("role"))  # with the statistics' names: the head table's columns
DEFAULT_HEAD = 3  # MiniLM's head 1.3 is its previous-token head: 1.00 on the default text, runner-up 0.37 (issue 23)

page.setup("Transformer attention")
rules = policy.current()  # a shared server offers only its own folders, never pickles
text = inputs.text_input(max_chars=MAX_CHARS)
source_kind = inputs.choice(
    _("Model"),
    ["MiniLM", N_("local folder")] if rules.allows_folders else ["MiniLM"],
    key="model",
    help=_("MiniLM is all-MiniLM-L6-v2 (6 layers × 12 heads), built in. Or load any local Hugging Face model folder."),
)
folder, allow_pickle = "", False
if source_kind == "local folder":
    folder = st.sidebar.text_input(
        _("Model folder"),
        key="folder",
        bind="query-params",
        placeholder=_("a folder this server offers") if rules.shared else "/path/to/a/huggingface/model",
        help=policy.refused_message(rules)
        if rules.shared
        else _(
            "Any local Hugging Face encoder or decoder (BERT, RoBERTa, DistilBERT, GPT-2…) with config.json, "
            "tokenizer files and safetensors weights."
        ),
    )
    if rules.allows_pickles:
        allow_pickle = st.sidebar.checkbox(
            _("Allow pickled weights (pytorch_model.bin)"),
            help=_("Pickle files can run arbitrary code when loaded. Only allow them for folders you trust."),
        )
page.sidebar_footer()

st.title(_("Transformer attention"))
words_here(
    "attention sink",
    "query",
    "residual",
    "attention",
    "attention head",
    "[CLS]",
    "[SEP]",
    "subword",
    "entropy",
    "rollout",
    "residual connection",
)
st.markdown(
    _(
        "Each **head** of each **layer** gives every token a probability distribution over the tokens it looks at "
        "(rows sum to 1). Start from the overview of all heads, click one, and read its weights. Attention shows "
        "where information *can* flow, not why the model decides: treat it as a clue, not an explanation."
    )
)

ok = show_problems(check_text(text, max_chars=MAX_CHARS))
if source_kind == "local folder":
    ok = show_problems(policy.check_folder(folder, allow_pickle=allow_pickle, policy=rules)) and ok
if not ok:
    st.stop()
text = clean_text(text)[0]  # control characters read as spaces, as the warning says
if source_kind == "MiniLM":
    language_note(text, "MiniLM")

model = None
with friendly_errors(_("loading the model")):
    model = cached.transformer_reader(folder, allow_pickle, text)  # a stored view needs no model (no torch)
if model is None:
    st.stop()
if not show_problems(model.check(text)):
    st.stop()
result = None
with friendly_errors(_("running the model")):
    result = cached.attention(folder, allow_pickle, text)
if result is None:
    st.stop()

st.caption(
    _("{count} tokens · {model}").format(count=len(result.tokens), model=md(model.description))
    + (" · " + _("causal: each token sees only itself and the tokens before it") if result.is_causal else "")
)


def select_head_from_grid() -> None:
    """A click on the heads grid focuses that head (callbacks may set widget values)."""
    points = st.session_state["grid"].selection.points
    if points:
        st.session_state["layer"], st.session_state["head"] = int(points[0]["y"]), int(points[0]["x"])
        st.session_state["mode"] = "one head"


@st.fragment
def attention_view() -> None:
    layers, heads = result.num_layers, result.num_heads
    overview, focus = st.columns([2, 3], gap="large")
    with focus:
        mode = inputs.choice(
            _("View"),
            list(A.MODES),
            key="mode",
            sidebar=False,
            horizontal=True,
            help=_("One head's weights, the mean of the layer's heads, or the rollout through several layers."),
        )
        c1, c2, c3 = st.columns(3)
        with c1:
            layer = inputs.number(_("Layer"), key="layer", low=1, high=layers, default=1)
        with c2:
            head = inputs.number(
                _("Head"),
                key="head",
                low=1,
                high=heads,
                default=min(DEFAULT_HEAD, heads),
                help=_("Used in the one-head view."),
            )
        first, last = 1, layers  # a one-layer model has no range to choose (a slider needs min < max)
        with c3:
            first, last = (
                (first, last)
                if layers == 1
                else st.slider(
                    _("Rollout layers"),
                    1,
                    layers,
                    (1, layers),
                    key="rollout",
                    bind="query-params",
                    help=_(
                        "Attention rollout (Abnar & Zuidema 2020) multiplies the head-mean attention of these layers, "
                        "each with the identity added for the residual connection."
                    ),
                )
            )
        t1, t2, t3 = st.columns(3)
        with t1:
            hide = inputs.toggle(
                _("Hide special tokens"), key="hide_special", help=_("Remove [CLS], [SEP] and similar.")
            )
        with t2:
            renorm = inputs.toggle(
                _("Renormalize rows"),
                key="renorm",
                help=_(
                    "Special tokens often soak up most of the weight (an 'attention sink'): a head with nothing "
                    "better to do parks its attention on [SEP]. Hiding them leaves rows that sum to less than 1; "
                    "renormalizing rescales each row to sum to 1 over the tokens that remain."
                ),
            )
        with t3:
            words = inputs.toggle(
                _("Words, not subwords"), key="words", help=_("Keys summed, queries averaged per word.")
            )
    # the focused head's heatmap goes out first (it is what a changed text or setting is for); the grid
    # of all heads fills the left column after it
    view = A.view_matrix(
        result.attentions,
        result.display_tokens,
        result.word_ids,
        result.words,
        result.special_mask,
        mode=A.MODES[mode],
        layer=layer,
        head=head,
        rollout_range=(first, last),
        hide_special=hide,
        renormalize=renorm,
        word_level=words,
        causal=result.is_causal,
        word_note=result.word_note,
    )
    labels = token_labels(view.labels)
    with focus:
        if view.note:
            st.info(md(view.note), icon=":material/info:")
        chart.show(
            attention_heatmap(view.matrix, labels, labels, title=view.title, causal=view.causal),
            key="heatmap",
            config={"toImageButtonOptions": {"format": "png", "filename": "attention", "scale": 2}},
        )
        summary.say(summaries.attention(view.matrix, labels, view.title))
        # side by side, or one above the other on a projector, where two would not fit their labels
        d1, d2 = (st.container(), st.container()) if projector.active() else st.columns(2)
        d1.download_button(
            _("Download this matrix (CSV)"),
            data=pd.DataFrame(view.matrix, index=labels, columns=labels).to_csv(),
            file_name="attention_matrix.csv",
            mime="text/csv",
            on_click="ignore",
        )
        d2.download_button(
            _("Download all attentions (NPZ)"),
            data=lambda: _npz(result),
            file_name="attentions.npz",
            mime="application/octet-stream",
            on_click="ignore",
        )
    stats = A.head_statistics(result.attentions, result.special_mask)
    with overview:
        statistic = inputs.choice(
            _("Colour the grid by"),
            list(A.STATISTICS),
            key="stat",
            default="previous",  # the default head 1.3 is the bright square
            sidebar=False,
            help="\n\n".join(f"**{_(k)}**: {_(v)}" for k, v in A.STATISTICS.items()),
        )
        name = _(A.STATISTICS[statistic]).split(":")[0].split("：")[0]  # the statistic's name, before its explanation
        chart.show(
            heads_grid(stats.get(statistic), name, (layer, head)),
            key="grid",
            width="content",
            on_select=select_head_from_grid,
            selection_mode="points",
            config={"displayModeBar": False},
        )
        summary.say(summaries.heads(stats.get(statistic), name[:1].lower() + name[1:]))  # [CLS] kept
        st.caption(_("Click a square to focus that head."))
        roles = pd.DataFrame(stats.rows()).query("role != ''").groupby("role", sort=False)
        for role, group in roles:
            st.markdown(
                f"**{_(ROLE_HEADINGS.get(role, role))}**: "
                + ", ".join(f"{r.layer}.{r.head}" for r in group.itertuples())
            )
        st.caption(_("Heads named layer.head, labelled from this text's statistics (see the table below)."))
    st.subheader(_("Head statistics"))
    st.caption(
        _("One row per head, for this text. Sort by a column (click its header) to find e.g. the previous-token heads.")
    )
    table = pd.DataFrame(stats.rows()).replace({"role": {"": "–"}})
    table["role"] = table["role"].map(_)
    show_table(
        table.rename(columns=_),
        formats={_(name): "%.3f" for name in A.STATISTICS},
        width="stretch",
    )


def _npz(result) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        attentions=result.attentions,
        tokens=np.array(result.tokens),
        special_mask=result.special_mask,
        word_ids=np.array([-1 if w is None else w for w in result.word_ids]),
    )
    return buffer.getvalue()


attention_view()
