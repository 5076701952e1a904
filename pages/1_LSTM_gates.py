"""LSTM gates: watch every gate and the memory of an LSTM, step by step, over your text."""

import io

import numpy as np
import pandas as pd
import streamlit as st

from engine import policy
from engine.analysis import gates as G
from engine.text import steps, tokenize, tokenize_with_spans
from engine.validation import check_alphabet, check_count, check_text, clean_text
from figures import lstm as F
from figures import summaries
from figures.common import token_labels
from i18n import N_, _
from ui import cached, chart, inputs, page, summary, user_lstm
from ui.feedback import friendly_errors, show_problems
from ui.table import show_table
from ui.words import language_note, words_here

MAX_CHARS = {"char-LSTM": 2_000}  # characters are the char-LSTM's steps
MAX_CHARS_WORDS, MAX_WORDS = 5_000, 400  # ELMo's steps are words
WINDOW = 200  # steps drawn at once: longer texts get a window slider
SCORE_COLUMNS = {  # engine.analysis.gates.PatternScore -> the table's column names
    "unit": N_("unit"),
    "inside": N_("mean inside the marked steps"),
    "outside": N_("mean outside"),
    "score": N_("difference (in the unit's standard deviations)"),
}
ORDER_NAMES = (N_("text order"), N_("variance"), N_("mean"), N_("saturation"), N_("pattern"))  # G.ORDERS, shown
DEFAULT_UNITS_SHOWN = 16  # the 16 units that best follow the quotes: on the default text unit 208 first (issue 23)

page.setup("LSTM gates")
text = inputs.text_input(
    max_chars=MAX_CHARS_WORDS,
    help=_(
        "Up to {chars:,} characters for the char-LSTM, {words} words for ELMo. "
        "Press Ctrl+Enter (or click outside the box) to run. The text is part of the page's link."
    ).format(chars=MAX_CHARS["char-LSTM"], words=MAX_WORDS),
)
model_name = inputs.choice(
    _("Model"),
    [*cached.lstm_models(), *([cached.YOUR_LSTM] if policy.current().allows_folders else [])],
    key="model",
    help=_(
        "char-LSTM: a 2-layer character-level LSTM language model trained for this app (steps are characters). "
        "ELMo: the forward or backward LSTM of this app's ELMo biLM (steps are words; the backward one reads "
        "right to left). An official ELMo appears here once fetched (ELMo language model page). Your LSTM: a folder "
        "of config.json + model.safetensors (README: Your own LSTM)."
    ),
)
user_folder, user_config = "", None
if model_name == cached.YOUR_LSTM:
    user_folder, user_config = user_lstm.choice()
layers = user_config.num_layers if user_config else 2
layer = int(
    inputs.choice(
        _("Layer"),
        [str(k) for k in range(1, layers + 1)],
        key="layer",
        help=_("Layer 1 reads the input; each layer above reads the one below."),
    )
)
page.sidebar_footer()

st.title(_("LSTM gates"))
words_here(
    "char-LSTM",
    "unit",
    "gate",
    "forget gate",
    "input gate",
    "output gate",
    "candidate",
    "cell state",
    "hidden state",
    "regex",
    "biLM",
    "language model",
    "<S>",
    "</S>",
)
st.markdown(
    _(
        "At every step an LSTM decides, for each of its units, how much of its memory to **forget** (f), how much new "
        "content to **write** (input gate i times candidate g) and how much of the memory to **show** (o): "
        "c<sub>t</sub> = f<sub>t</sub> ⊙ c<sub>t−1</sub> + i<sub>t</sub> ⊙ g<sub>t</sub>, h<sub>t</sub> = "
        "o<sub>t</sub> ⊙ tanh(c<sub>t</sub>): in words, the new memory is the share f of the old memory it keeps plus "
        "the share i of the candidate g it writes (⊙ multiplies unit by unit), and the output is the share o of the "
        "squashed memory it shows. Every value below is the model's own, exact."
    ),
    unsafe_allow_html=True,
)

char_model = model_name == "char-LSTM" or bool(user_config and user_config.unit == "characters")
problems = check_text(text, max_chars=MAX_CHARS["char-LSTM"] if char_model else MAX_CHARS_WORDS)
ok = show_problems(problems)
if not ok:
    st.stop()
