"""Every figure builder and one-sentence summary in Chinese (issue 29): built under `i18n.use("zh")`, no English
word is left in what the figure shows (titles, axes, legends, hover, annotations, colour bars, buttons and
slider labels, frames), besides names kept in every language and the tokens the figure was given. The same
figures built in English do show English words, so the check can fail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import pytest

import i18n
from figures import (
    attention,
    cell,
    compare,
    inside,
    language_model,
    lessons,
    lstm,
    memory,
    overview,
    predictions,
    probes,
    senses,
    summaries,
    summaries_new_pages,
)
from figures.common import CJK_FONTS, FONT, base_layout
from tests.i18n_words import untranslated

TOKENS = ["the", "bank", "of", "the", "river", ".", "<S>"]
# formula and function names the charts keep in every language (as Chinese NLP courses write them)
FORMULAS = ["cos", "log", "gelu", "relu", "exp", "dim"]
TEXT_KEYS = {"text", "name", "hovertemplate", "hovertext", "label", "ticktext", "x", "y", "customdata"}
MARKUP = re.compile(r"<[^>]*>|%\{[^}]*\}|&[#\w]+;")


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.use("zh")
    yield
    i18n.use("en")


def shown_text(spec) -> list[str]:
    """Every string a figure shows: the values of TEXT_KEYS anywhere in its JSON (titles' and annotations'
    "text", trace names, hover templates, button and slider labels...), markup and plotly fields removed."""
    found: list[str] = []

    def walk(node, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "template":  # plotly's theme: colours and fonts, nothing a learner reads
                    walk(v, k)
        elif isinstance(node, (list, tuple, np.ndarray)):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in TEXT_KEYS:
            found.append(MARKUP.sub(" ", node))

    walk(spec.to_dict() if isinstance(spec, go.Figure) else spec)
    return found


def english_left(texts: list[str], allowed: list[str]) -> list[str]:
    return sorted({w for t in texts for w in untranslated(t, allowed=[*allowed, *FORMULAS])})


def opened_layer() -> SimpleNamespace:
    """An `engine.analysis.inside.OpenedLayer`'s fields, hand-made (T tokens, d = 8, 2 heads of 4)."""
    rng = np.random.default_rng(0)
    t, d, heads, d_head, d_ff = len(TOKENS), 8, 2, 4, 16
    weights = rng.random((t, t))
    return SimpleNamespace(
        model_name="MiniLM",
        tokens=TOKENS,
        shown_tokens=TOKENS,
        special_mask=np.zeros(t, bool),
        layer=1,
        head=2,
        num_layers=6,
        num_heads=heads,
        d_head=d_head,
        scale=2.0,
        norm_order="post-LN",
        activation="gelu",
        x=rng.normal(size=(t, d)),
        q=rng.normal(size=(t, d_head)),
        v=rng.normal(size=(t, d_head)),
        scores=rng.normal(size=(t, t)),
        scaled=rng.normal(size=(t, t)),
        mask=None,
        weights=weights / weights.sum(1, keepdims=True),
        head_output=rng.normal(size=(t, d_head)),
        all_heads=rng.normal(size=(t, d)),
        projected=rng.normal(size=(t, d)),
        attention_norm=rng.normal(size=(t, d)),
        ffn_activation=rng.normal(size=(t, d_ff)),
        layer_output=rng.normal(size=(t, d)),
    )


def pair_diff() -> SimpleNamespace:
    """An `engine.compare.PairDiff`'s fields as the figures read them (4 aligned words, the 3rd changed)."""
    rng = np.random.default_rng(1)
    from engine.compare.pair import UNITS

    def model(name: str, layers: list[str]) -> SimpleNamespace:
        distance = rng.random((len(layers), 4))
        return SimpleNamespace(model=name, layers=layers, distance=distance, moved=distance > 0.3, unit=UNITS[name])

    models = [
        model("char-LSTM", ["L1", "L2"]),
        model("ELMo", ["L0 char-CNN", "L1 forward", "L1 backward", "L2 forward", "L2 backward"]),
        model("MiniLM", ["embeddings", *(f"layer {k}" for k in range(1, 7))]),
    ]
    return SimpleNamespace(
        models=models,
        labels=["0:I", "1:like", "2:river→money", "3:."],
        pairing=SimpleNamespace(changed=[False, False, True, False]),
    )


