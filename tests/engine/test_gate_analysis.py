"""Gate analysis: saturation, unit orders, and a pattern search that finds a planted unit."""

import numpy as np
import torch
from torch import nn

from engine.analysis import gates as G
from engine.models.lstm import trace_gates


def test_pattern_search_finds_a_unit_planted_to_fire_inside_a_span():
    text = 'He said "meet me at the bank" and left. She said "not today" and stayed.'
    mask = G.mask_from_regex(text, [(k, k + 1) for k in range(len(text))], G.INSIDE_QUOTES)
    assert mask.sum() == len('"meet me at the bank"') + len('"not today"')
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 1, size=(len(text), 64))
    values[:, 37] = np.where(mask, 0.95, 0.05) + rng.normal(0, 0.02, len(text))  # the planted quote unit
    values[:, 5] = 0.9  # always on: not specific to the span
    scores = G.pattern_scores(values, mask, top=3)
    assert scores[0].unit == 37 and scores[0].inside > 0.9 and scores[0].outside < 0.1
    assert 5 not in [s.unit for s in scores]
    assert G.unit_order(values, "pattern", mask)[0] == 37
    assert G.pattern_scores(values, np.zeros(len(text), bool)) == []


def test_regex_marks_word_steps_by_their_character_spans():
    text = 'a "b c" d'
    spans = [(0, 0), (0, 1), (2, 3), (3, 4), (5, 6), (6, 7), (8, 9), (9, 9)]  # <S> a " b c " d </S>
    assert G.mask_from_regex(text, spans, G.INSIDE_QUOTES).tolist() == [0, 0, 1, 1, 1, 1, 0, 0]


def test_a_broken_regex_is_a_clear_input_error():
    import pytest

    from engine.validation import InputError

    with pytest.raises(InputError, match="not a valid regular expression"):
        G.mask_from_regex("a (b", [(0, 1)], "(")


def test_saturation_fractions_and_orders():
    gate = np.array([[0.05, 0.5, 0.95], [0.05, 0.5, 0.95], [0.95, 0.5, 0.95], [0.5, 0.5, 0.05]])
    left, right = G.saturation(gate)
    np.testing.assert_allclose(left, [0.5, 0.0, 0.25])
    np.testing.assert_allclose(right, [0.25, 0.0, 0.75])
    assert G.unit_order(gate, "saturation")[-1] == 1
    assert G.unit_order(gate, "variance")[0] in (0, 2)
    assert G.unit_order(gate, "mean")[0] == 2
    assert G.unit_order(gate, "text order").tolist() == [0, 1, 2]


def test_layer_view_ledger_adds_up_to_the_cell_state():
    torch.manual_seed(0)
    trace = trace_gates(nn.LSTM(3, 5, num_layers=2, bidirectional=True), torch.randn(7, 1, 3))
    trace.tokens = list("abcdefg")
    for direction in (0, 1):
        view = G.layer_view(trace, 1, direction)
        assert view.i.shape == (7, 5) and view.steps == 7
        np.testing.assert_allclose(view.kept + view.written, view.c, atol=1e-6)


def test_projected_layer_view_has_one_output_per_cell():
    """With a projection, the view's h is each cell's o ⊙ tanh(c); projecting it gives the layer's output."""
    torch.manual_seed(0)
    module = nn.LSTM(3, 6, num_layers=2, proj_size=2)
    trace = trace_gates(module, torch.randn(5, 1, 3))
    view = G.layer_view(trace, 1)
    assert view.h.shape == view.c.shape == (5, 6)
    np.testing.assert_allclose(view.projected_h, trace.h[1, 0, 0], atol=0)
    projection = module.weight_hr_l1.detach().numpy()  # [proj_size, hidden_size]
    np.testing.assert_allclose(view.h @ projection.T, view.projected_h, atol=1e-5)
    assert G.layer_view(trace_gates(nn.LSTM(3, 4), torch.randn(5, 1, 3)), 0).projected_h is None
