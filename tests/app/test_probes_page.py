"""The "What each layer knows" page under AppTest: the card's lines, the homograph view on a preset and on
the learner's own word/TAG lines, bad input kept and named (issue 26)."""

from tests.app.conftest import messages, plotly_specs, run_page

PAGE = "pages/5_What_each_layer_knows.py"


def test_default_view_draws_the_card_and_the_homograph_grid():
    at = run_page(PAGE)
    assert not at.exception and not messages(at, "error")
    specs = plotly_specs(at)
    assert len(specs) == 3, "ELMo's lines, MiniLM's lines, the homograph grid"
    elmo_lines = specs[0]
    names = {trace["name"] for trace in elmo_lines["data"]}
    assert "part of speech (trained)" in names and "part of speech: Peters et al. 2018 (theirs)" in names
    grid = specs[2]["data"][0]
    assert grid["type"] == "heatmap"
    assert len(grid["y"]) == 4 + 7 + 1  # ELMo 0, 1, 2, mix; MiniLM embeddings + 6; GloVe
    assert len(grid["x"]) == 6  # the book preset's six uses
    assert any("banks" in m or "nearest words" in m for m in [el.value for el in at.markdown])


def test_own_tagged_lines_are_scored_and_a_word_outside_glove_is_named():
    at = run_page(
        PAGE,
        params={
            "hpreset": "my own sentences",
            "hword": "qzxvbnk",
            "hlines": "The/DT qzxvbnk/NN barked/VBD ./.\nI/PRP qzxvbnk/VBP daily/RB ./.",
        },
    )
    assert not at.exception
    assert any("accuracy on your tags" in str(df.value.columns.tolist()) for df in at.dataframe)
    assert any("'qzxvbnk' is not in GloVe's vocabulary" in m for m in messages(at, "error"))


def test_bad_input_is_named_and_kept():
    text = "no such word in here"
    at = run_page(PAGE, params={"hpreset": "my own sentences", "hword": "book", "hlines": text})
    assert not at.exception
    assert any("No line uses 'book'" in m for m in messages(at, "error"))
    assert at.text_area(key="hlines").value == text
    assert len(plotly_specs(at)) == 2  # the card's charts still drawn
