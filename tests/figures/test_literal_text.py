"""Issue 13, kind 5: text the user typed reaches plotly literally (no HTML, no LaTeX, no template)."""

from __future__ import annotations

import numpy as np

from figures.attention import attention_heatmap
from figures.common import plotly_literal, plotly_text, token_labels
from figures.senses import layer_maps, scores_chart

TYPED = "I paid $5$ for <b>it</b> & %{x}"


def test_plotly_text_escapes_tags_entities_and_dollars():
    assert plotly_literal(TYPED) == "I paid &#36;5&#36; for &lt;b&gt;it&lt;/b&gt; &amp; %{x}"
    assert plotly_text(["<S>", "$x$"]) == ["&lt;S&gt;", "&#36;x&#36;"]


def test_sense_maps_never_put_user_text_into_html_or_templates():
    coords = np.arange(6, dtype=float).reshape(3, 2)
    fig = layer_maps([("layer 1", coords)], [TYPED, TYPED, "river"], ["a", "b", "c"], title="ELMo ($x$)")
    names = [t.name for t in fig.data]
    assert names == [plotly_literal(TYPED), "river"]
    assert all(TYPED not in t.hovertemplate and "%{fullData.name}" in t.hovertemplate for t in fig.data)
    assert fig.layout.title.text == "ELMo (&#36;x&#36;)"
    rows = [{"model": "my $model$ <i>", "layer": "layer 1", "1-NN accuracy": 0.5, "silhouette": None}]
    chart = scores_chart(rows, "1-NN accuracy", title="$t$")
    assert chart.data[0].name == "my &#36;model&#36; &lt;i&gt;" and "model" not in chart.data[0].hovertemplate
    assert chart.layout.title.text == "&#36;t&#36;"


def test_attention_tick_labels_are_literal():
    labels = token_labels(["$5$", "<b>", "a b"])
    fig = attention_heatmap(np.eye(3), labels, labels, title="t")
    assert list(fig.data[0].x) == ["0:&#36;5&#36;", "1:&lt;b&gt;", "2:a␣b"]
