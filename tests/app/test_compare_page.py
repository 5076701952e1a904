"""The Compare page under AppTest: a minimal pair, a pair with two changed words, a pair of different
lengths, the chosen word updating every row, presets, bad input."""

import re

import numpy as np

from engine.compare import PRESETS
from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/4_Compare.py"
AGREEMENT = next(p for p in PRESETS if p.name.startswith("agreement"))
QUOTE = next(p for p in PRESETS if p.name.startswith("quote"))


def info(at) -> str:
    """The summary box as the reader sees it (the page escapes user text for Markdown)."""
    return re.sub(r"\\(.)", r"\1", at.info[0].value)


def charts(at):
    specs = plotly_specs(at)
    assert len(specs) == 3, "the pair's heatmaps, the chosen word's rows, the LSTM's units"
    return specs


def heatmaps(spec) -> list[dict]:
    return [trace for trace in spec["data"] if trace["type"] == "heatmap"]


def framed_columns(spec) -> list[float]:
    return sorted({(s["x0"] + s["x1"]) / 2 for s in spec["layout"].get("shapes", [])})


def test_minimal_pair_draws_every_model_with_its_exact_zeros():
    at = run_page(PAGE)  # the default pair: bank of the river / of the money
    assert not at.exception and not messages(at, "error")
    assert "one word differs" in info(at)
    pair, rows, units = charts(at)
    lstm, elmo, mini = heatmaps(pair)
    assert lstm["x"][7] == "7:river→money"
    assert elmo["y"] == ["L0 char-CNN", "L1 forward", "L1 backward", "L2 forward", "L2 backward"]
    z = array(elmo["z"])
    assert z.shape == (5, 9)
    assert np.all(z[[1, 3], :7] == 0) and np.all(z[[2, 4], :7] > 0)  # forward still, backward moves
    assert elmo["text"][1][:7] == ["0"] * 7
    assert np.all(array(lstm["z"])[:, :7] == 0) and np.all(array(mini["z"])[1:] > 0)
    assert framed_columns(pair) == [7.0]
    assert len(heatmaps(rows)) == 4 and len(units["data"]) == 2
    assert at.selectbox(key="word").value == "7:river"  # the changed word is chosen first
    csv = at.get("download_button")[0].proto
    assert "CSV" in csv.label


def test_choosing_another_word_updates_every_row():
    at = run_page(PAGE)
    before = [array(t["z"]) for t in heatmaps(charts(at)[1])]
    at.selectbox(key="word").set_value("4:bank").run()
    assert not at.exception
    rows = charts(at)[1]
    after = [array(t["z"]) for t in heatmaps(rows)]
    assert all(not np.allclose(b, a, equal_nan=True) for b, a in zip(before, after, strict=True))
    assert framed_columns(rows) == [4.0]
    assert all(np.allclose(z[:, 4], 1.0) for z in after[:3])  # every layer: the word is itself
    at.selectbox(key="head").set_value("head 3").run()
    titles = [a["text"] for a in charts(at)[1]["layout"]["annotations"]]
    assert any("attention (head 3)" in t for t in titles) and not at.exception


def test_a_pair_with_two_changed_words():
    at = run_page(PAGE, params={"a": AGREEMENT.a, "b": AGREEMENT.b})
    assert not at.exception and not messages(at, "error")
    assert "more than one word" in info(at)
    pair = charts(at)[0]
    assert framed_columns(pair) == [1.0, 5.0]  # key/keys and is/are
    assert heatmaps(pair)[0]["x"][1] == "1:key→keys"


def test_a_pair_of_different_lengths():
    at = run_page(PAGE, params={"a": QUOTE.a, "b": QUOTE.b})
    assert not at.exception and not messages(at, "error")
    assert "in length" in info(at) and "16 and 14 words" in info(at)
    lstm = heatmaps(charts(at)[0])[0]
    z = array(lstm["z"])
    assert z.shape == (2, 16)
    assert np.isnan(z[:, 2]).all() and lstm["text"][0][2] == "–"  # the quote mark has no partner
    assert np.isnan(z[:, 12]).all()  # nor the closing one
    after = z[:, 3:][~np.isnan(z[:, 3:])]
    assert np.all(z[:, :2] == 0) and np.all(after > 0)  # the LSTM remembers the open quote to the end


def test_presets_fill_both_sentences_and_bad_input_is_named():
    at = run_page(PAGE)
    trophy = next(b for b in at.sidebar.button if b.label.startswith("trophy"))
    trophy.click().run()
    assert at.text_area(key="a").value.endswith("too big.") and at.text_area(key="b").value.endswith("too small.")
    assert "‹big› → ‹small›" in info(at) and not at.exception
    at.text_area(key="b").input("   ").run()
    assert any("sentence B is empty" in m for m in messages(at, "error"))
    assert at.text_area(key="b").value == "   " and not at.exception


def test_user_text_is_shown_literally():
    at = run_page(PAGE, params={"a": "Pay 5 $ or *3* now.", "b": "Pay 5 _ or *3* now."})
    assert not at.exception
    assert "‹$› → ‹_›" in info(at)  # shown as typed...
    assert "‹\\$› → ‹\\_›" in at.info[0].value  # ...because each mark is escaped, never read as LaTeX/Markdown
    assert "“\\$”" in at.subheader[-1].value  # the chosen word, in a header


def test_each_chart_has_its_summary_and_projector_mode_redraws_the_figures():
    at = run_page(PAGE, params={"projector": "true"})
    assert not at.exception
    pair, rows, units = charts(at)
    lstm, elmo, mini = heatmaps(pair)
    moved = [int(np.count_nonzero(array(h["z"])[-1][[n for n in range(9) if n != 7]])) for h in (lstm, elmo, mini)]
    captions = [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]
    counts = f"char-LSTM {moved[0]}, ELMo {moved[1]}, MiniLM {moved[2]}"
    expected = f"Unchanged words whose last-layer vector moved, of 8: {counts}."
    assert expected in captions
    assert any(c.startswith("Closest to '7:river' in each model's last row:") for c in captions)
    assert any(c.startswith("The char-LSTM unit that changed most while it read '7:river':") for c in captions)
    for spec in (pair, rows, units):
        layout = spec["layout"]
        ticks = [layout[k]["tickfont"]["size"] for k in layout if re.fullmatch(r"[xy]axis\d*", k)]
        assert ticks and min(ticks) >= 20
    assert rows["layout"]["coloraxis2"]["colorscale"][0][1] == "rgb(247,251,255)"  # Blues in both modes (issue 23)
