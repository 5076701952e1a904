"""The LSTM page's default model: a character-level LSTM language model (Karpathy et al. 2015).

It reads text one character at a time with a stacked `torch.nn.LSTM` and predicts the next
character. Its gates are read exactly with `engine.models.lstm.trace_gates`. Shipped as safetensors +
a JSON config holding the character vocabulary (never a pickle).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from engine import ASSETS
from engine.assets import verify
from engine.models.charlstm_facts import UNKNOWN_CHAR  # torch-free since issue 24 (kind 8); kept importable here
from engine.models.intervention import Intervention, LanguageModelTrace, decode, intervene
from engine.models.lstm import trace_gates
from engine.text import reading_form, steps
from engine.validation import InputError, ModelLoadError
from i18n import _


@dataclass
class CharLstmConfig:
    chars: list[str]  # the vocabulary; index 0 is UNKNOWN_CHAR
    embedding_dim: int = 64
    hidden_size: int = 512
    num_layers: int = 2
    dropout: float = 0.0
    extra: dict = field(default_factory=dict)  # training facts, kept with the weights

    @property
    def vocab_size(self) -> int:
        return len(self.chars)


class CharLstmLM(nn.Module):
    """Embedding → stacked nn.LSTM → linear decoder over the next character."""

    def __init__(self, config: CharLstmConfig) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embedding_dim)
        self.lstm = nn.LSTM(
            config.embedding_dim, config.hidden_size, config.num_layers, batch_first=True, dropout=config.dropout
        )
        self.decoder = nn.Linear(config.hidden_size, config.vocab_size)

    def forward(self, ids: torch.Tensor, state=None) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """`[B, T]` character ids -> next-character logits `[B, T, V]` and the final (h, c)."""
        output, state = self.lstm(self.embedding(ids), state)
        return self.decoder(output), state


class CharLstm:
    """A loaded char-LSTM: encode text, trace its gates, score and continue text."""

    network = CharLstmLM  # the nn.Module a config builds (engine.models.charrnn swaps in its RNN)

    def __init__(self, model: CharLstmLM, name: str = "char-LSTM") -> None:
        self.model = model.eval()
        self.config = model.config
        self.name = name
        self.index = {ch: k for k, ch in enumerate(self.config.chars)}

    @property
    def alphabet(self) -> list[str]:
        return self.config.chars[1:]

    def step_reading(self, step: str) -> str:
        """The character the model reads for one step (`engine.text.steps`): the step in NFC without
        format characters when that is one character, else the unknown symbol ⁇."""
        read = reading_form(step)
        return read if len(read) == 1 else UNKNOWN_CHAR

    def encode(self, text: str) -> torch.Tensor:
        """One id per step of `engine.text.steps(text)` (a character with its combining marks and
        invisible format characters); 0 (⁇) for what the vocabulary lacks."""
        return torch.tensor([self.index.get(self.step_reading(s.text), 0) for s in steps(text)], dtype=torch.long)

    @torch.inference_mode()
    def trace(self, text: str, intervention: Intervention | None = None) -> LanguageModelTrace:
        """Every gate, c and h of every layer and unit at every step (`[layers, 1, 1, T, units]`),
        and `probs` `[T, V]`: after each step, the distribution over the next character, from the same run.

        Steps are characters with their combining marks and format characters (`engine.text.steps`);
        `trace.tokens` are the steps as typed, and they join back into the text.
        With an `Intervention` (see engine.models.intervention) the chosen units are changed inside the
        recurrence from its step on; steps before it are bit-identical to the plain trace.
        Raises InputError for an empty text or an intervention outside the model or the text.
        """
        if not text:
            raise InputError(_("The text is empty: type at least one character."))
        x = self.model.embedding(self.encode(text).unsqueeze(0))  # [1, T, E]
        gates = trace_gates(self.model.lstm, x)
        trace = LanguageModelTrace(
            **{k: gates.get(k) for k in "ifgoch"},
            tokens=[s.text for s in steps(text)],
            gate_source=gates.gate_source,
            c_initial=gates.c_initial,
            probs=decode(self.model.decoder, np.ascontiguousarray(gates.h[-1, 0, 0])),
        )
        if intervention is None:
            return trace
        return intervene(self.model.lstm, self.model.decoder, x[0], trace, intervention)

    @torch.inference_mode()
    def next_char_probabilities(self, text: str) -> np.ndarray:
        """`[T, V]`: after each character, the model's distribution over the next one."""
        logits, _ignored = self.model(self.encode(text).unsqueeze(0))
        return torch.softmax(logits[0], dim=-1).numpy()

    @torch.inference_mode()
    def bits_per_char(self, text: str) -> float:
        """Cross-entropy of the text's characters 2..T given the ones before, in bits."""
        ids = self.encode(text).unsqueeze(0)
        if ids.shape[1] < 2:
            raise InputError(_("Need at least two characters to score a text."))
        logits, _ignored = self.model(ids[:, :-1])
        loss = nn.functional.cross_entropy(logits[0], ids[0, 1:])
        return float(loss) / float(np.log(2))

    def save(self, directory: str | Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        weights = {k: v.detach().to(torch.float16).contiguous() for k, v in self.model.state_dict().items()}
        save_file(weights, str(directory / "model.safetensors"), metadata={"format": "pt", "dtype": "float16"})
        (directory / "config.json").write_text(json.dumps(asdict(self.config), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, directory: str | Path, name: str = "char-LSTM") -> CharLstm:
        directory = Path(directory)
        config_path, weights_path = directory / "config.json", directory / "model.safetensors"
        for path in (config_path, weights_path):
            if not path.is_file():
                raise ModelLoadError(_("The char-LSTM file {path} does not exist.").format(path=path))
        try:
            config = CharLstmConfig(**json.loads(config_path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ModelLoadError(
                _("{config_path} is not a char-LSTM config: {exc}").format(config_path=config_path, exc=exc)
            ) from exc
        model = cls.network(config)
        try:
            state = {k: v.float() for k, v in load_file(str(weights_path)).items()}
            model.load_state_dict(state)
        except Exception as exc:  # safetensors raises its own error types for a damaged file
            raise ModelLoadError(
                _("{weights_path} cannot be read as the char-LSTM's weights: {exc}").format(
                    weights_path=weights_path, exc=exc
                )
            ) from exc
        return cls(model, name)

    @classmethod
    def random(cls, config: CharLstmConfig, seed: int = 0, name: str = "untrained char-LSTM") -> CharLstm:
        with torch.random.fork_rng():  # seeded, without touching the caller's random state
            torch.manual_seed(seed)
            model = cls.network(config)
        return cls(model, name)


def load_default(untrained: bool = False) -> CharLstm:
    """The LSTM page's default model: the char-LSTM shipped in assets/charlstm (checksums verified).

    `untrained=True` gives the same architecture with seeded random weights (the control).
    """
    directory = ASSETS / "charlstm"
    for name in ("config.json", "model.safetensors"):
        verify(directory / name)
    model = CharLstm.load(directory, name="char-LSTM")
    return CharLstm.random(model.config, seed=0) if untrained else model
