"""The model card's language-model section is what `engine.training.lm_card` writes from evaluation.json."""

import json

from engine.training import lm_card


def test_card_section_matches_the_recorded_scores():
    scores = json.loads(lm_card.EVALUATION.read_text())["language_model"]
    card = lm_card.CARD.read_text(encoding="utf-8")
    assert lm_card.section(scores) in card
    assert "corpus test split" in scores["source"]
    assert scores["trained"]["accuracy"]["average"] > 0.2 > scores["untrained"]["accuracy"]["average"]
    assert scores["trained"]["perplexity"]["average"] < 200 < 20_000 < scores["untrained"]["perplexity"]["average"]


def test_card_perplexity_table_agrees_with_the_one_pass_measurement():
    """Two measurements of the same split (training's `Elmo.perplexity`, lm_card's one pass) agree."""
    evaluation = json.loads(lm_card.EVALUATION.read_text())
    measured = evaluation["language_model"]["trained"]["perplexity"]
    recorded = evaluation["perplexity"]["test"]
    for key in ("forward", "backward", "average"):
        assert abs(measured[key] - recorded[key]) < 0.05, key
