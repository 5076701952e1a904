"""The step page's figure builders and the prediction numbers they draw, on synthetic inputs."""

import math

import numpy as np
import pytest

from engine.analysis import predictions as P
from figures import cell as FC
from figures import predictions as FP


def synthetic_cell(steps: int, units: int = 3) -> FC.CellSteps:
    rng = np.random.default_rng(0)
    tokens = [chr(97 + k % 26) for k in range(steps)]
    return FC.CellSteps(
        values=rng.normal(size=(steps, 7, units)).astype(np.float32),
        units=list(range(units)),
        tokens=tokens,
        guesses=[["a", "b", "c", "d", "e"]] * steps,
        guess_probs=np.tile([0.4, 0.3, 0.1, 0.1, 0.05], (steps, 1)),
        following=[*tokens[1:], ""],
    )


@pytest.mark.parametrize("steps, active", [(45, 0), (2000, 0), (2000, 1999), (2000, 950), (200, 199)])
def test_frame_window_is_capped_and_holds_the_step(steps, active):
    first, last = FC.frame_window(steps, active)
    assert first <= active < last and last - first == min(steps, FC.FRAME_CAP) and first >= 0 and last <= steps


def test_cell_view_of_a_2000_character_text_sends_at_most_the_cap():
    cell = synthetic_cell(2000)
    fig = FC.cell_view(cell, 1234)
    spec = fig.to_dict()  # what st.plotly_chart sends
    assert len(spec["frames"]) == FC.FRAME_CAP
    slider = spec["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["label"] == "1234"
    assert spec["layout"]["title"]["text"].startswith("step 1234 of 1999")
    size = len(fig.to_json())
    assert size < 1_000_000, f"{size} bytes"  # ~0.4 kB per frame for 3 units
    frame = next(f for f in spec["frames"] if f["name"] == "1300")
    np.testing.assert_allclose(frame["data"][0]["y"], cell.values[1300, [1, 2, 3, 4], 0], atol=1e-5)  # f, i, g, o
    np.testing.assert_allclose(frame["data"][1]["y"], cell.values[1300, [0, 5, 6], 0], atol=1e-5)  # c(t-1), c(t), h
    assert frame["layout"]["title"]["text"].startswith("step 1300 of 1999")


def test_cell_title_escapes_what_the_user_typed():
    cell = synthetic_cell(5)
    cell.tokens[2] = "<"
    assert "&lt;" in FC.cell_view(cell, 2).layout.title.text and "'<'" not in FC.cell_view(cell, 2).layout.title.text


def test_cell_guesses_show_vocabulary_words_literally():
    """ELMo guesses </S> and words of its vocabulary; plotly would read "<S>" as a tag and $...$ as LaTeX."""
    cell = synthetic_cell(5)
    cell.guesses = [["</S>", "$5$", "a&b", "<b>", "x"]] * 5
    text = FC.cell_view(cell, 1).to_dict()["data"][-1]["text"]
    assert text[:4] == ["'&lt;/S&gt;' 0.40", "'&#36;5&#36;' 0.30", "'a&amp;b' 0.10", "'&lt;b&gt;' 0.10"]


def test_next_step_table_against_a_plain_loop():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(6, 9))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    ids = rng.integers(0, 9, size=6)
    table = P.next_step_table(probs, ids, k=3)
    for t in range(5):
        p = probs[t, ids[t + 1]]
        assert table.actual_prob[t] == pytest.approx(p)
        assert table.surprisal[t] == pytest.approx(-math.log2(p))
        assert table.actual_rank[t] == 1 + sorted(probs[t], reverse=True).index(p)
        assert list(table.top_ids[t]) == sorted(range(9), key=lambda v: -probs[t, v])[:3]
    assert np.isnan(table.surprisal[-1]) and table.actual_rank[-1] == 0
    assert table.mean_surprisal == pytest.approx(np.mean([-math.log2(probs[t, ids[t + 1]]) for t in range(5)]))


def test_kl_bits_against_a_plain_sum():
    p = np.array([[0.5, 0.25, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4]])
    q = np.array([[0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]])
    expected = sum(a * math.log2(a / b) for a, b in zip(p[0], q[0], strict=True) if a > 0)
    np.testing.assert_allclose(P.kl_bits(p, q), [expected, 0.0], atol=1e-12)


def test_closing_quote():
    assert P.closing_quote('He said "hi" and "bye".') == 11
    assert P.closing_quote('He said "hi" and "bye".', start=12) == 21
    assert P.closing_quote("no quotes") is None


def test_before_after_figure_draws_both_lines_and_the_difference():
    before, after = np.array([1.0, 2.0, 3.0, np.nan]), np.array([1.0, 2.5, 2.0, np.nan])
    fig = FP.before_after(["0:a", "1:b", "2:c", "3:d"], before, after, np.array([0, 0.1, 0.2, 0]), 1, title="t")
    names = [trace.name for trace in fig.data]
    assert names == ["surprisal before", "surprisal after", "after − before (bits)", "KL(before ‖ after), bits"]
    np.testing.assert_allclose(fig.data[2].y[:3], [0.0, 0.5, -1.0])


def test_top_guesses_outlines_the_actual_next_token():
    fig = FP.top_guesses(
        ["0:a", "1:b", "2:c"], [["b", "x"], ["y", "c"], ["z", "q"]], np.array([[0.6, 0.2], [0.5, 0.3], [0.9, 0.1]]),
        np.array([1, 2, 0]), title="t",
    )  # fmt: skip
    assert list(fig.data[1].y) == ["guess 1", "guess 2"] and list(fig.data[1].x) == ["0:a", "1:b"]
