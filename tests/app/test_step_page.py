"""The LSTM step-by-step page under AppTest: predictions, the cell view's frames, stepping, switching units off."""

import numpy as np
import pytest

from engine.analysis import predictions as P
from engine.models import charlstm
from engine.models.intervention import Intervention
from tests.app.conftest import array, messages, plotly_specs, run_page

PAGE = "pages/1_LSTM_step_by_step.py"
TEXT = 'He said, "I will go home now." Then she left.'  # 45 characters; quotes at 9 and 29


@pytest.fixture(scope="module")
def model():
    return charlstm.load_default()


def test_char_page_draws_predictions_cell_and_intervention(model):
    at = run_page(PAGE, params={"text": TEXT})
    assert not at.exception
    specs = plotly_specs(at)
    assert len(specs) == 4, "guesses, surprisal, cell, before/after"
    guesses, surprisal, cell, _ = specs
    trace = model.trace(TEXT)
    table = P.next_step_table(trace.probs, model.encode(TEXT).numpy())
    np.testing.assert_allclose(array(guesses["data"][0]["z"]).T, table.top_probs, atol=1e-5)
    np.testing.assert_allclose(array(surprisal["data"][0]["y"]), table.surprisal, atol=1e-4, equal_nan=True)
    assert f"mean {table.mean_surprisal:.2f} bits/char" in surprisal["layout"]["title"]["text"]
    # the cell view: one frame per step (45 < the cap), opened on the step where the model is surest of the
    # character that really came next (issue 23: step 0 showed empty bars)
    t = int(np.argmax(table.actual_prob[:-1]))
    assert t > 0 and table.actual_prob[t] == np.nanmax(table.actual_prob)
    assert len(cell["frames"]) == len(TEXT)
    assert cell["layout"]["title"]["text"].startswith(f"step {t} of 44 · reading {TEXT[t]!r}")
    assert any(c.value.startswith(f"Step {t} of 44") for c in at.caption)
    # developer text stays off the learner's screen: the page-run count is a hidden element for the browser tests
    assert not any("page runs" in c.value.lower() for c in at.caption)
    assert any('class="page-runs" style="display:none">1<' in el.proto.body for el in at.get("html"))
    table_columns = list(at.dataframe[-1].value.columns)
    assert "kl_bits" not in table_columns and "change (KL divergence, bits)" in table_columns


def test_cell_values_are_the_models_own(model):
    at = run_page(PAGE, params={"text": TEXT, "layer": "2", "cell_units": "7, 300", "step": "12"})
    assert not at.exception
    cell = plotly_specs(at)[2]
    assert cell["layout"]["title"]["text"].startswith("step 12 of 44")
    trace = model.trace(TEXT)
    # the values are sent rounded to 5 decimals
    gates = array(cell["data"][0]["y"])  # unit 7: f, i, g, o at step 12
    memory = array(cell["data"][1]["y"])  # unit 7: c(t-1), c(t), h
    np.testing.assert_allclose(gates, [trace.get(q)[1, 0, 0, 12, 7] for q in "figo"], atol=1e-5)
    np.testing.assert_allclose(memory, [trace.c[1, 0, 0, 11, 7], trace.c[1, 0, 0, 12, 7], trace.h[1, 0, 0, 12, 7]],
                               atol=1e-5)  # fmt: skip
    frame = next(f for f in cell["frames"] if f["name"] == "30")
    np.testing.assert_allclose(array(frame["data"][2]["y"]), [trace.get(q)[1, 0, 0, 30, 300] for q in "figo"],
                               atol=1e-5)  # fmt: skip


def test_step_buttons_move_the_step():
    at = run_page(PAGE, params={"text": TEXT, "step": "5"})
    at.button(key="forward").click().run()
    assert at.number_input(key="step").value == 6
    assert plotly_specs(at)[2]["layout"]["title"]["text"].startswith("step 6 of 44")
    at.button(key="back").click().run()
    at.button(key="back").click().run()
    assert at.number_input(key="step").value == 4


def test_switching_quote_units_off_changes_the_closing_quote(model):
    params = {"text": TEXT, "off_units": "3, 77, 200", "off_mode": "freeze h", "off_from": "10"}
    at = run_page(PAGE, params=params)
    assert not at.exception
    after = model.trace(TEXT, Intervention(0, (3, 77, 200), "freeze h", 10))
    before = model.trace(TEXT)
    quote = model.index['"']
    metric = at.metric[0]
    assert "closing quote (after step 28" in metric.label
    assert metric.value == f"{after.probs[28, quote]:.4f}"
    assert f"was {before.probs[28, quote]:.4f}" in metric.delta
    before_after = plotly_specs(at)[3]
    assert before_after["layout"]["title"]["text"].startswith("freeze h from step 10")
    kl = array(before_after["data"][3]["y"])
    np.testing.assert_allclose(kl, P.kl_bits(before.probs, after.probs), atol=1e-4)
    assert (kl[:10] == 0).all() and kl[10:].max() > 0


def test_bad_units_are_a_clear_warning_and_the_page_keeps_working():
    at = run_page(PAGE, params={"text": TEXT, "off_units": "3, 9999"})
    assert not at.exception
    assert any("units 0 to 511. Showing the default units" in w for w in messages(at, "warning")), messages(
        at, "warning"
    )
    assert len(plotly_specs(at)) == 4


def test_elmo_shows_both_lms_guesses():
    at = run_page(PAGE, params={"text": "The bank of the river flooded .", "reader": "ELMo"})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["word"]) == ["The", "bank", "of", "the", "river", "flooded", "."]
    assert table["next (forward LM)"].str.count("·").eq(4).all()
    cell = plotly_specs(at)[0]
    assert len(cell["frames"]) == 9  # <S>, 7 words, </S>
    assert "next word" in cell["layout"]["annotations"][2]["text"]


def test_too_long_text_is_refused_with_the_limit():
    at = run_page(PAGE, params={"text": "a" * 2_100})
    assert not at.exception
    assert any("at most 2,000" in e for e in messages(at, "error"))
    assert not plotly_specs(at)


def test_export_holds_predictions_before_and_after(model):
    import io

    from ui import reading

    ids = model.encode(TEXT).numpy()
    before, after = model.trace(TEXT), model.trace(TEXT, Intervention(0, (3, 77), "clamp c to 0", 10))
    table, after_table = P.next_step_table(before.probs, ids), P.next_step_table(after.probs, ids)
    kl = P.kl_bits(before.probs, after.probs)
    frame = reading.predictions_frame(list(TEXT), model.config.chars, table, {"table": after_table, "kl": kl})
    assert len(frame) == len(TEXT) and frame["char"].str.cat() == TEXT
    quote = model.index['"']
    assert frame.loc[28, "next"] == '"' and frame.loc[28, "p_next"] == pytest.approx(before.probs[28, quote])
    assert frame.loc[28, "p_next_after"] == pytest.approx(after.probs[28, quote])
    assert (frame.loc[:9, "kl_bits"] == 0).all() and frame.loc[10:, "kl_bits"].max() > 0
    saved = np.load(io.BytesIO(reading.npz_bytes(probs=before.probs, probs_after=after.probs, start=10)))
    assert np.array_equal(saved["probs_after"], after.probs) and int(saved["start"]) == 10
