"""The sections of the "Inside attention" page, and their cached engine calls.

One `open_layer` call per (text, layer, head) is cached; stepping through the stages is an
`st.fragment` over that cached result (buttons bound to the arrow keys): no step runs the model.
"""

from __future__ import annotations

import streamlit as st

from engine.analysis import inside_results as R  # the results only: torch loads when a model runs
from figures import inside as FI
from i18n import N_, _
from ui import cached, chart, inputs, run_count
from ui.feedback import friendly_errors
from ui.language import Later
from ui.literal import md

# The page's own default text (the shared one has no "bank"): the query "bank" meets both of its senses' neighbours.
DEFAULT_TEXT = 'He said "meet me at the bank" and I asked: the river bank, or the one with the money?'
DEFAULT_OFF_LAYER, DEFAULT_OFF_HEADS = 6, "6, 7, 11"  # each alone moves the bank score (README: inside attention)
DEFAULT_POSITIONS, DEFAULT_SWAP = 64, (1, 2)  # "Positions shown"; the words swapped


def _model():
    return cached._full_transformer("")  # the full MiniLM (weights), as cached.attention uses


# Each call below reads the default view's result from disk once the warm-up stored it (ui/first_views.py),
# with no torch; any other input is computed (and never stored).
@st.cache_data(show_spinner=Later(N_("Opening the layer…")), max_entries=16, ttl=cached.TTL)
def opened_layer(text: str, layer: int, head: int) -> R.OpenedLayer:
    return cached.through("inside_opened", text, layer, head)


def _opened_layer(text: str, layer: int, head: int) -> R.OpenedLayer:
    from engine.analysis import inside

    return inside.open_layer(_model(), text, layer, head)


@st.cache_data(show_spinner=Later(N_("Running with the heads switched off…")), max_entries=8, ttl=cached.TTL)
def heads_switched_off(text: str, layer: int, heads: tuple[int, ...]) -> R.HeadsOffResult:
    return cached.through("inside_heads_off", text, layer, heads)


def _heads_off(text: str, layer: int, heads: tuple[int, ...]) -> R.HeadsOffResult:
    from engine.analysis import ablation

    return ablation.switch_off(_model(), text, {layer: frozenset(heads)})


@st.cache_data(show_spinner=False, max_entries=4, ttl=cached.TTL)
def position_maps(count: int) -> R.PositionMaps:
    return cached.through("inside_positions", count)


def _position_maps(count: int) -> R.PositionMaps:
    from engine.analysis import positions

    return positions.position_maps(_model(), count)


@st.cache_data(show_spinner=Later(N_("Swapping the words…")), max_entries=8, ttl=cached.TTL)
def order_swap(text: str, first: int, second: int) -> R.OrderSwap:
    return cached.through("inside_order_swap", text, first, second)


def _order_swap(text: str, first: int, second: int) -> R.OrderSwap:
    from engine.analysis import positions

    return positions.order_swap(_model(), text, first, second)


STAGE_NAMES = (N_("scores"), N_("scaled"), N_("weighted sum"), N_("attention block"), N_("feed-forward"))  # FI.STAGES
default_query = R.default_query  # the first token spelled "bank", else the first after [CLS]


def _stage_buttons() -> int:
    if "stage" in st.session_state:
        st.session_state.stage = min(max(0, int(st.session_state.stage)), len(FI.STAGES) - 1)

    def move(delta: int) -> None:
        st.session_state.stage = min(max(0, int(st.session_state.get("stage", 0)) + delta), len(FI.STAGES) - 1)

    c1, c2, c3 = st.columns([1.5, 1.5, 3], vertical_alignment="bottom")  # "◀ stage ←" uncut on a projector
    c1.button(_("◀ stage"), key="back", on_click=move, args=(-1,), shortcut="left", help=_("Left arrow key"))
    c2.button(_("stage ▶"), key="forward", on_click=move, args=(1,), shortcut="right", help=_("Right arrow key"))
    with c3:
        return inputs.number(
            _("Stage"),
            key="stage",
            low=0,
            high=len(FI.STAGES) - 1,
            default=0,
            help=_("0 = the input x … 7 = the feed-forward block. The arrow keys step."),
        )


@st.fragment
def stages_section(opened: R.OpenedLayer, query: int) -> None:
    """The stages for one query token, drawn from the cached `opened` (held by reference): a step redraws
    only this section; the page and the model do not run again."""
    stage = _stage_buttons()
    name = FI.STAGES[stage]
    heading = _("Stage {stage} of {last}: {name}.").format(stage=stage, last=len(FI.STAGES) - 1, name=_(name))
    st.markdown(f"**{heading}** {md(FI.stage_sentence(opened, query, name))}")
    chart.show(FI.stage_figure(opened, query, name, play=True), key="stage_chart")
    st.caption(_("Stepping redraws only this section: the model does not run again."))
    run_count.marker()  # for the browser tests: stepping must not run the whole page again


