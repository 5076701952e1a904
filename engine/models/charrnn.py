"""A plain recurrent network beside the char-LSTM: an Elman RNN character language model.

The "Why gates?" page's second model. Same vocabulary, embedding size, layer count and hidden size
as the char-LSTM (`engine.models.charlstm`), trained on the same characters (see its MODEL_CARD.md),
but each layer is the Elman recurrence (Elman 1990) of `torch.nn.RNN`:

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)

with no gates and no cell state, so the gradient reaching step k from step t is a product of
t - k Jacobians diag(1 - h_j²) W_hh, which vanishes (or explodes) as t - k grows (Bengio, Simard &
Frasconi 1994). Shipped as safetensors + a JSON config (never a pickle), checksums verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from engine import ASSETS
from engine.assets import verify
from engine.models.charlstm import CharLstm, CharLstmConfig
from engine.text import steps
from engine.validation import InputError
from i18n import _

__all__ = ["CharRnn", "CharRnnConfig", "CharRnnLM", "RnnTrace", "load_default", "single_layer"]

CharRnnConfig = CharLstmConfig  # the same fields: vocabulary, embedding, hidden size, layers, dropout


class CharRnnLM(nn.Module):
    """Embedding → stacked tanh nn.RNN → linear decoder over the next character."""

    def __init__(self, config: CharRnnConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        self.rnn = nn.RNN(
            config.embedding_dim,
            config.hidden_size,
            config.num_layers,
            nonlinearity="tanh",
            batch_first=True,
            dropout=config.dropout,
        )
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, ids: torch.Tensor, state: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """`[B, T]` character ids -> next-character logits `[B, T, V]` and the final h `[layers, B, H]`."""
        output, state = self.rnn(self.embedding(ids), state)
        return self.decoder(output), state


@dataclass
class RnnTrace:
    """One run of the char-RNN over a text.

    h:     float32 `[layers, T, hidden_size]`, the hidden state after each step
    probs: float32 `[T, V]`, after each step the distribution over the next character
    tokens: the T steps as typed (`engine.text.steps`); they join back into the text.
    """

    h: np.ndarray
    probs: np.ndarray
    tokens: list[str] = field(default_factory=list)


class CharRnn(CharLstm):
    """A loaded char-RNN: encode text (as the char-LSTM does), trace h, score text.

    Everything but `trace` is the char-LSTM wrapper's own code (`encode`, `next_char_probabilities`,
    `bits_per_char`, `save`, `load`), run on the RNN network.
    """

    network = CharRnnLM

    def __init__(self, model: CharRnnLM, name: str = "char-RNN") -> None:
        super().__init__(model, name)

    @torch.inference_mode()
    def trace(self, text: str, intervention: None = None) -> RnnTrace:  # type: ignore[override]
        """h of every layer at every step and `probs` `[T, V]` from the same run.

        Raises InputError for an empty text or an intervention (the RNN has no gates to set).
        """
        if not text:
            raise InputError(_("The text is empty: type at least one character."))
        if intervention is not None:
            raise InputError(_("The plain RNN has no gates or cell state to intervene on."))
        x = self.model.embedding(self.encode(text).unsqueeze(0))  # [1, T, E]
        states, layer_input = [], x
        for layer in range(self.config.num_layers):
            rnn = single_layer(self.model.rnn, layer)
            layer_input, _ignored = rnn(layer_input)  # [1, T, H]
            states.append(layer_input[0])
        h = torch.stack(states)  # [layers, T, H]
        probs = torch.softmax(self.model.decoder(h[-1]), dim=-1)
        return RnnTrace(h=h.numpy(), probs=probs.numpy(), tokens=[s.text for s in steps(text)])

    @classmethod
    def load(cls, directory, name: str = "char-RNN") -> CharRnn:  # type: ignore[override]
        return super().load(directory, name)  # type: ignore[return-value]

    @classmethod
    def random(cls, config: CharRnnConfig, seed: int = 0, name: str = "untrained char-RNN") -> CharRnn:  # type: ignore[override]
        return super().random(config, seed, name)  # type: ignore[return-value]


def single_layer(rnn: nn.RNN, layer: int) -> nn.RNN:
    """Layer `layer` of a stacked nn.RNN as its own one-layer nn.RNN sharing the same parameters (no copy),
    to run the fused kernel layer by layer. Its input is `[T, in]` or as `rnn.batch_first` says."""
    one = nn.RNN(
        rnn.input_size if layer == 0 else rnn.hidden_size,
        rnn.hidden_size,
        1,
        nonlinearity=rnn.nonlinearity,
        bias=rnn.bias,
        batch_first=rnn.batch_first,
        device="meta",  # no storage and no random initialisation: the parameters are replaced below
        dtype=rnn.weight_ih_l0.dtype,
    )
    for name in one._flat_weights_names:
        setattr(one, name, getattr(rnn, name.replace("_l0", f"_l{layer}")))
    one._init_flat_weights()
    return one


def load_default(untrained: bool = False) -> CharRnn:
    """The shipped char-RNN in assets/charrnn (checksums verified).

    `untrained=True` gives the same architecture with seeded random weights (the control).
    Raises ModelLoadError when a file is missing, damaged or unrecorded in assets/SHA256SUMS.
    """
    directory = ASSETS / "charrnn"
    for name in ("config.json", "model.safetensors"):
        verify(directory / name)
    model = CharRnn.load(directory, name="char-RNN")
    return CharRnn.random(model.config, seed=0) if untrained else model