def word_view() -> SimpleNamespace:
    """An `engine.compare.WordView`'s fields (4 words, the 2nd chosen)."""
    rng = np.random.default_rng(2)
    groups = [
        SimpleNamespace(
            model="char-LSTM", layers=["L1", "L2"], values=rng.random((2, 4)), what="cosine similarity of h"
        ),
        SimpleNamespace(
            model="ELMo", layers=["L0 char-CNN", "L1 forward"], values=rng.random((2, 4)), what="cosine similarity"
        ),
        SimpleNamespace(
            model="MiniLM attention",
            layers=["L1", "L2"],
            values=rng.random((2, 4)),
            what="attention (mean of the heads)",
        ),
    ]
    units = SimpleNamespace(
        units=np.array([[3, 7], [1, 2]]),
        change=rng.random((2, 2)),
        c_before=rng.random((2, 2)),
        c_after=rng.random((2, 2)),
        h_before=rng.random((2, 2)),
        h_after=rng.random((2, 2)),
    )
    return SimpleNamespace(groups=groups, labels=["0:I", "1:like", "2:the", "3:river"], word=1, units=units)


def gate_view(steps: int = 6, units: int = 3) -> SimpleNamespace:
    rng = np.random.default_rng(3)
    arrays = {q: rng.random((steps, units)) for q in "fiogch"}
    view = SimpleNamespace(**arrays, kept=rng.normal(size=(steps, units)), written=rng.normal(size=(steps, units)))
    view.get = lambda q: arrays[q]
    view.tokens = TOKENS[:steps]
    return view


def probe_card() -> dict:
    layers = ["layer 0 (char-CNN)", "layer 1", "layer 2", "mix (average)"]
    row = {"pos": 0.9, "control": 0.5, "sense_1nn": 0.7, "ambiguous": 0.6, "selectivity": 0.4}
    return {
        "models": [
            {"key": "glove", "model": "GloVe 6B 50d (static)", "layers": [{"layer": "static", **row}]},
            {"key": "elmo", "model": "ELMo (this project's biLM)", "layers": [{"layer": n, **row} for n in layers]},
            {
                "key": "elmo_control",
                "model": "untrained ELMo (control)",
                "layers": [{"layer": n, **row} for n in layers],
            },
        ],
        "papers": [
            {"source": "Peters et al. 2018, Table 6 (PTB, their 2-layer biLM)", "layer": "layer 1", "pos": 0.97},
            {"source": "Peters et al. 2018, Table 5 (SemCor WSD F1)", "layer": "layer 1", "sense": 0.67},
        ],
    }