text = clean_text(text)[0]
language_note(text, "char-LSTM" if char_model else "ELMo")

if char_model:
    spans = [(s.start, s.end) for s in steps(text)]  # a character with its marks and invisibles
else:
    words = tokenize_with_spans(text)
    if not show_problems(check_count(len(words), limit=MAX_WORDS, unit=_("words"), model=_("this view of ELMo"))):
        st.stop()
    spans = [(w.start, w.end) for w in words]
    spans = spans if user_config else [(0, 0), *spans, (len(text), len(text))]  # ELMo's <S> and </S>

model = None
with friendly_errors(_("loading the model")):
    model = (
        cached.user_lstm(user_folder)
        if user_config
        else cached.char_lstm_facts()  # name and alphabet from JSON: a stored view needs no model (no torch)
        if char_model
        else cached.elmo_by_name(model_name)
    )
if model is None:
    st.stop()
if user_config:
    user_lstm.unknown_note(model, text)
elif char_model:
    show_problems(check_alphabet(text, model.alphabet, model=_("the char-LSTM"), unknown="⁇"))
else:
    show_problems(model.check_sentences([[w.text for w in words]]))

result = None
with friendly_errors(_("tracing the gates")):
    result = cached.lstm_gates(model_name, text, layer, user_folder)
if result is None:
    st.stop()
view, saturation, layer_names = result
labels = token_labels(view.tokens)
step_kind = (
    _("characters")
    if char_model
    else _("words")
    if user_config
    else _("words, with the sentence boundaries <S> and </S>")
)
units = view.i.shape[1]
st.caption(
    _("{steps} steps ({kind}) · {units} units in layer {layer} · {model}").format(
        steps=view.steps, kind=step_kind, units=units, layer=layer, model=model.name
    )
    + (
        ""
        if char_model or user_config or model_name.endswith("forward")
        else " · " + _("read right to left: step t has seen t…end")
    )
)


