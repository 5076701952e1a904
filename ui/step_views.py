"""The sections of the "LSTM step by step" page: predictions, the cell at step t, switching units off.

Stepping lives in `st.fragment`s and in client-side plotly frames: no step reruns the page or the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from engine.analysis import predictions as P
from figures import cell as FC
from figures import predictions as FP
from figures import summaries_new_pages as says
from figures.common import token_labels, visible
from figures.lstm import coloured_text
from i18n import N_, _
from ui import chart, inputs, reading, run_count
from ui.feedback import friendly_errors
from ui.table import show_table

WINDOW = 200  # steps of the guesses grid drawn at once
COLUMN_NAMES = {  # the predictions frame's columns (also the CSV download's) -> what a learner reads
    "step": N_("step"),
    "char": N_("character"),
    "next": N_("really next"),
    "guess1": N_("first guess"),
    "p_next": N_("P(really next)"),
    "guess1_after": N_("first guess, units off"),
    "p_next_after": N_("P(really next), units off"),
    "kl_bits": N_("change (KL divergence, bits)"),
}
PROBABILITY_COLUMNS = [COLUMN_NAMES[c] for c in ("p_next", "p_next_after", "kl_bits")]
MODES = (
    N_("clamp c to 0"),
    N_("clamp c to a value"),
    N_("freeze h"),
)  # engine.models.intervention.MODES (no torch here)


def _hover(guesses: list[list[str]], probs: np.ndarray, k: int = 3) -> list[str]:
    return [
        " · ".join(f"{visible(g)!r} {p:.2f}" for g, p in zip(row[:k], ps[:k], strict=True))
        for row, ps in zip(guesses, probs, strict=True)
    ]


def _window(steps: int, key: str) -> tuple[int, int]:
    if steps <= WINDOW:
        return 0, steps
    start, end = st.slider(_("Steps shown"), 0, steps, (0, WINDOW), key=key, bind="query-params")
    return start, max(end, start + 1)


def char_predictions(text: str, data: dict, table: P.NextStepTable) -> None:
    st.subheader(_("What it predicts"))
    guesses = reading.char_guesses(table, data["chars"])
    tokens = data["tokens"]  # the steps as typed: a character with its combining marks is one step
    labels = token_labels(tokens)
    hits = int((table.actual_rank[:-1] == 1).sum())
    st.caption(
        _(
            "After each character the model gives a probability to every possible next character. "
            "Its first guess was right at {hits} of {steps} steps; on average it needed "
            "{bits:.2f} bits per character (lower is better; 0 = certain and right)."
        ).format(hits=hits, steps=len(tokens) - 1, bits=table.mean_surprisal)
    )
    a, b = _window(len(tokens), "pwindow")
    chart.show(
        FP.top_guesses(
            labels[a:b],
            guesses[a:b],
            table.top_probs[a:b],
            table.actual_rank[a:b],
            title=_("Top 5 guesses for the next character (outlined: the one that really came next)"),
        ),
        says.top_guesses(labels[a:b], table.actual_rank[a:b]),
        key="guesses",
    )
    hover = [
        _("next really {char}: p = {p:.3f}, rank {rank} · guessed {guesses}").format(
            char=repr(visible(n)), p=p, rank=r, guesses=h
        )
        for n, p, r, h in zip(
            [*tokens[1:], ""], table.actual_prob, table.actual_rank, _hover(guesses, table.top_probs), strict=True
        )
    ]
    chart.show(
        FP.surprisal_line(labels, table.surprisal, hover), says.surprisal(labels, table.surprisal), key="surprisal"
    )


def _step_buttons(steps: int, default: int = 0) -> int:
    """A step number (in the URL, `default` when absent) with ◀ ▶ buttons bound to the left/right arrow keys."""
    if "step" in st.session_state:
        st.session_state.step = min(max(0, int(st.session_state.step)), steps - 1)

    def move(delta: int) -> None:
        st.session_state.step = min(max(0, int(st.session_state.get("step", default)) + delta), steps - 1)

    c1, c2, c3 = st.columns([1.5, 1.5, 3], vertical_alignment="bottom")  # "◀ stage ←" uncut on a projector
    c1.button(_("◀ step"), key="back", on_click=move, args=(-1,), shortcut="left", help=_("Left arrow key"))
    c2.button(_("step ▶"), key="forward", on_click=move, args=(1,), shortcut="right", help=_("Right arrow key"))
    with c3:
        return inputs.number(
            _("Step"),
            key="step",
            low=0,
            high=steps - 1,
            default=default,
            help=_("Steps count from 0. The arrow keys step; ▶ play in the chart animates."),
        )


@st.fragment
def cell_section(arrays: dict, steps: dict, default_units: list[int], default_step: int = 0) -> None:
    """The cell at step t (`default_step` until the learner steps). Its arguments are the page's cached arrays
    (held by reference): a step, or a new choice of units, redraws only this section; the page and the model do
    not run again."""
    st.subheader(_("Step through the cell"))
    st.caption(
        _(
            "One LSTM cell at step t, with the model's own numbers: the memory it had (c(t−1)), how much it keeps "
            "(forget gate f), how much it writes (input gate i times candidate g), the new memory c(t) = f·c(t−1) + "
            "i·g, and what it shows (h = o·tanh(c)). Right: what it expects. Left/right arrow keys step; "
            "▶ play animates up to {frames} steps in the browser (the frames sent at once)."
        ).format(frames=FC.FRAME_CAP)
    )
    chosen = st.text_input(
        _("Units in the cell (commas, up to 8)"),
        value=", ".join(map(str, default_units)),
        key="cell_units",
        bind="query-params",
        help=_("Default: the 3 units whose cell state tracks being inside double quotes."),
    )
    units, problem = reading.parse_units(chosen, arrays["c"].shape[1], default_units)
    if problem:
        st.warning(problem)
    cell = reading.cell_steps(arrays, units, **steps)
    t = _step_buttons(cell.steps, min(default_step, cell.steps - 1))
    chart.show(FC.cell_view(cell, t), says.cell_step(cell.values, cell.units, cell.tokens, t), key="cell")
    st.caption(
        _("Step {step} of {last} (the chart names the character; stepping does not run the model again).").format(
            step=t, last=cell.steps - 1
        )
    )
    run_count.marker()  # for the browser tests: stepping must not run the whole page again


def intervention_controls(steps: int, units: int, default_units: list[int], default_start: int) -> dict:
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    with c1:
        chosen = st.text_input(
            _("Units to switch off (commas)"),
            value=", ".join(map(str, default_units)),
            key="off_units",
            bind="query-params",
            help=_(
                "Default: the 10 units of this layer whose cell state is highest inside double quotes "
                "(the pattern search of the LSTM gates page)."
            ),
        )
    with c2:
        mode = inputs.choice(_("How"), MODES, key="off_mode", sidebar=False)
    with c3:
        value = st.number_input(
            _("Clamp c to"),
            value=0.0,
            step=0.5,
            key="off_value",
            bind="query-params",
            disabled=mode != "clamp c to a value",
        )
    with c4:
        start = inputs.number(_("From step"), key="off_from", low=0, high=steps - 1, default=default_start)
    picked, problem = reading.parse_units(chosen, units, default_units, limit=64)
    if problem:
        st.warning(problem)
    return {
        "units": tuple(picked),
        "mode": mode,
        "value": float(value if mode == "clamp c to a value" else 0.0),
        "start": int(start),
    }


@st.fragment
def intervention_section(text: str, layer: int, data: dict, table: P.NextStepTable, default_units: list[int]) -> None:
    st.subheader(_("Switch units off"))
    st.caption(
        _(
            "Change chosen units of this layer from one step on, inside the recurrence (the next step reads the "
            "changed value), and compare the model's predictions before and after."
        )
    )
    tokens = data["tokens"]  # the steps as typed
    choice = intervention_controls(len(tokens), data["c"].shape[1], default_units, reading.default_start(tokens))
    after = None
    with friendly_errors(_("running the model with the units switched off")):
        after = reading.char_intervention(
            text, layer, *(choice[k] for k in ("units", "mode", "value", "start")), data.get("folder", "")
        )
    if after is None:
        return
    after_table = P.next_step_table(after["probs"], data["ids"])
    kl = P.kl_bits(data["probs"], after["probs"])
    _quote_story(text, data, after, choice)
    start = choice["start"]
    title = _("{mode} from step {start}: mean surprisal {before:.3f} → {after:.3f} bits/char").format(
        mode=_(choice["mode"]), start=start, before=table.mean_surprisal, after=after_table.mean_surprisal
    )
    labels = token_labels(tokens)
    chart.show(
        FP.before_after(labels, table.surprisal, after_table.surprisal, kl, start, title=title),
        says.before_after(labels, table.surprisal, after_table.surprisal, kl),
        key="before_after",
    )
    st.markdown(
        _(
            "**The text coloured by how far the next-character distribution moved** (KL divergence, bits; "
            "largest {largest:.3f}; hover a character)"
        ).format(largest=kl.max())
    )
    st.html(coloured_text(tokens, kl, words=False))
    frame = reading.predictions_frame(tokens, data["chars"], table, {"table": after_table, "kl": kl})
    later = frame.iloc[start:].sort_values("kl_bits", ascending=False).head(12)
    st.markdown(_("**Where the predictions moved most** (steps from the change on)"))
    shown = later[list(COLUMN_NAMES)].copy()
    for column in ("char", "next", "guess1", "guess1_after"):
        shown[column] = shown[column].map(visible)
    names = {column: _(name) for column, name in COLUMN_NAMES.items()}  # the CSV keeps the English names
    show_table(shown.rename(columns=names), formats=dict.fromkeys((_(c) for c in PROBABILITY_COLUMNS), "%.3f"))
    _downloads(frame, data, after, choice, layer)


def _quote_story(text: str, data: dict, after: dict, choice: dict) -> None:
    close = P.closing_quote(text, max(0, choice["start"] - 1))
    if close is None or close == 0:
        return
    quote = data["chars"].index('"') if '"' in data["chars"] else None
    if quote is None:
        return
    before, now = float(data["probs"][close - 1, quote]), float(after["probs"][close - 1, quote])
    st.metric(
        _("P('\"') just before the closing quote (after step {step})").format(step=close - 1),
        f"{now:.4f}",
        delta=_("{change:+.4f} (was {before:.4f})").format(change=now - before, before=before),
        delta_color="off",
    )


def _downloads(frame: pd.DataFrame, data: dict, after: dict, choice: dict, layer: int) -> None:
    d1, d2 = st.columns(2)
    d1.download_button(
        _("Download predictions before/after (CSV)"),
        data=frame.to_csv(index=False),
        file_name="lstm_predictions.csv",
        mime="text/csv",
        on_click="ignore",
    )
    d2.download_button(
        _("Download probabilities before/after (NPZ)"),
        data=lambda: reading.npz_bytes(
            probs=data["probs"],
            probs_after=after["probs"],
            chars=np.array(data["chars"]),
            ids=data["ids"],
            layer=layer,
            units=np.array(choice["units"]),
            mode=choice["mode"],
            value=choice["value"],
            start=choice["start"],
            c_after=after["c"],
            h_after=after["h"],
        ),
        file_name="lstm_predictions.npz",
        mime="application/octet-stream",
        on_click="ignore",
    )


def elmo_predictions(p) -> None:
    """Both LMs' top-5 guesses per word (`engine.models.elmo.Predictions`), shown literally in a table."""
    st.subheader(_("What the two language models predict"))
    st.caption(
        _(
            "ELMo is two language models: the forward one guesses the next word, the backward one the word before "
            "(softmax over the shipped vocabulary; </S> = end of sentence, <S> = start)."
        )
    )
    frame = pd.DataFrame(
        {
            _("word"): p.tokens,
            _("next (forward LM)"): [" · ".join(f"{w} {q:.2f}" for w, q in row) for row in p.next_words],
            _("p(actual next)"): np.exp(p.forward_logprob),
            _("previous (backward LM)"): [" · ".join(f"{w} {q:.2f}" for w, q in row) for row in p.previous_words],
            _("p(actual previous)"): np.exp(p.backward_logprob),
        }
    )
    show_table(frame, formats={_("p(actual next)"): "%.3f", _("p(actual previous)"): "%.3f"})
