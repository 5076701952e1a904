"""Issue 13 on the pages (AppTest): white-space tokens, invisible characters, sdpa configs, slow
tokenizers, literal user text, and few-sentence maps and labels, each with the issue's input."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, messages, plotly_specs, run_page
from tests.app.test_senses_page import map_points
from tests.engine.test_sense_maps import RIVER
from tests.engine.test_typed_text import tiny_byte_level_gpt2, tiny_ctrl

ATTENTION, SENSES, LSTM = "pages/3_Transformer_attention.py", "pages/2_ELMo_senses.py", "pages/1_LSTM_gates.py"


def heatmap_labels(at: AppTest) -> list[str]:
    heatmap = [s for s in plotly_specs(at) if s["data"][0]["type"] == "heatmap" and "key" in str(s["layout"])][-1]
    return list(heatmap["data"][0]["x"])


def test_white_space_tokens_are_not_words_on_the_attention_page(tmp_path):
    folder = tiny_byte_level_gpt2(tmp_path)
    params = {"model": "local folder", "folder": str(folder), "words": "true"}
    at = run_page(ATTENTION, params={**params, "text": "the  bank"})
    assert not at.exception and not messages(at, "error")
    assert heatmap_labels(at) == ["0:the", "1:bank"]
    tokens = run_page(ATTENTION, params={**params, "words": "false", "text": "the\tbank\nriver"})
    assert "".join(label.split(":", 1)[1] for label in heatmap_labels(tokens)) == "the⇥bank↵river"


def test_a_slow_tokenizer_says_words_are_not_available(tmp_path):
    folder = tiny_ctrl(tmp_path)
    at = run_page(ATTENTION, params={"model": "local folder", "folder": str(folder), "words": "true",
                                      "text": "the bank of river"})  # fmt: skip
    assert not at.exception and not messages(at, "error")
    assert any("Word merging is not available" in m for m in messages(at, "info"))
    title = [s for s in plotly_specs(at) if s["data"][0]["type"] == "heatmap"][-1]["layout"]["title"]["text"]
    assert title.endswith("no word merging for this tokenizer)")


def test_a_combining_accent_is_one_word_and_one_step():
    at = run_page(ATTENTION, params={"words": "true", "text": "cafe\u0301 river bank"})
    assert heatmap_labels(at)[1] == "1:cafe\u0301"
    lstm = run_page(LSTM, params={"text": "co\u00adoperate", "model": "char-LSTM"})
    assert not lstm.exception and "9 steps" in lstm.caption[0].value
    elmo = run_page(LSTM, params={"text": "cafe\u0301 \u200b bank", "model": "ELMo forward"})
    assert not elmo.exception and "4 steps" in elmo.caption[0].value  # <S> café bank </S>


def test_three_sentences_of_one_sense_draw_maps_and_say_why_no_scores():
    at = run_page(SENSES, params={"preset": "my own sentences", "word": "bank", "sentences": RIVER,
                                  "compare": "false"})  # fmt: skip
    assert not at.exception and not messages(at, "error")
    caption = at.caption[0].value
    assert "k-means" not in caption and "no sense labels" not in caption and "one sense" in caption
    assert any("same sense label" in m for m in messages(at, "info"))
    maps = plotly_specs(at)[0]
    assert np.ptp(map_points(maps, 1)) == 0
    for panel in (2, 3, 4):
        assert np.abs(map_points(maps, panel)).max() > 1e-3, panel


@pytest.mark.parametrize("sentence", ["I paid $5$ at the bank .", "The *bank* :material/home: [x](y) <b>"])
def test_user_text_in_the_nearest_occurrences_header_is_literal(sentence):
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.switch_page(SENSES)
    text = f"a\t{sentence}\na\tThe bank was muddy .\nb\tMoney in the bank ."
    for key, value in {"preset": "my own sentences", "word": "bank", "sentences": text, "compare": "false"}.items():
        at.query_params[key] = value
    at.session_state["point"] = 0
    at.run()
    assert not at.exception
    from ui.literal import md, shown

    shown_sentences = [shown(m.value) for m in at.markdown if md(sentence) in m.value]
    assert shown_sentences == [f"*{sentence}* (a)"]