@st.fragment
def gates_view() -> None:
    st.subheader(_("Gates over time"))
    c1, c2, c3, c4 = st.columns([2, 2, 2, 3])
    with c1:
        quantity = inputs.choice(
            _("Show"),
            list(G.DESCRIPTIONS),
            key="q",
            default="c",
            sidebar=False,
            help="\n\n".join(_(d) for d in G.DESCRIPTIONS.values()),
        )
    with c2:
        order = inputs.choice(
            _("Order units by"),
            list(G.ORDERS),
            key="order",
            default="pattern",
            sidebar=False,
            help=_("pattern: the units that follow the marked steps (by default, inside double quotes) first."),
        )
    with c3:
        top = inputs.number(_("Units shown"), key="top", low=1, high=units, default=min(DEFAULT_UNITS_SHOWN, units))
    with c4:
        pattern = st.text_input(
            _("Mark steps matching (a pattern)"),
            value=G.INSIDE_QUOTES,
            key="mark",
            bind="query-params",
            help=_(
                "A regular expression (regex: a text pattern) over your text; the default marks everything inside "
                '"double quotes" (shaded yellow on the charts). '
                'Used by "Order units by: pattern" and by the pattern search below.'
            ),
        )
    mask = np.zeros(view.steps, dtype=bool)
    with friendly_errors(_("reading the pattern")):
        mask = G.mask_from_regex(text, spans, pattern) if pattern else mask
    values = view.get(quantity)
    if order == "pattern" and (mask.all() or not mask.any()):
        st.info(_("The pattern marks no step (or every step) of this text, so units are ordered by variance instead."))
        order = "variance"
    chosen = G.unit_order(values, order, mask)[:top]
    start, end = 0, view.steps
    if view.steps > WINDOW:
        start, end = st.slider(
            _("Steps shown"),
            0,
            view.steps,
            (0, WINDOW),
            key="window",
            bind="query-params",
            help=_("The text has {steps} steps; {window} are drawn at a time to keep the chart readable.").format(
                steps=view.steps, window=WINDOW
            ),
        )
        end = max(end, start + 1)
    chart.show(
        F.gates_heatmap(
            values[start:end][:, chosen],
            labels[start:end],
            chosen,
            quantity,
            title=_("{quantity}, layer {layer}: {shown} of {units} units by {order}").format(
                quantity=_(G.DESCRIPTIONS[quantity]).split(":")[0].split("：")[0],
                layer=layer,
                shown=len(chosen),
                units=units,
                order=_(order),
            ),
            marked=mask[start:end],
        ),
        key="heatmap",
    )
    summary.say(summaries.gates(values[start:end][:, chosen], quantity, layer))

    st.subheader(_("One unit"))
    default_unit = int(chosen[0])
    unit = inputs.number(
        _("Unit"), key="unit", low=0, high=units - 1, default=default_unit, help=_("Units count from 0.")
    )
    gate = quantity in ("i", "f", "o")
    legend = _("green = open (1), white = shut (0)") if gate else _("blue positive, red negative")
    st.markdown(
        _("**The text coloured by unit {unit}'s {quantity}** ({legend}; hover a character for its value)").format(
            unit=unit, quantity=quantity, legend=legend
        )
    )
    st.html(F.coloured_text(view.tokens[start:end], values[start:end, unit], words=not char_model, gate=gate))
    chart.show(F.unit_lines(view, unit, labels, marked=mask), key="lines")
    summary.say(summaries.unit(view, unit))
    chart.show(F.ledger(view, unit, labels), key="ledger")
    summary.say(summaries.ledger(view, unit))

    st.subheader(_("Pattern search"))
    st.caption(
        _("{marked} of {steps} steps are marked by the pattern (yellow):").format(
            marked=int(mask.sum()), steps=view.steps
        )
    )
    st.html(F.coloured_text(view.tokens[start:end], mask[start:end], words=not char_model, highlight=True))
    scores = G.pattern_scores(values, mask, top=10)
    if scores:
        st.markdown(
            _("Units whose **{quantity}** is highest inside the marked steps and lowest outside:").format(
                quantity=quantity
            )
        )
        columns = {name: _(shown) for name, shown in SCORE_COLUMNS.items()}
        show_table(
            pd.DataFrame([vars(s) for s in scores]).rename(columns=columns),
            formats=dict.fromkeys(list(columns.values())[1:], "%.3f"),
        )
    else:
        st.info(_("Mark some steps (but not all) with the pattern above to rank units by it."))

    st.subheader(_("Gate saturation"))
    st.caption(
        _(
            "Each dot is a unit: how often its gate is nearly shut (< 0.1, up) or wide open (> 0.9, right), "
            "as in Karpathy et al. (2015). Units near the right edge of the forget-gate panel remember for long."
        )
    )
    chart.show(F.saturation_scatter(saturation, layer_names), key="saturation")
    summary.say(summaries.saturation(saturation, layer_names))

    d1, d2 = st.columns(2)
    d1.download_button(
        _("Download layer {layer} (CSV)").format(layer=layer),
        data=lambda: _csv(view),
        file_name=f"lstm_layer{layer}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    d2.download_button(
        _("Download every gate of every layer (NPZ)"),
        data=lambda: _npz(model_name, text, user_folder),
        file_name="lstm_gates.npz",
        mime="application/octet-stream",
        on_click="ignore",
    )


def _csv(view) -> str:
    frames = [pd.DataFrame(view.get(q), columns=[f"{q}{u}" for u in range(view.i.shape[1])]) for q in "ifgoch"]
    table = pd.concat(frames, axis=1)
    table.insert(0, "step", view.tokens)
    return table.to_csv(index=False)


def _npz(model_name: str, text: str, user_folder: str = "") -> bytes:
    trace = (
        cached.user_lstm(user_folder).trace(text)
        if user_folder
        else cached.char_lstm().trace(text)
        if model_name == "char-LSTM"
        else cached.elmo_by_name(model_name).gates(tokenize(text), True)
    )
    buffer = io.BytesIO()
    probs = {"probs": trace.probs} if getattr(trace, "probs", None) is not None else {}  # char-LSTM: [T, V]
    np.savez_compressed(buffer, tokens=np.array(trace.tokens), **{q: trace.get(q) for q in "ifgoch"}, **probs)
    return buffer.getvalue()


gates_view()
