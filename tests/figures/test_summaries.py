"""Chart summaries state the chart's key number, checked against a direct computation."""

import numpy as np

from figures import summaries


def test_scores_sentence_names_the_best_layer_and_the_control():
    rows = [
        {"model": "ELMo", "layer": "layer 0", "1-NN accuracy": 0.48},
        {"model": "ELMo", "layer": "layer 1", "1-NN accuracy": 0.69},
        {"model": "ELMo", "layer": "layer 2", "1-NN accuracy": 0.75},
        {"model": "untrained ELMo", "layer": "layer 2", "1-NN accuracy": 0.50},
    ]
    sentence = summaries.scores(rows, "1-NN accuracy")
    assert sentence == "Layer 2 of ELMo separates the senses best: 1-NN accuracy 0.75, untrained control at most 0.50."


def test_scores_sentence_never_crowns_a_tie_or_a_layer_no_better_than_its_control():
    """Four sentences, every layer at 0.33 and the control at 0.33 too: the page said "Layer 0 separates the
    senses best" (the first of equal layers, and no better than untrained features). Same kind: a tie above the
    control is called a tie, counted with a plain loop."""
    flat = [{"model": "ELMo", "layer": f"layer {k}", "1-NN accuracy": 1 / 3} for k in range(3)]
    control = [{"model": "untrained ELMo", "layer": "layer 2", "1-NN accuracy": 1 / 3}]
    assert summaries.scores(flat + control, "1-NN accuracy") == (
        "No layer of ELMo separates the senses better than its untrained control: best 1-NN accuracy 0.33, "
        "control up to 0.33."
    )
    tied = [{"model": "ELMo", "layer": f"layer {k}", "1-NN accuracy": v} for k, v in enumerate([0.5, 0.75, 0.75])]
    count = sum(1 for row in tied if row["1-NN accuracy"] == max(r["1-NN accuracy"] for r in tied))
    assert summaries.scores(tied + control, "1-NN accuracy") == (
        f"{count} layers of ELMo tie for the best 1-NN accuracy: 0.75, untrained control at most 0.33."
    )
    assert summaries.scores(tied, "1-NN accuracy") == "2 layers of ELMo tie for the best 1-NN accuracy: 0.75."


def test_heads_and_attention_sentences_point_at_the_maximum():
    rng = np.random.default_rng(0)
    values = rng.random((6, 12))
    values[3, 7] = 2.0
    assert "layer 4, head 8" in summaries.heads(values, "previous")
    matrix = np.full((3, 3), 0.1)
    matrix[2, 0] = 0.8
    assert summaries.attention(matrix, ["0:a", "1:b", "2:c"], "Layer 1, head 1").endswith("0.80, goes from 2:c to 0:a.")
