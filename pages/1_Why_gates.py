"""Why gates? A plain RNN beside the LSTM, trained on the same text: connectivity, the memory test, surprisal."""

import numpy as np
import streamlit as st

from engine.analysis.predictions import closing_quote
from engine.text import steps
from engine.validation import check_text, clean_text
from figures import memory as F
from i18n import _
from ui import cached_memory, chart, inputs, page
from ui.feedback import friendly_errors, show_problems
from ui.literal import md
from ui.words import words_here

MAX_CHARS = 500
AUTO = 0  # "predict character 0" = the text's closing quote, else its last character

page.setup("Why gates")
text = inputs.text_input(
    max_chars=MAX_CHARS,
    help=_(
        "Up to {limit} characters, read by both character models. Press Ctrl+Enter (or click outside "
        "the box) to run. The text is part of the page's link."
    ).format(limit=MAX_CHARS),
)
predicted = inputs.number(
    _("Predict character number"),
    key="predict",
    low=AUTO,
    high=MAX_CHARS,
    default=AUTO,
    sidebar=True,
    help=_(
        "Both models predict this character from the ones before it; the page follows the gradient of that "
        "prediction back. 0: the first closing quote (or the last character when there is none)."
    ),
)
layer = int(
    inputs.choice(
        _("LSTM layer"), ["1", "2"], key="layer", help=_("The layer of the unit whose forget gates are followed.")
    )
)
unit = inputs.number(
    _("LSTM unit"),
    key="unit",
    low=0,
    high=511,
    default=0,
    sidebar=True,
    help=_("The unit whose forget-gate product is drawn; 0: the one whose product stays largest to the prediction."),
)
page.sidebar_footer()

st.title(_("Why gates? A plain RNN beside the LSTM"))
st.markdown(
    _(
        "Both models read characters and guess the next one. They were trained on the same text, with the same "
        "vocabulary and the same 2 × 512 state; only the recurrence differs. The plain RNN (Elman, tanh) rewrites "
        "its whole state at every character; the LSTM's cell state is carried on by its forget gates."
    )
)
words_here(
    "connectivity",
    "gradient",
    "forget gate",
    "cell state",
    "surprisal",
    "bits per character",
    "LSTM",
    "plain RNN",
    "probe",
    "unit",
    "vocabulary",
)

if not show_problems(check_text(text, max_chars=MAX_CHARS)):
    st.stop()
text = clean_text(text)[0]
length = len(steps(text))
if length < 2:
    st.error(_("The text needs at least two characters: one to read and one to predict."), icon=":material/error:")
    st.stop()
if predicted == AUTO:
    quote = closing_quote(text)
    predicted = quote + 1 if quote is not None and quote > 0 else length
if not 2 <= predicted <= length:
    st.error(
        _(
            "Character {predicted} is outside the text: it has {length} characters, so choose 2 to {length} "
            "(or 0 for the closing quote)."
        ).format(predicted=predicted, length=length),
        icon=":material/error:",
    )
    st.stop()
target = predicted - 2  # the step read just before the predicted character (0-based)

st.header(_("Which characters move the prediction?"))
results = None
with friendly_errors(_("following the gradient back")):
    results = cached_memory.connectivity(text, target)
if results is not None:
    rnn, lstm = results["plain RNN"], results["LSTM"]
    influence = {"plain RNN": rnn.inputs, "LSTM": lstm.inputs}
    st.markdown(
        _(
            "Predicting character {predicted}, **{char}**, from the {count} before it: "
            "p = {rnn:.3f} for the plain RNN, {lstm:.3f} for the LSTM."
        ).format(
            predicted=predicted,
            char=md(repr(lstm.next_char)),
            count=target + 1,
            rnn=np.exp(rnn.log_prob),
            lstm=np.exp(lstm.log_prob),
        )
    )
    chart.show(
        F.connectivity_strip(lstm.tokens, influence, lstm.next_char),
        _("{count} characters, one row per model, coloured by influence from 1 (the peak) down to 0.0001.").format(
            count=target + 1
        ),
        key="strip",
    )

    def reach(values: np.ndarray) -> str:
        below = np.nonzero(F.relative(values)[::-1] < 0.01)[0]
        return _("{count} characters back").format(count=below[0]) if below.size else _("never, in this text")

    left, right = st.columns(2)
    chart.show_in(
        left,
        F.influence_by_distance(influence),
        _("Below {share} of its peak: plain RNN {rnn}; LSTM {lstm}.").format(
            share="1 %", rnn=reach(rnn.inputs), lstm=reach(lstm.inputs)
        ),
        key="distance",
    )
    fp = lstm.forget_product[layer - 1]  # [t+1, units]
    chosen = int(np.argmax(fp[0])) if unit == 0 else unit
    chart.show_in(
        right,
        F.gradient_paths(
            fp[:, chosen],
            _("unit {unit} (layer {layer})").format(unit=chosen, layer=layer),
            rnn.hidden[layer - 1],
            lstm.cell[layer - 1],
        ),
        _(
            "Layer {layer}. The forget-gate product of unit {unit} from the first character to the prediction is "
            "{product:.2g}; the plain RNN's gradient there is {rnn:.2g} of its peak."
        ).format(layer=layer, unit=chosen, product=fp[0, chosen], rnn=F.relative(rnn.hidden[layer - 1])[0]),
        key="paths",
    )
    st.caption(
        _(
            "Gradients are exact (one backward pass through each model): the size of the change in log p(next "
            "character) per change of size 1 in a character's input vector, or of a state. The forget-gate product ∏ f "
            "(the forget gates multiplied from that character to the prediction) is how much of the cell state "
            "survives, unchanged by writes, along the LSTM's own path."
        )
    )

