"""ELMo's second stage: learn the task's layer mix (ScalarMix, Peters et al. 2018, eq. 1) with a classifier.

    ELMo_k^task = γ^task Σ_j s_j^task h_{k,j},   s = softmax(w)

The weights s_j and γ are learned jointly with the task model; here the task is the user's labelled
word senses and the task model a linear classifier (softmax regression) on the mixed vector. Trained
with Adam, full batch, weight decay on the classifier, and cross-validated: leave-one-out for small
sets (up to `LOO_LIMIT` occurrences), stratified k-fold above (k = `FOLDS`, or fewer when a sense has
fewer occurrences). The same classifier on each single layer
(s fixed to one-hot) gives the accuracies to compare with.

Every fit, fold and configuration (the learned mix, each single layer, the final fit on all data)
is trained at once as one batch of independent models, so a leave-one-out of 32 sentences costs one
training loop, not a hundred.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from engine.validation import InputError
from i18n import _

LOO_LIMIT = 20  # leave-one-out up to this many occurrences, stratified k-fold above
FOLDS = 8
MIN_PER_SENSE = 8  # below this, the fit is shown but flagged as meaningless


@dataclass
class MixFit:
    """A learned ScalarMix and what it is worth.

    `weights` `[L]`: s_j learned on all occurrences (sum 1); `gamma`: γ of that fit.
    `cv_accuracy`: cross-validated accuracy of mix + classifier; `layer_accuracy` `[L]`: the same
    classifier on each single layer; `scheme`: "leave-one-out" or "stratified k-fold"; `chance`: the share of
    the most frequent sense; `note`: None, or why the numbers mean little (too few sentences).
    """

    weights: np.ndarray
    gamma: float
    cv_accuracy: float
    layer_accuracy: np.ndarray
    scheme: str
    n: int
    senses: list[str]
    chance: float
    note: str | None


@contextmanager
def _one_thread() -> Iterator[None]:
    """These models are tiny (hundreds of thousands of multiply-adds a step): splitting each op across threads
    only adds waiting. Measured on a busy 2-core machine: 11-13 s with one thread, 64-89 s with two (32
    sentences, 256-d). With OpenMP the setting belongs to the calling thread, and it is restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _folds(y: np.ndarray, seed: int) -> np.ndarray:
    """`[K, N]` boolean test masks: one per occurrence (leave-one-out) or stratified k-fold."""
    n = len(y)
    if n <= LOO_LIMIT:
        return np.eye(n, dtype=bool)
    folds = min(FOLDS, int(np.bincount(y).min()))
    rng = np.random.default_rng(seed)
    fold_of = np.empty(n, dtype=int)
    for sense in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == sense))
        fold_of[members] = (np.arange(len(members)) + rng.integers(folds)) % folds
    return np.stack([fold_of == k for k in range(folds)])


