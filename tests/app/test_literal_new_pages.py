"""User text is shown literally on the step page, the ELMo language-model page and the Compare page:
never as Markdown, LaTeX, HTML or an icon, in Streamlit's text (ui.literal.md) or in plotly's (plotly_text)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.app.conftest import plotly_specs, run_page

TYPED = "$5$ *a* <b> :material/home:"
RAW = ("$5$", "*a*", ":material/home:", "<b>")  # any of these unescaped would be read as markup


def shown_texts(at: AppTest) -> list[str]:
    """Every string Streamlit reads as Markdown on the page (labels and help included)."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric] + [str(b.label) for b in at.button]
    texts += [str(getattr(w, "help", "") or "") for w in [*at.button, *at.text_input, *at.selectbox]]
    return texts


def assert_literal(at: AppTest, must_show: bool = True) -> None:
    assert not at.exception
    texts = shown_texts(at)
    offenders = [t for t in texts if any(raw in t for raw in RAW)]
    assert not offenders, offenders
    drawn = json.dumps(plotly_specs(at), ensure_ascii=False)
    assert "$5$" not in drawn and "<b>" not in drawn and "<S>" not in drawn and "</S>" not in drawn
    if must_show:
        assert "&#36;" in drawn and "&lt;" in drawn, "the typed text is drawn, escaped"


def test_the_step_page_shows_the_text_literally():
    at = run_page("pages/1_LSTM_step_by_step.py", params={"text": f'He said "{TYPED}" twice.'})
    assert_literal(at)


def test_the_step_page_elmo_reader_shows_the_words_literally():
    at = run_page("pages/1_LSTM_step_by_step.py", params={"text": f"I paid {TYPED} at the bank", "reader": "ELMo"})
    assert_literal(at)


def test_the_language_model_page_shows_the_text_literally():
    params = {"blank": f"I paid {TYPED} into the ___", "check": ":material/home:", "sentence": f"I paid {TYPED} ."}
    at = run_page("pages/2_ELMo_language_model.py", params=params)
    assert_literal(at)


def test_the_compare_page_shows_the_sentences_literally():
    at = run_page("pages/4_Compare.py", params={"a": f"I paid {TYPED} at the bank .",
                                                "b": f"I paid {TYPED} at the river ."})  # fmt: skip
    assert_literal(at)


def test_the_learned_mix_warning_shows_the_sense_labels_literally():
    from ui.literal import shown

    lines = [f"$5$ *a*\tWe sat on the bank of the river number {k}." for k in range(3)]
    lines += [f":material/home:\tShe paid the bank the loan number {k}." for k in range(3)]
    params = {"compare": "false", "map": "PCA", "learn_mix": "true", "preset": "my own sentences", "word": "bank"}
    at = run_page("pages/2_ELMo_senses.py", params={**params, "sentences": "\n".join(lines)}, timeout=600)
    assert not at.exception
    warning = next(w.value for w in at.warning if "mean little" in w.value)
    assert not any(raw in warning for raw in RAW)
    assert "$5$ *a*: 3" in shown(warning) and ":material/home:: 3" in shown(warning)