st.header(_("The memory test: an opening quote, N characters, then where it closes"))
tests = None
with friendly_errors(_("running the memory test")):
    tests = cached_memory.memory_tests()
if tests is not None:
    lstm_test, rnn_test = tests["LSTM"], tests["plain RNN"]
    p = {name: tests[name].p_quote for name in cached_memory.MODELS}
    options = [
        _("N = {n}, text {k}").format(n=n, k=k + 1) for n in lstm_test.distances for k in range(len(lstm_test.texts[0]))
    ]

    def choose_probe_from_curve() -> None:
        """A click on a point of the memory curve chooses its text (callbacks may set widget values)."""
        points = st.session_state["memory"].selection.points
        if points and 0 <= int(points[0].get("point_index", -1)) < len(options):  # distance-major, as the figure
            st.session_state["probe"] = options[int(points[0]["point_index"])]

    chart.show(
        F.memory_curve(lstm_test.distances, p, lstm_test.p_control),
        _("P(closing quote) at")
        + " "
        + ", ".join(
            f"N = {n}: RNN {p['plain RNN'][d].mean():.3f}, LSTM {p['LSTM'][d].mean():.3f}"
            for d, n in enumerate(lstm_test.distances)
        )
        + ".",
        key="memory",
        on_select=choose_probe_from_curve,
        selection_mode="points",
    )  # fmt: skip
    probe = inputs.choice(_("Probe text (or click a point)"), options, key="probe", sidebar=False)
    d, k = divmod(options.index(probe), len(lstm_test.texts[0]))
    st.text('"' + lstm_test.texts[d][k] + "▮")
    st.markdown(
        _(
            "At ▮: P(closing quote) = {rnn:.3f} for the plain RNN, {lstm:.3f} for the LSTM ({control:.3f} for the "
            "LSTM without the opening quote). The LSTM's quote unit (layer {layer}, unit {unit}) holds c = {c:.2f} "
            "here."
        ).format(
            rnn=rnn_test.p_quote[d, k],
            lstm=lstm_test.p_quote[d, k],
            control=lstm_test.p_control[d, k],
            layer=lstm_test.unit[0] + 1,
            unit=lstm_test.unit[1],
            c=lstm_test.cell[d, k],
        )
    )
    st.caption(
        _(
            "Texts: held-out sentences of the corpus (never trained on) with no quote marks, cut to exactly N "
            "characters ending with punctuation, where a closing quote belongs. Every number is the model's own."
        )
    )

st.header(_("Surprisal of both models on your text"))
bits = None
with friendly_errors(_("scoring the text")):
    bits = cached_memory.surprisal(text)
if bits is not None:
    tokens = [s.text for s in steps(text)]
    mean = {name: float(np.mean(values)) for name, values in bits.items()}
    c1, c2, c3 = st.columns(3)
    c1.metric(_("Plain RNN, bits per character"), f"{mean['plain RNN']:.2f}")
    c2.metric(_("LSTM, bits per character"), f"{mean['LSTM']:.2f}")
    c3.metric(_("Plain RNN minus LSTM"), _("{bits:+.2f} bits").format(bits=mean["plain RNN"] - mean["LSTM"]))
    gap = bits["plain RNN"] - bits["LSTM"]
    worst = np.argsort(-gap)[:3]
    chart.show(
        F.surprisal_pair(tokens, bits),
        _("Where the plain RNN is most surprised compared with the LSTM:")
        + " "
        + "; ".join(
            _("character {n} {char} (+{bits:.1f} bits)").format(n=i + 2, char=repr(tokens[i + 1]), bits=gap[i])
            for i in worst
        )
        + ".",
        key="surprisal",
    )
