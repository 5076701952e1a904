"""Property-based tests (hypothesis) over every model's entry points, on arbitrary Unicode text within
the limits (issue 13). Each call either returns a result whose invariants hold, or raises the
project's own `InputError` with a message; anything else (a traceback, a generic exception) fails.

Invariants: no empty word labels; words cover the typed text in order; attention rows sum to 1;
the gate-trace identities (c = f ⊙ c_prev + i ⊙ g = kept + written, clipped where the model clips,
and h = o ⊙ tanh(c)). The example counts are bounded so that `make test` stays within its time.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from torch import nn

from engine.analysis import attention as A
from engine.models import transformer as T
from engine.models.lstm import TraceInputError, trace_gates
from engine.text import char_role, steps, tokenize_with_spans
from engine.validation import InputError

SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# the characters that broke similar tools, mixed into arbitrary Unicode
TRICKY = [*" \t\n\r\u00a0\u2028\u0301\u0308\u20dd\u00ad\u200b\u200c\u200d\ufeff\u2060\u200e$*_<>&#:`\\",
    "👩\u200d💻", "🇫🇷", "e\u0301", "Ġ", "▁", "##", "[CLS]", "<S>", "\x00", "\x07", "\ufffd", "日本語", "bank",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=6), st.sampled_from(TRICKY)), max_size=14).map("".join)


def assert_words(words: list[str], spans: list[tuple[int, int]], text: str) -> None:
    """Words are non-empty, each has something visible, and they are the typed text, in order."""
    assert len(words) == len(spans)
    end = 0
    for word, (a, b) in zip(words, spans, strict=True):
        assert word and any(char_role(c) == "visible" for c in word), (word, text)
        assert text[a:b] == word and a >= end, (word, a, b, text)
        end = b


def assert_lstm_identities(trace, clip: float = np.inf, atol: float = 1e-5) -> None:
    assert np.isfinite(trace.c).all() and np.isfinite(trace.h).all()
    np.testing.assert_allclose(np.clip(trace.kept + trace.written, -clip, clip), trace.c, atol=atol)
    for gate in (trace.i, trace.f, trace.o):
        assert (gate >= 0).all() and (gate <= 1).all()
    assert (np.abs(trace.g) <= 1).all()


# -- the char-LSTM -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def char_lstm():
    from engine.models import charlstm

    return charlstm.load_default()


@SETTINGS
@given(text=TEXT)
def test_char_lstm_trace(char_lstm, text):
    try:
        trace = char_lstm.trace(text)
    except InputError as exc:
        assert str(exc) and not text
        return
    assert "".join(trace.tokens) == text and all(trace.tokens)
    assert [s.text for s in steps(text)] == trace.tokens and trace.c.shape[3] == len(trace.tokens)
    assert not any(all(char_role(c) == "join" for c in t) for t in trace.tokens[1:] if t), trace.tokens
    assert_lstm_identities(trace)
    np.testing.assert_allclose(trace.o * np.tanh(trace.c), trace.h, atol=1e-5)


# -- ELMo --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def elmo():
    from engine.models import elmo

    return elmo.load_default()


@settings(SETTINGS, max_examples=12)  # ELMo's gate trace steps in Python: the slowest of the four
@given(text=TEXT, with_boundaries=st.booleans())
def test_elmo_words_embed_and_gates(elmo, text, with_boundaries):
    tokens = tokenize_with_spans(text)
    assert_words([t.text for t in tokens], [(t.start, t.end) for t in tokens], text)
    uncovered = [c for k, c in enumerate(text) if not any(t.start <= k < t.end for t in tokens)]
    assert all(char_role(c) != "visible" for c in uncovered), uncovered  # only spaces, controls, lone joins
    words = [t.text for t in tokens]
    try:
        trace = elmo.gates(words, with_boundaries=with_boundaries)
    except InputError as exc:
        assert str(exc) and not words
        return
    assert trace.c.shape[3] == len(words) + (2 if with_boundaries else 0)
    assert_lstm_identities(trace, clip=elmo.options.cell_clip or np.inf)
    layers = elmo.embed([words])[0]
    assert layers.shape[:2] == (3, len(words)) and np.isfinite(layers).all()
    inner = slice(1, -1) if with_boundaries else slice(None)
    h = trace.h[0, :, 0, inner]  # layer 1, both directions: [2, T, P]
    np.testing.assert_allclose(layers[1], np.concatenate([h[0], h[1]], -1), atol=1e-5)


# -- Transformers: MiniLM (WordPiece) and a byte-level BPE GPT-2 ---------------------------------
@pytest.fixture(scope="module")
def transformers_models(tmp_path_factory):
    from tests.engine.test_typed_text import tiny_byte_level_gpt2

    return [T.load(), T.load(str(tiny_byte_level_gpt2(tmp_path_factory.mktemp("gpt2"))))]


def check_transformer(model: T.TransformerModel, text: str) -> None:
    try:
        result = model.run(text)
    except InputError as exc:
        assert str(exc)
        return
    att = result.attentions
    assert att.shape[:2] == (model.num_layers, model.num_heads) and att.shape[2] == len(result.tokens)
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-4)
    assert_words(result.words, result.word_spans, text)
    assert len(result.display_tokens) == len(result.tokens) and all(result.display_tokens)
    for word, (start, end), special in zip(result.word_ids, result.offsets, result.special_mask, strict=True):
        assert (word is None) == bool(special)
        if word is not None:  # the visible characters of a token lie in its word
            a, b = result.word_spans[word]
            seen = [k for k in range(start, end) if char_role(text[k]) == "visible"]
            assert all(a <= k < b for k in seen), (text[start:end], result.words[word])
    for mode in ("head", "rollout"):
        view = A.view_matrix(
            att, result.display_tokens, result.word_ids, result.words, result.special_mask,
            mode=mode, rollout_range=(1, model.num_layers), word_level=True, causal=result.is_causal,
        )  # fmt: skip
        np.testing.assert_allclose(view.matrix.sum(-1), 1.0, atol=1e-4)
        assert all(label for label in view.labels) and len(view.labels) == view.matrix.shape[0]


@SETTINGS
@given(text=TEXT)
def test_transformer_run_and_word_merging(transformers_models, text):
    for model in transformers_models:
        check_transformer(model, text)


# -- trace_gates on any nn.LSTM and any input, right or wrong -----------------------------------
@SETTINGS
@given(
    layers=st.integers(1, 3),
    bidirectional=st.booleans(),
    proj=st.integers(0, 3),
    batch_first=st.booleans(),
    steps_=st.integers(0, 5),
    batch=st.integers(0, 3),
    features=st.integers(1, 5),
    wrong_features=st.booleans(),
    with_state=st.booleans(),
    unbatched=st.booleans(),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_trace_gates_matches_nn_lstm_or_refuses_like_it(
    layers, bidirectional, proj, batch_first, steps_, batch, features, wrong_features, with_state, unbatched, dtype
):
    hidden = 4
    proj = proj if proj < hidden else 0
    lstm = nn.LSTM(3, hidden, layers, bidirectional=bidirectional, proj_size=proj, batch_first=batch_first).eval()
    size = features + 3 if wrong_features else 3
    shape = (steps_, size) if unbatched else ((batch, steps_, size) if batch_first else (steps_, batch, size))
    x = torch.randn(*shape, dtype=dtype)
    state = None
    if with_state:
        rows, b = layers * (2 if bidirectional else 1), () if unbatched else (batch,)
        state = (torch.randn(rows, *b, proj or hidden, dtype=dtype), torch.randn(rows, *b, hidden, dtype=dtype))
    try:
        expected, _ = lstm(x, state)
    except (RuntimeError, ValueError) as refused:
        with pytest.raises(TraceInputError) as ours:
            trace_gates(lstm, x, state)
        assert str(ours.value), refused
        return
    trace = trace_gates(lstm, x, state)
    if trace.h.size == 0:
        return
    assert_lstm_identities(trace)
    if not proj:
        np.testing.assert_allclose(trace.o * np.tanh(trace.c), trace.h, atol=1e-5)
    top = trace.h[-1]  # [D, B, T, out]
    out = expected.detach().float().numpy()
    out = out[None] if unbatched else (out.transpose(1, 0, 2) if not batch_first else out)  # [B, T, D*out]
    np.testing.assert_allclose(np.concatenate(list(top), axis=-1), out, atol=1e-4)
