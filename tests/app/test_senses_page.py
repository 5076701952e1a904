"""The ELMo senses page under AppTest: presets, maps per layer, scores, unlabelled input, bad input."""

import numpy as np
import pytest

from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/2_ELMo_senses.py"


def map_points(spec, panel: int) -> np.ndarray:
    """All points drawn in small-multiple `panel` (1-based), as [n, 2]."""
    axis = "x" if panel == 1 else f"x{panel}"
    traces = [t for t in spec["data"] if t.get("xaxis", "x") == axis and "customdata" in t]
    return np.concatenate([np.stack([array(t["x"]), array(t["y"])], axis=1) for t in traces])


@pytest.fixture(scope="module")
def bank():
    return run_page(PAGE, params={"compare": "false"}, timeout=300)


def test_preset_bank_draws_a_map_per_layer_and_the_scores(bank):
    assert not bank.exception
    specs = plotly_specs(bank)
    maps, scores = specs[0], specs[1]
    assert [a["text"] for a in maps["layout"]["annotations"]][:4] == [
        "layer 0 (char-CNN)", "layer 1", "layer 2", "mix 0.33/0.33/0.33",
    ]  # fmt: skip
    assert len(map_points(maps, 1)) == 32
    assert np.ptp(map_points(maps, 1)) == 0, "layer 0 collapses every occurrence to one point"
    assert np.ptp(map_points(maps, 3)) > 0
    assert {t["name"] for t in scores["data"]} == {"ELMo (this project's biLM)", "untrained ELMo (control)"}
    assert "32 occurrences of 'bank'" in bank.caption[0].value


def test_transformer_comparison_draws_its_maps_and_scores_after_elmo():
    at = run_page(PAGE, params={"compare": "true", "preset": "play", "word": "play", "map": "PCA"}, timeout=300)
    assert not at.exception and not messages(at, "error")
    elmo_maps, transformer_maps, elmo_scores, transformer_scores = plotly_specs(at)
    assert "ELMo" in elmo_maps["layout"]["title"]["text"] and len(map_points(elmo_maps, 3)) == 32
    assert [a["text"] for a in transformer_maps["layout"]["annotations"]][:4] == [
        "embeddings", "layer 2", "layer 4", "layer 6",
    ]  # fmt: skip
    assert len(map_points(transformer_maps, 4)) == 32 and np.ptp(map_points(transformer_maps, 4)) > 0
    assert {t["name"] for t in elmo_scores["data"]} == {"ELMo (this project's biLM)", "untrained ELMo (control)"}
    names = {t["name"] for t in transformer_scores["data"]}
    assert len(names) == 2 and any("untrained" in name for name in names)
    assert transformer_scores["data"][0]["x"][-1] == "layer 6"


def test_mix_weights_and_projection_come_from_the_url():
    at = run_page(PAGE, params={"compare": "false", "w0": "0.0", "w1": "0.0", "w2": "1.0", "map": "PCA"}, timeout=300)
    maps = plotly_specs(at)[0]
    assert maps["layout"]["annotations"][3]["text"] == "mix 0/0/1"
    np.testing.assert_allclose(map_points(maps, 4), map_points(maps, 3), atol=1e-6)  # the mix is layer 2
    assert any("PCA of 32 points" in c.value for c in at.caption)