def positions_section(text: str, words: int) -> None:
    st.subheader(_("Positions"))
    st.caption(
        _(
            "Attention reads all tokens at once, so order must be added: MiniLM learns one vector per position; "
            "the original Transformer used sines and cosines of different wavelengths. Both maps compare every "
            "pair of positions (1 = same direction, 0 = unrelated)."
        )
    )
    count = inputs.number(
        _("Positions shown"), key="positions", low=2, high=R.MAX_MAP_POSITIONS, default=DEFAULT_POSITIONS
    )
    chart.show(FI.position_maps(position_maps(count)), key="position_maps")
    if words < 2:
        st.info(_("Type at least two words to swap them."))
        return
    c1, c2 = st.columns(2)
    first = c1.number_input(_("Swap word"), 1, words, DEFAULT_SWAP[0], key="swap_a", bind="query-params")
    second = c2.number_input(_("with word"), 1, words, min(DEFAULT_SWAP[1], words), key="swap_b", bind="query-params")
    if first == second:
        st.info(_("Choose two different words to swap."))
        return
    swap = None
    with friendly_errors(_("swapping the words")):
        swap = order_swap(text, int(first), int(second))
    if swap is not None:
        st.caption(_("Swapped text: {text}").format(text=md(swap.swapped_text)))
        chart.show(
            FI.order_swap(swap),
            _(
                "Without position embeddings no word moved more than {without:.1e} (float rounding); "
                "with them, up to {with_:.3f}."
            ).format(without=swap.moved_without.max(), with_=swap.moved_with.max()),
            key="swap_chart",
        )


@st.fragment
def heads_off_section(text: str, num_layers: int, num_heads: int) -> None:
    st.subheader(_("Switch heads off"))
    st.caption(
        _(
            "The chosen heads' outputs are set to zero inside the forward pass, so every later layer sees the change. "
            "Michel et al. (2019) found many heads can go with little loss; here is what happens to your text, and to "
            "the senses page's bank score (1-NN at the last layer over its 32 preset sentences)."
        )
    )
    c1, c2 = st.columns([1, 3])
    with c1:
        layer = inputs.number(_("Layer"), key="off_layer", low=1, high=num_layers, default=DEFAULT_OFF_LAYER)
    with c2:
        chosen = st.text_input(
            _("Heads to switch off (1–{count}, commas)").format(count=num_heads),
            value=DEFAULT_OFF_HEADS,
            key="off_heads",
            bind="query-params",
        )
    heads, problem = parse_heads(chosen, num_heads)
    if problem:
        st.warning(problem)
    if not heads:
        return
    result = None
    with friendly_errors(_("switching the heads off")):
        result = heads_switched_off(text, layer, heads)
    if result is None:
        return
    m1, m2 = st.columns(2)
    m1.metric(_("Bank score, all heads"), f"{result.bank_before:.3f}")
    m2.metric(_("Bank score, heads off"), f"{result.bank_after:.3f}", f"{result.bank_after - result.bank_before:+.3f}")
    chart.show(
        FI.heads_off(result),
        _("The word that moved most: {word} (word {number}) (1 − cos = {distance:.4f}).").format(
            word=md(result.words[int(result.word_distance.argmax())]),
            number=int(result.word_distance.argmax()) + 1,
            distance=result.word_distance.max(),
        ),
        key="off_chart",
    )


def parse_heads(text: str, num_heads: int) -> tuple[tuple[int, ...], str | None]:
    """Head numbers from "1, 3, 5": (sorted unique heads, a message naming what was not used, or None)."""
    heads, bad = set(), []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= num_heads:
            heads.add(int(part))
        else:
            bad.append(part)
    if len(heads) > R.MAX_HEADS_OFF:
        return (), _("{count} heads chosen: switch off at most {limit} at once.").format(
            count=len(heads), limit=R.MAX_HEADS_OFF
        )
    problem = None
    if bad:
        problem = _("Not a head between 1 and {count}, not used: {bad}.").format(
            count=num_heads, bad=", ".join(map(repr, bad))
        )
    if not heads:
        problem = (
            (problem or "") + " " + _("Type head numbers between 1 and {count}, e.g. 6, 7, 11.").format(count=num_heads)
        )
    return tuple(sorted(heads)), problem


# the warm-up stores the default view's results through `cached.store` (ui/first_views.py)
cached.COMPUTE.update(
    inside_opened=_opened_layer,
    inside_heads_off=_heads_off,
    inside_positions=_position_maps,
    inside_order_swap=_order_swap,
)