def _train(
    x: torch.Tensor,
    y: torch.Tensor,
    train_mask: torch.Tensor,
    fixed_layer: torch.Tensor,
    n_classes: int,
    steps: int,
    lr: float,
    weight_decay: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Train B independent (ScalarMix + linear classifier) models at once.

    x `[L, N, D]` layers; y `[N]`; train_mask `[B, N]`; fixed_layer `[B]` (-1: learn s, else s = one-hot).
    Returns (s `[B, L]`, γ `[B]`, logits `[B, N, C]`).
    """
    n_layers, _count, dim = x.shape
    batch = train_mask.shape[0]
    gen = torch.Generator().manual_seed(0)
    w = torch.zeros(batch, n_layers, requires_grad=True)
    gamma = torch.ones(batch, requires_grad=True)
    weight = (torch.randn(batch, dim, n_classes, generator=gen) * 0.01).requires_grad_()
    bias = torch.zeros(batch, n_classes, requires_grad=True)
    lock = torch.zeros(batch, n_layers)
    rows = torch.nonzero(fixed_layer >= 0).flatten()
    lock[rows] = -torch.inf
    lock[rows, fixed_layer[rows]] = 0.0
    optimizer = torch.optim.Adam(
        [{"params": [w, gamma], "weight_decay": 0.0}, {"params": [weight, bias], "weight_decay": weight_decay}], lr=lr
    )
    counts = train_mask.sum(1).clamp(min=1)
    flat = x.reshape(-1, dim)  # [L·N, D]
    targets = y.repeat(batch)

    def forward() -> tuple[torch.Tensor, torch.Tensor]:
        s = torch.softmax(w + lock, dim=-1)  # [B, L]
        # eq. (1) before the classifier, in the cheaper order: γ Σ_j s_j (h_j W) = (γ Σ_j s_j h_j) W
        per_layer = torch.matmul(flat, weight).reshape(batch, n_layers, -1, n_classes)  # [B, L, N, C]
        return s, torch.einsum("bl,blnc->bnc", s * gamma[:, None], per_layer) + bias[:, None, :]

    for _ignored in range(steps):
        optimizer.zero_grad()
        _ignored, logits = forward()
        losses = torch.nn.functional.cross_entropy(logits.reshape(-1, n_classes), targets, reduction="none").reshape(
            batch, -1
        )
        ((losses * train_mask).sum(1) / counts).sum().backward()
        optimizer.step()
    with torch.no_grad():
        s, logits = forward()
    return s, gamma.detach(), logits


def learn_mix(
    layers: np.ndarray,
    labels: Sequence[str],
    steps: int = 200,
    lr: float = 0.05,
    weight_decay: float = 1e-2,
    seed: int = 0,
) -> MixFit:
    """Fit s_j, γ and a linear sense classifier on `layers` `[L, N, D]` (one vector per occurrence and
    layer) with the senses `labels` `[N]`; cross-validate it and each single layer.

    Each layer is first divided by its mean vector norm (over all occurrences, no labels used), so
    that s_j compares layers, not their scales (ELMo's layers differ in norm; AllenNLP offers layer
    normalization for the same reason). Raises `InputError` with fewer than two senses or a sense
    with a single occurrence.
    """
    layers = np.asarray(layers, dtype=np.float32)
    if layers.ndim != 3 or layers.shape[1] != len(labels):
        raise InputError(
            _("Expected one vector per layer and labelled occurrence, got {shape} for {count}.").format(
                shape=layers.shape, count=len(labels)
            )
        )
    senses, y = np.unique(np.asarray(labels), return_inverse=True)
    counts = np.bincount(y)
    if len(senses) < 2 or counts.min() < 2:
        raise InputError(
            _(
                "Learning the mix needs at least two senses with at least two labelled sentences each (found {value})."
            ).format(value=", ".join((f"{s}: {c}" for s, c in zip(senses, counts, strict=True))) or "no labels")
        )
    norms = np.linalg.norm(layers, axis=-1).mean(axis=1)
    x = torch.from_numpy(layers / np.maximum(norms, 1e-8)[:, None, None])
    n_layers, n = layers.shape[:2]
    tests = torch.from_numpy(_folds(y, seed))  # [K, N]
    configs = [-1, *range(n_layers)]
    train_mask = torch.cat([~tests for _ignored in configs] + [torch.ones(1, n, dtype=torch.bool)]).float()
    fixed = torch.tensor([c for c in configs for _ignored in range(len(tests))] + [-1])
    with _one_thread():
        s, gamma, logits = _train(x, torch.from_numpy(y), train_mask, fixed, len(senses), steps, lr, weight_decay)
    correct = (logits[:-1].argmax(-1) == torch.from_numpy(y)).float()  # [B - 1, N]
    held_out = tests.float().repeat(len(configs), 1)
    per_config = (
        (correct * held_out).sum(1).reshape(len(configs), -1).sum(1) / held_out.sum(1).reshape(len(configs), -1).sum(1)
    ).numpy()
    note = None
    if counts.min() < MIN_PER_SENSE:
        note = (
            f"Only {n} labelled sentences ({', '.join(f'{s}: {c}' for s, c in zip(senses, counts, strict=True))}): "
            f"with fewer than {MIN_PER_SENSE} per sense the learned weights and accuracies mean little."
        )
    return MixFit(
        weights=s[-1].numpy(),
        gamma=float(gamma[-1]),
        cv_accuracy=float(per_config[0]),
        layer_accuracy=per_config[1:],
        scheme="leave-one-out" if n <= LOO_LIMIT else f"stratified {len(tests)}-fold",
        n=n,
        senses=[str(s) for s in senses],
        chance=float(counts.max() / n),
        note=note,
    )
