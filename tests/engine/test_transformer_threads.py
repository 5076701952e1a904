"""Sessions share one tokenizer (a model and its control too): concurrent calls must not disturb each other.

Under the classroom load test a batch with padding failed ("Unable to create tensor ... activate
padding") because another session's call switched the shared fast tokenizer's padding off."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from engine.models import transformer


@pytest.fixture(scope="module")
def model():
    return transformer.load()


def hammer(model: transformer.TransformerModel, rounds: int = 6) -> list[BaseException]:
    sentences = [["bank"] * (2 + k % 40) for k in range(64)]  # a batch that needs padding
    indices = [0] * len(sentences)
    expected = model.word_vectors(sentences, indices)
    errors: list[BaseException] = []

    def vectors():
        try:
            for _ in range(rounds):
                assert np.allclose(model.word_vectors(sentences, indices), expected, atol=1e-4)
        except BaseException as exc:
            errors.append(exc)

    def counts():
        try:
            for k in range(rounds * 50):
                assert model.count_tokens("one two three " * (50 + k % 5)) == 2 + 3 * (50 + k % 5)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=f) for f in (vectors, counts, vectors, counts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.slow
def test_concurrent_sessions_share_the_tokenizer_safely(model):
    """A race: it showed as 2 failures in 4 threads x 30-300 batched calls without the lock, none with it
    (tokenizer-level reproduction); through the engine's methods it shows less often."""
    assert hammer(model) == []
