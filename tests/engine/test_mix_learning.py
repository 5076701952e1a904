"""Learning ELMo's layer mix (engine.analysis.mix_learning) on synthetic tasks with a known answer."""

import numpy as np
import pytest
import torch

from engine.analysis.mix_learning import learn_mix
from engine.validation import InputError


def task(n: int, informative: int, seed: int = 0, dim: int = 16, senses: int = 2):
    """Three layers of noise; only `informative` carries the sense (a shifted direction per sense)."""
    rng = np.random.default_rng(seed)
    labels = np.array([f"sense{k % senses}" for k in range(n)])
    layers = rng.normal(size=(3, n, dim)).astype(np.float32)
    layers[informative, :, :senses] += 3.5 * np.eye(senses)[np.arange(n) % senses]
    return layers, labels


@pytest.mark.parametrize("informative", [1, 2])
def test_the_mix_learns_the_layer_that_carries_the_label(informative):
    layers, labels = task(48, informative)
    fit = learn_mix(layers, labels)
    assert int(np.argmax(fit.weights)) == informative and fit.weights[informative] > 0.6
    np.testing.assert_allclose(fit.weights.sum(), 1.0, rtol=1e-5)
    assert fit.layer_accuracy[informative] >= 0.85
    others = [k for k in range(3) if k != informative]
    assert all(fit.layer_accuracy[k] < 0.75 for k in others)  # noise: about chance
    assert fit.cv_accuracy >= 0.8 and fit.scheme == "stratified 8-fold" and fit.note is None
    assert fit.chance == 0.5 and fit.senses == ["sense0", "sense1"]


def test_small_sets_use_leave_one_out_and_say_they_are_small():
    layers, labels = task(12, 1, seed=3)
    threads = torch.get_num_threads()
    fit = learn_mix(layers, labels)
    assert torch.get_num_threads() == threads  # the one-thread setting is restored
    assert fit.scheme == "leave-one-out" and fit.n == 12
    assert "mean little" in fit.note and "sense0: 6" in fit.note


def test_layer_accuracy_matches_a_plain_loop_of_held_out_fits():
    """The batched cross-validation equals training each held-out fold alone (layer 1 only)."""
    from engine.analysis import mix_learning as M

    layers, labels = task(16, 1, seed=5)
    fit = learn_mix(layers, labels, steps=100)
    y = np.unique(labels, return_inverse=True)[1]
    x = torch.from_numpy(layers / np.linalg.norm(layers, axis=-1).mean(axis=1)[:, None, None])
    correct = 0
    with M._one_thread():
        for held in range(16):  # leave-one-out, one model at a time
            train = torch.ones(1, 16)
            train[0, held] = 0
            _, _, logits = M._train(x, torch.from_numpy(y), train, torch.tensor([1]), 2, 100, 0.05, 1e-2)
            correct += int(logits[0, held].argmax() == y[held])
    assert fit.layer_accuracy[1] == pytest.approx(correct / 16)


def test_too_few_senses_is_a_clear_error():
    layers, _ = task(6, 1)
    with pytest.raises(InputError, match="at least two senses"):
        learn_mix(layers, ["a"] * 6)
    with pytest.raises(InputError, match="b: 1"):
        learn_mix(layers, ["a"] * 5 + ["b"])