def every_figure() -> list[tuple[str, Callable[[], object]]]:
    """(name, builder) for every figure builder's default output, on hand-made inputs of the right shapes."""
    rng = np.random.default_rng(4)
    labels = [f"{k}:{t}" for k, t in enumerate(TOKENS)]
    steps = len(TOKENS)
    opened = opened_layer()
    chars = list("the bank")  # the char-LSTM's steps
    cell_steps = cell.CellSteps(
        values=rng.normal(size=(len(chars), 7, 2)),
        units=[0, 5],
        tokens=chars,
        guesses=[chars[:3]] * len(chars),
        guess_probs=np.tile([0.5, 0.3, 0.2], (len(chars), 1)),
        following=[*chars[1:], ""],
    )
    guesses = [("bank", 0.4), ("river", 0.2)]
    blank = SimpleNamespace(forward=guesses, backward=guesses, combined=guesses)
    words = SimpleNamespace(
        tokens=TOKENS,
        forward_prob=rng.random(steps),
        backward_prob=rng.random(steps),
        forward_rank=np.arange(1, steps + 1),
        backward_rank=np.arange(1, steps + 1),
    )
    fit = SimpleNamespace(
        layer_accuracy=np.array([0.5, 0.9, 0.6]), cv_accuracy=0.92, chance=0.5, scheme="leave-one-out"
    )
    influence = {"plain RNN": rng.random(steps), "LSTM": rng.random(steps)}
    reading = SimpleNamespace(
        model="ELMo (this project's biLM)",
        layer="layer 1",
        noun_share=rng.random(3),
        verb_share=rng.random(3),
        tags=["NN", "VB", "NN"],
    )
    layer_names = ["layer 0 (char-CNN)", "layer 1", "layer 2"]
    saturation = [{g: (rng.random(4), rng.random(4)) for g in "ifo"} for _ in layer_names]
    sense_rows = [
        {"model": m, "layer": n, "1-NN accuracy": 0.6}
        for m in ("ELMo", "untrained ELMo (control)")
        for n in layer_names
    ]
    figures = [
        ("heads_grid", lambda: attention.heads_grid(rng.random((6, 12)), "entropy", selected=(1, 2))),
        (
            "attention_heatmap",
            lambda: attention.attention_heatmap(
                rng.random((steps, steps)), labels, labels, title="weight", causal=True
            ),
        ),
        ("cell_view", lambda: cell.cell_view(cell_steps, 2)),
        ("pair_heatmaps", lambda: compare.pair_heatmaps(pair_diff())),
        ("pair_heatmaps short", lambda: compare.pair_heatmaps(pair_diff(), short_titles=True)),
        ("sentence_rows", lambda: compare.sentence_rows(word_view())),
        ("unit_bars", lambda: compare.unit_bars(word_view())),
        *((f"stage {s}", lambda s=s: inside.stage_figure(opened, 1, s, play=True)) for s in inside.STAGES),
        (
            "position_maps",
            lambda: inside.position_maps(
                SimpleNamespace(learned=rng.random((5, 5)), sinusoidal=rng.random((5, 5)), d=8)
            ),
        ),
        (
            "order_swap",
            lambda: inside.order_swap(
                SimpleNamespace(
                    words=TOKENS, first=2, second=5, moved_with=rng.random(steps), moved_without=rng.random(steps)
                )
            ),
        ),
        (
            "heads_off",
            lambda: inside.heads_off(
                SimpleNamespace(words=TOKENS, word_distance=rng.random(steps), heads_off={6: frozenset({2, 3})})
            ),
        ),
        (
            "heads_off none",
            lambda: inside.heads_off(SimpleNamespace(words=TOKENS, word_distance=rng.random(steps), heads_off={})),
        ),
        ("blank_bars", lambda: language_model.blank_bars(blank)),
        ("word_probabilities", lambda: language_model.word_probabilities(words)),
        ("mix_weights", lambda: language_model.mix_weights([0.2, 0.5, 0.3], [1 / 3] * 3, layer_names)),
        ("mix_accuracy", lambda: language_model.mix_accuracy(fit, layer_names)),
        (
            "step_profile",
            lambda: lessons.step_profile(
                labels,
                {"forget gate f": rng.random(steps), "input gate i": rng.random(steps)},
                title="surprisal",
                y_title="value",
                marked=2,
            ),
        ),
        (
            "mark_spans",
            lambda: lessons.mark_spans(
                lessons.step_profile(labels, {"output h": rng.random(steps)}, title="gate", y_title="state"),
                [False, True, True, False, False, False, False],
                label="mix",
            ),
        ),
        (
            "category_bars",
            lambda: lessons.category_bars(TOKENS[:3], [0.1, 0.2, 0.3], title="probability", y_title="weight"),
        ),
        (
            "gates_heatmap",
            lambda: lstm.gates_heatmap(
                rng.random((steps, 3)), labels, [0, 1, 2], "f", title="forget gate f", marked=[True] + [False] * 6
            ),
        ),
        ("unit_lines", lambda: lstm.unit_lines(gate_view(steps), 1, labels, marked=[True] + [False] * 6)),
        ("ledger", lambda: lstm.ledger(gate_view(steps), 1, labels)),
        ("saturation_scatter", lambda: lstm.saturation_scatter(saturation, layer_names)),
        ("connectivity_strip", lambda: memory.connectivity_strip(TOKENS, influence, "x")),
        ("influence_by_distance", lambda: memory.influence_by_distance(influence)),
        (
            "gradient_paths",
            lambda: memory.gradient_paths(rng.random(steps), "unit 3 (layer 1)", rng.random(steps), rng.random(steps)),
        ),
        (
            "memory_curve",
            lambda: memory.memory_curve(
                [5, 50], {"plain RNN": rng.random((2, 3)), "LSTM": rng.random((2, 3))}, rng.random((2, 3))
            ),
        ),
        (
            "surprisal_pair",
            lambda: memory.surprisal_pair(TOKENS, {"plain RNN": rng.random(steps - 1), "LSTM": rng.random(steps - 1)}),
        ),
        (
            "top_guesses",
            lambda: predictions.top_guesses(
                labels,
                [TOKENS[:3]] * steps,
                np.tile([0.5, 0.3, 0.2], (steps, 1)),
                np.array([1, 2, 0, 3, 1, 1, 0]),
                title="surprisal",
            ),
        ),
        ("surprisal_line", lambda: predictions.surprisal_line(labels, rng.random(steps), TOKENS)),
        (
            "before_after",
            lambda: predictions.before_after(
                labels, rng.random(steps), rng.random(steps), rng.random(steps), 2, title="surprisal"
            ),
        ),
        (
            "layer_chart",
            lambda: probes.layer_chart(
                probe_card(), "elmo", ("pos", "control", "sense_1nn", "ambiguous", "selectivity")
            ),
        ),
        ("homograph_chart", lambda: probes.homograph_chart([reading], ["1: a book", "2: to book", "3: books"])),
        (
            "layer_maps",
            lambda: senses.layer_maps(
                [(n, rng.random((4, 2))) for n in layer_names],
                list("aabb"),
                ["one", "two", "three", "four"],
                selected=1,
            ),
        ),
        ("scores_chart", lambda: senses.scores_chart(sense_rows, "1-NN accuracy", title="cosine similarity")),
    ]
    return figures