def test_unlabelled_sentences_are_clustered_and_notes_name_lines():
    sentences = "\n".join(
        [
            "We walked along the bank of the river.",
            "The bank raised its interest rates.",
            "The Bank of England sets the rate.",
            "She sat on the grassy bank.",
            "I went to the shop.",
            "The bank of the river flooded.",
            "The bank raised its interest rates.",
        ]
    )
    at = run_page(
        PAGE, params={"compare": "false", "word": "bank", "sentences": sentences, "preset": "my own sentences"}
    )
    assert not at.exception
    notes = " ".join(messages(at, "warning") + messages(at, "info"))
    assert "line 5" in notes and "not contain 'bank'" in notes
    assert "duplicate" in notes and "7 (= 2)" in notes
    assert "capitalised differently in line 3" in notes  # "Bank" of England: used, and said so
    assert "5 occurrences" in at.caption[0].value and "k-means" in at.caption[0].value
    assert "PCA of 5 points" in " ".join(c.value for c in at.caption)
    assert len(plotly_specs(at)) == 1, "maps, but no scores without labels"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"sentences": "", "preset": "my own sentences"}, "empty"),
        ({"sentences": "The bank.\nA bank!", "preset": "my own sentences"}, "at least 3"),
        ({"word": "river bank"}, "not one word"),
        ({"sentences": "x bank\n" * 301, "preset": "my own sentences"}, "at most 300"),
        ({"elmo": "official files (folder)", "elmo_folder": "/no/such/elmo"}, "does not exist"),
    ],
)
def test_bad_input_gives_a_clear_error(params, expected):
    at = run_page(PAGE, params={"compare": "false", **params})
    assert not at.exception
    assert any(expected in e for e in messages(at, "error")), messages(at, "error")
    assert not plotly_specs(at)


def test_learn_the_mix_shows_learned_weights_beside_the_sliders_and_cv_accuracy():
    at = run_page(
        PAGE, params={"compare": "false", "map": "PCA", "learn_mix": "true", "w0": "1.0", "w1": "0.0"}, timeout=600
    )
    assert not at.exception and not messages(at, "error")
    weights, accuracy = plotly_specs(at)[-2:]
    learned, hand = (array(t["y"]) for t in weights["data"])
    np.testing.assert_allclose(learned.sum(), 1.0, rtol=1e-4)
    np.testing.assert_allclose(hand, [0.5, 0.0, 0.5])
    bars = accuracy["data"][0]
    assert list(bars["x"]) == ["layer 0 (char-CNN)", "layer 1", "layer 2", "learned mix"]
    values = array(bars["y"])
    assert values[0] <= 0.5 and values[1:].max() > 0.6  # layer 0 cannot tell senses apart
    assert any("stratified 8-fold" in c.value for c in at.caption)


def test_learn_the_mix_says_when_there_are_too_few_sentences():
    lines = [f"river\tWe sat on the bank of the river number {k}." for k in range(3)]
    lines += [f"money\tShe paid the bank the loan number {k}." for k in range(3)]
    params = {"compare": "false", "map": "PCA", "learn_mix": "true", "preset": "my own sentences"}
    at = run_page(PAGE, params={**params, "word": "bank", "sentences": "\n".join(lines)}, timeout=600)
    assert not at.exception and not messages(at, "error")
    assert any("6 labelled sentences" in w and "mean little" in w for w in messages(at, "warning"))
    assert any("leave-one-out" in c.value for c in at.caption)


def test_glove_is_the_fourth_model_one_point_its_neighbours_and_its_card_row(bank):
    """Issue 26: every occurrence of 'bank' is one GloVe point; its nearest GloVe words; the card's row."""
    from engine.models import glove

    text = " ".join(m.value for m in bank.markdown)
    assert "its 32 occurrences are 1 point on a map" in text
    expected = glove.load().neighbours("bank", 10)
    assert all(f"{w} ({s:.2f})" in text for w, s in expected[:3])
    tables = [t for t in bank.dataframe if "selectivity" in t.value.columns]
    assert len(tables) == 1
    row = tables[0].value.iloc[0]
    assert row["model"] == "GloVe 6B 50d (static)" and row["selectivity"] == pytest.approx(0.2958, abs=1e-4)


def test_a_word_outside_glove_gets_a_message_and_the_page_keeps_working():
    at = run_page(
        PAGE,
        params={
            "compare": "false",
            "preset": "my own sentences",
            "word": "zqxv",
            "sentences": "The zqxv sat here.\nA zqxv ran there.\nMy zqxv is old.\nHer zqxv is new.",
        },
    )
    assert not at.exception
    assert any("'zqxv' is not in GloVe's vocabulary" in m for m in messages(at, "info"))
