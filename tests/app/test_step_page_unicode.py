"""The LSTM step-by-step page steps over `engine.text.steps`: a character with its combining accent, or a
soft hyphen, is ONE step, labelled as typed (before, the page counted Python characters and crashed)."""

import numpy as np

from engine.analysis import predictions as P
from engine.models import charlstm
from engine.text import steps
from tests.app.conftest import array, plotly_specs, run_page

PAGE = "pages/1_LSTM_step_by_step.py"
TEXT = 'cafe\u0301 "co\u00adop" bank'  # 18 characters, 16 steps: "e" + U+0301 and "o" + U+00AD are one step each
STEPS = [s.text for s in steps(TEXT)]


def test_steps_of_the_text():
    assert len(TEXT) == 18 and len(STEPS) == 16
    assert STEPS[3] == "e\u0301" and STEPS[7] == "o\u00ad" and "".join(STEPS) == TEXT


def test_combining_marks_and_soft_hyphens_are_one_step_each():
    model = charlstm.load_default()
    at = run_page(PAGE, params={"text": TEXT, "step": "3"})
    assert not at.exception
    _guesses, surprisal, cell, before_after = plotly_specs(at)
    table = P.next_step_table(model.trace(TEXT).probs, model.encode(TEXT).numpy())
    np.testing.assert_allclose(array(surprisal["data"][0]["y"]), table.surprisal, atol=1e-4, equal_nan=True)
    assert len(cell["frames"]) == len(STEPS) == len(array(surprisal["data"][0]["y"]))
    assert cell["layout"]["title"]["text"].startswith("step 3 of 15")
    assert "e\u0301" in cell["layout"]["title"]["text"], "step 3 is named as typed: e with its accent"
    assert len(array(before_after["data"][0]["y"])) == len(STEPS)
    # switching off starts after the opening quote: step 6 (character 7), the first step inside the quotes
    assert at.number_input(key="off_from").value == 6
    shown = at.dataframe[0].value
    assert set(shown["step"]) <= set(range(len(STEPS)))
    assert all(c.value.find("of 15 steps") >= 0 for c in at.caption if "first guess was right" in c.value)