def every_summary() -> list[tuple[str, Callable[[], str]]]:
    rng = np.random.default_rng(5)
    view = gate_view()
    labels = [f"{k}:{t}" for k, t in enumerate(TOKENS)]
    rows = [
        {"model": m, "layer": n, "1-NN accuracy": v}
        for m, v in (("ELMo", 0.8), ("untrained ELMo (control)", 0.5))
        for n in ("layer 1", "layer 2")
    ]
    fit = SimpleNamespace(layer_accuracy=np.array([0.5, 0.9]), cv_accuracy=0.92, chance=0.5)
    guesses = [("bank", 0.4)]
    words = SimpleNamespace(tokens=TOKENS, forward_prob=rng.random(7), backward_prob=rng.random(7))
    return [
        ("gates", lambda: summaries.gates(rng.random((6, 3)), "forget gate f", 1)),
        ("unit", lambda: summaries.unit(view, 1)),
        ("ledger", lambda: summaries.ledger(view, 1)),
        (
            "saturation",
            lambda: summaries.saturation([{"f": (rng.random(4), rng.random(4))}] * 2, ["layer 1", "layer 2"]),
        ),
        ("maps", lambda: summaries.maps([("layer 1", None), ("layer 2", None)], ["river", "money", "river"])),
        ("scores", lambda: summaries.scores(rows, "1-NN accuracy")),
        ("scores none", lambda: summaries.scores([], "1-NN accuracy")),
        ("heads", lambda: summaries.heads(rng.random((6, 12)), "entropy")),
        ("attention", lambda: summaries.attention(rng.random((7, 7)), labels, "layer 2, head 3")),
        ("top_guesses", lambda: summaries_new_pages.top_guesses(labels, np.array([1, 2, 0, 3, 1, 1, 0]))),
        ("surprisal", lambda: summaries_new_pages.surprisal(labels, rng.random(7))),
        ("surprisal none", lambda: summaries_new_pages.surprisal(labels, np.full(7, np.nan))),
        ("cell_step", lambda: summaries_new_pages.cell_step(rng.random((7, 7, 2)), [0, 5], TOKENS, 2)),
        ("before_after", lambda: summaries_new_pages.before_after(labels, *rng.random((3, 7)))),
        (
            "blank",
            lambda: summaries_new_pages.blank(SimpleNamespace(forward=guesses, backward=guesses, combined=guesses), 3),
        ),
        ("word_probabilities", lambda: summaries_new_pages.word_probabilities(words)),
        (
            "pair",
            lambda: summaries_new_pages.pair(
                SimpleNamespace(
                    pairing=SimpleNamespace(changed=[False, True]),
                    models=[SimpleNamespace(model="ELMo", moved=np.array([[True, True]]))],
                )
            ),
        ),
        ("sentence_rows", lambda: summaries_new_pages.sentence_rows(word_view())),
        ("unit_bars", lambda: summaries_new_pages.unit_bars(word_view())),
        ("mix_weights", lambda: summaries_new_pages.mix_weights([0.2, 0.8], ["layer 1", "layer 2"])),
        ("mix_accuracy", lambda: summaries_new_pages.mix_accuracy(fit, ["layer 1", "layer 2"])),
    ]


FIGURES = every_figure()
SUMMARIES = every_summary()


