"""The ELMo language model page under AppTest: fill the blank, each word's guesses, the official ELMo
(no softmax: no predictions), and the fetch control against a local HTTP server."""

import socket

import numpy as np
import pytest

from engine.analysis import language_model as lm
from engine.models.elmo import load_default
from engine.models.elmo import official as O
from engine.text import tokenize
from tests.app.conftest import array, messages, plotly_specs, run_page
from tests.engine.test_elmo_fetch import Server, model_bytes

PAGE = "pages/2_ELMo_language_model.py"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(O.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def bars(spec, panel: int) -> tuple[list[str], np.ndarray]:
    trace = spec["data"][panel]
    return [y.split(". ", 1)[1] for y in trace["y"]], array(trace["x"])


@pytest.mark.parametrize("sentence", ["I have not seen him for a long ___ .", "I sat on the ___ of the river"])
def test_fill_the_blank_draws_what_the_engine_computes(cache, sentence):
    at = run_page(PAGE, params={"blank": sentence, "k": "5", "check": "bank"})
    assert not at.exception and not messages(at, "error")
    expected = lm.fill_blank(load_default(), tokenize(sentence), k=5)
    blank = plotly_specs(at)[0]
    for panel, guesses in enumerate((expected.forward, expected.backward, expected.combined)):
        words, probs = bars(blank, panel)
        assert words == [w for w, _ in guesses]
        np.testing.assert_allclose(probs, [p for _, p in guesses], rtol=1e-5)
    assert any("never trains" in m for m in messages(at, "info"))
    assert [m.label for m in at.metric] == [
        "Perplexity, forward LM",
        "Perplexity, backward LM",
        "Average of the two",
    ]  # fmt: skip (every word known: comparable)
    check = at.dataframe[0].value  # "bank" in the blank: its probability and rank under each LM
    ranks = lm.word_in_blank(load_default(), expected, "bank")
    assert list(check["language model"]) == list(ranks) and list(check["rank"]) == [rank for _, rank in ranks.values()]
    table = at.dataframe[1].value
    assert list(table["word"]) == tokenize("I sat on the bank of the river .")


def test_a_sentence_without_a_blank_is_a_clear_message_and_the_rest_still_runs(cache):
    at = run_page(PAGE, params={"blank": "no blank here"})
    assert not at.exception
    assert [m for m in messages(at, "error") if "blank" in m] == [
        "Write the sentence with exactly one blank, three underscores ___ (found none), e.g. 'I sat on the ___ of "
        "the river'."
    ]
    assert at.dataframe and at.metric  # the per-word view still runs


def test_the_official_files_have_no_softmax_and_show_no_predictions(cache):
    (cache / "small").mkdir(parents=True)
    for name, data in model_bytes().items():
        (cache / "small" / name).write_bytes(data)
    at = run_page(PAGE, params={"lm_model": "official ELMo small"})
    assert not at.exception and not messages(at, "error")
    assert at.selectbox(key="lm_model").options == ["this app's biLM", "official ELMo small"]
    assert any("has no softmax" in m for m in messages(at, "info"))
    assert plotly_specs(at) == [] and not at.dataframe and not at.metric
    sha = O.load_verified("small", cache).sha256
    assert any(sha[O.file_names("small")["weights"]] in t.value for t in at.text)


def test_fetch_control_installs_the_model_everywhere(cache, monkeypatch):
    server = Server()
    monkeypatch.setenv(O.BASE_URL_ENV, server.url)
    try:
        at = run_page(PAGE)
        at.button(key="fetch_official").click().run()
    finally:
        server.close()
    assert not at.exception and not messages(at, "error")
    assert any("Fetched and verified the official ELMo small" in m for m in messages(at, "success"))
    assert "official ELMo small" in at.selectbox(key="lm_model").options
    lstm = run_page("pages/1_LSTM_gates.py", params={"model": "official ELMo small backward", "text": "a bank"})
    assert not lstm.exception and not messages(lstm, "error")
    assert "official ELMo small forward" in lstm.selectbox(key="model").options
    senses = run_page("pages/2_ELMo_senses.py", params={"compare": "false", "elmo": "official ELMo small"})
    assert not senses.exception and not messages(senses, "error")
    assert any("official ELMo small" in c.value for c in senses.caption)


def test_fetch_without_a_server_says_so_and_the_page_keeps_working(cache, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(O.BASE_URL_ENV, f"http://127.0.0.1:{port}")
    at = run_page(PAGE)
    at.button(key="fetch_official").click().run()
    assert not at.exception
    errors = messages(at, "error")
    assert len(errors) == 1 and "needs the network" in errors[0] and str(cache / "small") in errors[0]
    assert "keeps working with this app's biLM" in errors[0]
    assert len(plotly_specs(at)) == 2 and not (cache / "small").exists()


@pytest.mark.parametrize(
    "sentence, unknown",
    [("我去银行存钱然后在河岸上散步", "100%"), ("Je suis allé à la banque pour déposer de l'argent .", "55%")],
)
def test_text_of_unknown_words_gets_no_comparable_perplexity_and_a_language_note(cache, sentence, unknown):
    """Issue 23: Chinese scored a lower perplexity than English because every unknown word is the cheap <UNK>."""
    at = run_page(PAGE, params={"sentence": sentence})
    assert not at.exception
    guesses = lm.word_guesses(load_default(), tokenize(sentence), 5)
    share = sum(not known for known in guesses.in_vocab) / len(guesses.in_vocab)
    assert f"{share:.0%}" == unknown
    warnings = messages(at, "warning")
    assert any(f"{unknown} of this sentence's words are unknown" in w and "do not compare" in w for w in warnings)
    assert any("trained on English only" in w for w in warnings)
    assert all(m.label.endswith("(not comparable)") for m in at.metric) and len(at.metric) == 3


def test_an_english_sentence_keeps_its_perplexity_without_a_warning(cache):
    at = run_page(PAGE, params={"sentence": "I sat on the bank of the river ."})
    assert not messages(at, "warning")
    assert not any("(not comparable)" in m.label for m in at.metric)
