"""figures.compare: built from real engine results, checked without Streamlit."""

import numpy as np
import pytest

from engine.compare import default_models, minimal_pair, word_view
from figures.compare import pair_heatmaps, sentence_rows, unit_bars


@pytest.fixture(scope="module")
def diff():
    return minimal_pair("I don't like the river.", "I don't like the money.", default_models())


def test_pair_heatmaps_say_zero_only_where_nothing_moved(diff):
    fig = pair_heatmaps(diff)
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert [len(t.y) for t in heatmaps] == [2, 5, 7]
    for trace, model in zip(heatmaps, diff.models, strict=True):
        z = np.asarray(trace.z)
        zero_text = np.array(trace.text) == "0"
        assert np.array_equal(zero_text, ~model.moved & ~np.isnan(z))
        assert list(trace.x) == diff.labels
    changed = [n for n, c in enumerate(diff.pairing.changed) if c]
    assert sorted({(s.x0 + s.x1) / 2 for s in fig.layout.shapes}) == changed


def test_sentence_rows_frame_the_chosen_word_and_the_strip_is_clickable(diff):
    view = word_view(diff.a, 1)
    fig = sentence_rows(view)
    strip, *heatmaps = fig.data
    assert strip.type == "scatter" and list(strip.x) == view.labels and len(heatmaps) == 4
    assert fig.layout.clickmode == "event+select"
    assert {(s.x0 + s.x1) / 2 for s in fig.layout.shapes} == {1}
    np.testing.assert_allclose(np.asarray(heatmaps[1].z)[:, 1], 1.0)  # ELMo: the word against itself
    bars = unit_bars(view)
    assert len(bars.data) == 2 and list(bars.data[0].x) == sorted(bars.data[0].x, reverse=True)


def test_colour_bars_show_only_their_ends_so_their_ticks_never_crowd_a_short_block(diff):
    """Issue 23: a block of 2 layer rows is ~50 px high; plotly's own 5-6 ticks overlapped at 20 px."""
    fig = pair_heatmaps(diff)
    for k, model in enumerate(diff.models, start=1):
        bar = fig.layout["coloraxis" if k == 1 else f"coloraxis{k}"].colorbar
        assert bar.tickmode == "array" and list(bar.tickvals) == [0.0, pytest.approx(np.nanmax(model.distance))]
        assert len(bar.ticktext) == 2
    rows = sentence_rows(word_view(diff.a, 1))
    assert list(rows.layout.coloraxis.colorbar.tickvals) == [-1.0, 0.0, 1.0]
    assert len(rows.layout.coloraxis2.colorbar.tickvals) == 2


def test_the_lesson_counts_words_from_one_and_titles_its_panels_in_a_few_words(diff):
    from lessons.three_models import words

    fig = pair_heatmaps(diff, words(diff), short_titles=True)
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert heatmaps[0].x[0] == "1:I" and len(heatmaps[0].x) == len(diff.labels)
    assert all(not label.startswith("0:") for label in heatmaps[0].x)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["char-LSTM: change of (h, c)", "ELMo: cosine distance", "MiniLM: cosine distance"]
    assert max(len(t) for t in titles) <= 30  # one short line at 20 px, never two titles run together
    with pytest.raises(ValueError, match="labels for"):
        pair_heatmaps(diff, ["1:I"])
