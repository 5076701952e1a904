"""The engine's names on the pages in Chinese, beyond the default views (issue 29d): unlabelled sentences on the
senses page (k-means colours, a PCA map), and the attention view's composed titles (words, special tokens
hidden, rows renormalized; the rollout). `tests/app/test_zh_pages.py` checks the default views."""

from __future__ import annotations

from functools import cache

import pytest

from tests.app.conftest import plotly_specs, run_page
from tests.app.test_zh_pages import english_left
from tests.app.zh_shown import figure_strings
from ui.literal import shown

SENSES = "pages/2_ELMo_senses.py"
ATTENTION = "pages/3_Transformer_attention.py"
# ten unlabelled sentences: fewer than UMAP's 15 points (a PCA map), no labels (k-means colours)
UNLABELLED = "\n".join(
    f"The {thing} is by the bank."
    for thing in ("boat", "bench", "cash", "loan", "dog", "tree", "safe", "duck", "fee", "mud")
)


@cache
def unlabelled(lang: str):
    params = {"lang": lang, "preset": "my own sentences", "word": "bank", "sentences": UNLABELLED, "compare": "false"}
    return run_page(SENSES, params=params)


def page_text(at) -> str:
    texts = [shown(str(el.value)) for kind in ("caption", "markdown", "info") for el in getattr(at, kind)]
    return "\n".join(texts + [s for spec in plotly_specs(at) for s in figure_strings(spec)])


def test_unlabelled_sentences_in_english_keep_the_engines_words():
    at = unlabelled("en")
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "no sense labels: colours are k-means clusters" in text
    assert "PCA of 10 points" in text and "cluster 1" in text


def test_unlabelled_sentences_in_chinese():
    at = unlabelled("zh")
    assert not at.exception, [e.value for e in at.exception]
    text = page_text(at)
    assert "没有词义标签：颜色是 k 均值聚类的簇" in text
    assert "10 个点的主成分分析（PCA" in text and "簇 1" in text
    left = [(source, words, text[:120]) for source, words, text in english_left(at, SENSES)]
    assert left == [], left[:6]


VIEWS = {  # URL values of the attention page -> the heatmap's title in Chinese
    "words, hidden, renormalized": (
        {"words": "true", "hide_special": "true", "renorm": "true"},
        "第 1 层，注意力头 3，按词合并，已隐藏特殊词元（各行已重新归一化）",
    ),
    "rollout": ({"mode": "rollout"}, "注意力展开，第 1–6 层"),
    "layer mean": ({"mode": "layer mean", "layer": "2"}, "第 2 层，12 个注意力头的平均"),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_attention_titles_on_the_page_in_chinese(view):
    params, title = VIEWS[view]
    at = run_page(ATTENTION, params={"lang": "zh", **params})
    assert not at.exception, [e.value for e in at.exception]
    titles = [spec.get("layout", {}).get("title", {}).get("text", "") for spec in plotly_specs(at)]
    assert title in titles, titles
    left = [(source, words, text[:120]) for source, words, text in english_left(at, ATTENTION)]
    assert left == [], left[:6]