@pytest.mark.parametrize("name, build", FIGURES, ids=[n for n, _ in FIGURES])
def test_every_figure_is_chinese_under_zh(zh, name, build):
    texts = shown_text(build())
    allowed = [*TOKENS, "river", "money", "like", "I", "one", "two", "three", "four", "to", "books", "book", "a"]
    allowed += [part for w in ("the", "bank") for k in range(1, len(w)) for part in (w[:k], w[k:])]  # "th[e]␣ba"
    assert english_left(texts, [*allowed, "entropy"]) == []
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts), f"{name}: no Chinese at all"


@pytest.mark.parametrize("name, build", SUMMARIES, ids=[n for n, _ in SUMMARIES])
def test_every_summary_is_chinese_under_zh(zh, name, build):
    sentence = build()
    assert english_left([sentence], [*TOKENS, "river", "money", "like", "entropy"]) == []
    assert re.search(r"[\u4e00-\u9fff]", sentence), sentence


def test_the_same_figures_in_english_show_english_words():
    """The check above can fail: built in English (the default), the figures and summaries are full of it."""
    left = {name: english_left(shown_text(build()), TOKENS) for name, build in FIGURES}
    assert all(left.values()), [name for name, words in left.items() if not words]
    assert all(english_left([build()], TOKENS) for _, build in SUMMARIES)


def test_english_is_unchanged_by_the_wrapping():
    """Wrapped strings read as before in English (a few, checked word for word)."""
    cell_fig = FIGURES[[n for n, _ in FIGURES].index("cell_view")][1]()
    assert cell_fig.layout.title.text.startswith("step 2 of 7 · reading 'e' · next character really: '␣'")
    assert [b.label for b in cell_fig.layout.updatemenus[0].buttons] == ["▶ play", "❚❚ pause"]
    assert summaries.heads(np.arange(6.0).reshape(2, 3), "entropy") == (
        "All 6 heads coloured by entropy: from 0.00 to 5.00, highest in layer 2, head 3."
    )


def test_the_home_diagram_is_translated_and_keeps_its_formulas_and_tokens(zh):
    svg = overview.translated()
    assert "门决定遗忘什么、写入什么、输出什么" in svg and "Attention(Q, K, V)" in svg and ">river</text>" in svg
    assert CJK_FONTS in svg.split(">", 1)[0]
    texts = [m.group(2) for m in overview.TEXT_NODE.finditer(svg)]
    assert english_left(texts, ["the", "bank", "of", "river", "We", "sat", "on", "I", "paid", "Attention"]) == []


def test_the_home_diagram_in_english_is_the_file_as_it_is_but_for_its_fonts():
    svg = overview.translated()
    assert svg.replace(", " + CJK_FONTS, "") == overview.OVERVIEW.read_text(encoding="utf-8")


def test_figures_name_a_cjk_font_the_browser_has():
    """Plotly's font list: Latin in Source Sans Pro, Chinese in Noto Sans CJK SC (Debian's fonts-noto-cjk)."""
    assert "Noto Sans CJK SC" in FONT["family"] and FONT["family"].endswith("sans-serif")
    assert "Noto Sans CJK SC" in base_layout(go.Figure()).layout.font.family


def test_projector_keeps_a_two_line_title_on_screen():
    """Plotly anchors a title's first line at its `pad`: a two-line title (the cell view's step and context) was
    cut at the top in projector mode; its pad now makes room for the second line."""
    from figures.common import PROJECTOR_FONT_PX, projector

    fig = projector(every_figure()[[n for n, _ in FIGURES].index("cell_view")][1]())
    assert fig.layout.title.text.count("<br>") == 1
    assert fig.layout.title.pad.t == 8 + PROJECTOR_FONT_PX + 4
    one_line = projector(lessons.step_profile(["0:a", "1:b"], {"x": [1, 2], "y": [2, 1]}, title="t", y_title="v"))
    assert one_line.layout.title.pad.t == 8


def test_engine_names_are_translated_by_pattern_and_tokens_never(zh):
    from figures.common import label

    shown = [
        label(n) for n in ("ELMo layer 2", "layer 0 (char-CNN)", "L2 backward", "unit 3 (layer 1)", "mix (average)")
    ]
    assert shown == ["ELMo 第 2 层", "第 0 层（字符卷积网络）", "L2 后向", "单元 3（第 1 层）", "混合（平均）"]
    assert [label(t) for t in ("bank", "the river", "<S>")] == ["bank", "the river", "<S>"]  # not in the catalogue
