"""Your own LSTM: a folder with an `nn.LSTM`'s weights (safetensors) and a small config.json.

The folder holds

- `config.json`: `input_size`, `hidden_size`, `num_layers`, `vocabulary` (a list of strings) and
  `unit` ("characters" or "words"); optional `proj_size` (default 0) and `unknown` (the vocabulary
  entry read for anything outside it; default: entry 0).
- `model.safetensors` (any `*.safetensors` if there is exactly one): the `state_dict` of a module with
  an `lstm` (`nn.LSTM`, unidirectional, `batch_first` irrelevant), optionally an `embedding`
  (`nn.Embedding(len(vocabulary), input_size)`) and a `decoder` (`nn.Linear(proj_size or hidden_size,
  len(vocabulary))`): keys `lstm.weight_ih_l0`, ..., `embedding.weight`, `decoder.weight`, `decoder.bias`.
  Without an embedding the LSTM reads one-hot vectors, so `input_size` must equal `len(vocabulary)`.

Every key and shape is checked against the config *before* a module is built or anything runs
(`check_folder`); each mismatch is an `InputError` that names the key, the shape found and the shape
expected. Pickles (`.pt`, `.bin`, ...) are refused: they can run code when loaded. On a shared server
the folder must lie under the models root (`engine.policy.model_folder`).

The loaded `UserLstm` traces gates exactly with `engine.models.lstm.trace_gates` and predicts with the
decoder as `engine.models.intervention.decode` does, like the shipped char-LSTM (engine/models/charlstm.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from engine import policy
from engine.models.intervention import Intervention, LanguageModelTrace, decode, intervene
from engine.models.lstm import trace_gates
from engine.text import reading_form, steps, tokenize
from engine.validation import PICKLE_SUFFIXES, InputError
from i18n import _, ngettext

UNITS = ("characters", "words")
REQUIRED = {"input_size": int, "hidden_size": int, "num_layers": int, "vocabulary": list, "unit": str}
MAX_VOCABULARY = 1_000_000
MAX_SIZE = 1 << 16  # units per layer, input size: far above any LSTM one inspects step by step


@dataclass(frozen=True)
class UserLstmConfig:
    """config.json, checked. `vocabulary[k]` is the token with id k; `unknown` the id read for the rest."""

    input_size: int
    hidden_size: int
    num_layers: int
    vocabulary: tuple[str, ...]
    unit: str
    proj_size: int = 0
    unknown: int = 0

    @property
    def output_size(self) -> int:
        return self.proj_size or self.hidden_size

    def expected_shapes(self, has_embedding: bool, has_decoder: bool) -> dict[str, tuple[int, ...]]:
        """Every key of the safetensors file and its shape, as `nn.LSTM` (+ embedding, decoder) names them."""
        shapes: dict[str, tuple[int, ...]] = {}
        gates, out = 4 * self.hidden_size, self.output_size
        for layer in range(self.num_layers):
            inputs = self.input_size if layer == 0 else out
            shapes[f"lstm.weight_ih_l{layer}"] = (gates, inputs)
            shapes[f"lstm.weight_hh_l{layer}"] = (gates, out)
            shapes[f"lstm.bias_ih_l{layer}"] = (gates,)
            shapes[f"lstm.bias_hh_l{layer}"] = (gates,)
            if self.proj_size:
                shapes[f"lstm.weight_hr_l{layer}"] = (self.proj_size, self.hidden_size)
        if has_embedding:
            shapes["embedding.weight"] = (len(self.vocabulary), self.input_size)
        if has_decoder:
            shapes["decoder.weight"] = (len(self.vocabulary), out)
            shapes["decoder.bias"] = (len(self.vocabulary),)
        return shapes


def read_config(path: Path) -> UserLstmConfig:
    """config.json -> `UserLstmConfig`. Raises `InputError` naming the missing or wrong field."""
    if not path.is_file():
        raise InputError(_("The folder has no config.json: it must give input_size, hidden_size, num_layers, "
                         "vocabulary and unit (README: Your own LSTM)."))  # fmt: skip
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(_("config.json is not valid JSON: {exc}.").format(exc=exc)) from exc
    if not isinstance(raw, dict):
        raise InputError(_("config.json must be a JSON object ({...}) of fields."))
    missing = [name for name in REQUIRED if name not in raw]
    if missing:
        message = ngettext(
            "config.json lacks the field {fields}.", "config.json lacks the fields {fields}.", len(missing)
        )
        raise InputError(message.format(fields=", ".join(missing)))
    for name, kind in {**REQUIRED, "proj_size": int, "unknown": int}.items():
        value = raw.get(name, 0)
        if not isinstance(value, kind) or isinstance(value, bool):
            if kind is int:
                raise InputError(
                    _("config.json's {name} must be an integer, not {value!r}.").format(name=name, value=value)
                )
            raise InputError(
                _("config.json's {name} must be a {kind}, not {value!r}.").format(
                    name=name, kind=kind.__name__, value=value
                )
            )
    for name in ("input_size", "hidden_size", "num_layers"):
        if not 1 <= raw[name] <= MAX_SIZE:
            raise InputError(
                _("config.json's {name} is {value}; it must be between 1 and {MAX_SIZE:,}.").format(
                    name=name, value=raw[name], MAX_SIZE=MAX_SIZE
                )
            )
    vocabulary = raw["vocabulary"]
    if not vocabulary or len(vocabulary) > MAX_VOCABULARY or not all(isinstance(v, str) for v in vocabulary):
        raise InputError(
            _("config.json's vocabulary must be a list of 1 to {MAX_VOCABULARY:,} strings.").format(
                MAX_VOCABULARY=MAX_VOCABULARY
            )
        )
    if len(set(vocabulary)) != len(vocabulary):
        twice = next(v for k, v in enumerate(vocabulary) if v in vocabulary[:k])
        raise InputError(
            _("config.json's vocabulary lists {twice!r} twice; each entry must be unique.").format(twice=twice)
        )
    if raw["unit"] not in UNITS:
        raise InputError(
            _("config.json's unit is {value!r}; it must be one of {value2}.").format(
                value=raw["unit"], value2=", ".join(UNITS)
            )
        )
    if not 0 <= raw.get("proj_size", 0) < raw["hidden_size"]:
        raise InputError(
            _("config.json's proj_size must be 0 (none) or below hidden_size ({value}).").format(
                value=raw["hidden_size"]
            )
        )
    if not 0 <= raw.get("unknown", 0) < len(vocabulary):
        raise InputError(
            _("config.json's unknown must be an id of the vocabulary, 0 to {value}.").format(value=len(vocabulary) - 1)
        )
    extra = sorted(set(raw) - {*REQUIRED, "proj_size", "unknown"})
    if extra:
        message = ngettext("config.json has the unknown field {fields}; it takes {known}.",
                           "config.json has the unknown fields {fields}; it takes {known}.", len(extra))  # fmt: skip
        raise InputError(message.format(fields=", ".join(extra), known=", ".join([*REQUIRED, "proj_size", "unknown"])))
    return UserLstmConfig(**{**raw, "vocabulary": tuple(vocabulary)})


def weights_file(folder: Path) -> Path:
    """The folder's one safetensors file. Raises `InputError` for none, several, or pickles only."""
    found = sorted(p for p in folder.iterdir() if p.suffix == ".safetensors")
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            _("The folder has {count} safetensors files ({value}); keep exactly one.").format(
                count=len(found), value=", ".join(p.name for p in found)
            )
        )
    pickles = [p.name for p in folder.iterdir() if p.name.endswith(PICKLE_SUFFIXES)]
    if pickles:
        raise InputError(
            _(
                "The folder has only pickled weights ({value}), which are never loaded: they can run code. "
                "Save the state_dict with safetensors.torch.save_file."
            ).format(value=", ".join(pickles))
        )
    raise InputError(_("The folder has no weights: save the state_dict as model.safetensors next to config.json."))


def check_shapes(shapes: dict[str, tuple[int, ...]], config: UserLstmConfig) -> None:
    """Raise `InputError` naming the first key that is missing, unexpected, or of the wrong shape."""
    if not any(k.startswith("lstm.") for k in shapes):
        raise InputError(
            _(
                "The weights have no key starting with 'lstm.' (found {value}): save the state_dict of a "
                "module whose nn.LSTM is called lstm."
            ).format(value=", ".join(sorted(shapes)[:5]))
        )
    has_embedding, has_decoder = "embedding.weight" in shapes, any(k.startswith("decoder.") for k in shapes)
    if not has_embedding and config.input_size != len(config.vocabulary):
        raise InputError(
            _(
                "Without an embedding the LSTM reads one-hot vectors, so input_size ({input_size}) must "
                "equal the vocabulary size ({count})."
            ).format(input_size=config.input_size, count=len(config.vocabulary))
        )
    expected = config.expected_shapes(has_embedding, has_decoder)
    for key, shape in expected.items():
        if key not in shapes:
            raise InputError(
                _("The weights lack the key {key} (shape {value}) that the config implies.").format(
                    key=key, value=list(shape)
                )
            )
        if tuple(shapes[key]) != shape:
            vocabulary = key.startswith(("embedding.", "decoder.")) and shapes[key][0] != shape[0]
            if vocabulary:
                message = _("{key} has shape {shape}; the config needs {needed} (the vocabulary has {count} entries).")
            else:
                message = _("{key} has shape {shape}; the config needs {needed}.")
            shown = {"key": key, "shape": list(shapes[key]), "needed": list(shape), "count": len(config.vocabulary)}
            raise InputError(message.format(**shown))
    unexpected = sorted(set(shapes) - set(expected))
    if unexpected:
        message = ngettext(
            "The weights have key the config does not explain: {keys} (check num_layers, proj_size; bidirectional "
            "LSTMs are not supported).",
            "The weights have keys the config does not explain: {keys} (check num_layers, proj_size; bidirectional "
            "LSTMs are not supported).",
            len(unexpected),
        )
        raise InputError(message.format(keys=", ".join(unexpected[:5])))


def read_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            return {key: tuple(handle.get_slice(key).get_shape()) for key in handle.keys()}  # noqa: SIM118
    except Exception as exc:  # safetensors raises its own error types for a damaged file
        raise InputError(_("{name} cannot be read as safetensors: {exc}.").format(name=path.name, exc=exc)) from exc


def check_folder(folder: str | Path) -> tuple[UserLstmConfig, Path]:
    """Config and weights file of a user LSTM folder, every key and shape checked, nothing loaded or run.
    On a shared server `folder` must be a name under the models root (`engine.policy`).
    Raises `InputError` with a message naming what does not match."""
    if not str(folder).strip():
        raise InputError(_("Type the path of your LSTM's folder (config.json + model.safetensors)."))
    path = policy.model_folder(folder)
    if not path.is_dir():
        raise InputError(policy.public_message(_("The folder {path} does not exist.").format(path=path)))
    config = read_config(path / "config.json")
    weights = weights_file(path)
    check_shapes(read_shapes(weights), config)
    return config, weights


class UserLstmModule(nn.Module):
    """Optional embedding -> `nn.LSTM` (batch_first) -> optional linear decoder, as the folder describes."""

    def __init__(self, config: UserLstmConfig, has_embedding: bool, has_decoder: bool) -> None:
        super().__init__()
        vocab = len(config.vocabulary)
        self.embedding = nn.Embedding(vocab, config.input_size) if has_embedding else None
        self.lstm = nn.LSTM(config.input_size, config.hidden_size, config.num_layers, batch_first=True,
                            proj_size=config.proj_size)  # fmt: skip
        self.decoder = nn.Linear(config.output_size, vocab) if has_decoder else None

    def inputs(self, ids: torch.Tensor) -> torch.Tensor:
        """`[B, T]` ids -> the LSTM's input `[B, T, input_size]`: embedded, or one-hot."""
        if self.embedding is not None:
            return self.embedding(ids)
        return nn.functional.one_hot(ids, self.lstm.input_size).float()


class UserLstm:
    """A loaded user LSTM with the char-LSTM's interface: `encode`, `trace`, `alphabet`, `name`."""

    def __init__(self, module: UserLstmModule, config: UserLstmConfig, name: str) -> None:
        self.model = module.eval()
        self.config = config
        self.name = name
        self.index = {token: k for k, token in enumerate(config.vocabulary)}

    @property
    def alphabet(self) -> list[str]:
        return [v for k, v in enumerate(self.config.vocabulary) if k != self.config.unknown]

    @property
    def can_predict(self) -> bool:
        return self.model.decoder is not None

    def tokens(self, text: str) -> list[str]:
        """The steps of `text`: characters with their marks (`engine.text.steps`) or words (`tokenize`)."""
        return [s.text for s in steps(text)] if self.config.unit == "characters" else tokenize(text)

    def encode(self, text: str) -> torch.Tensor:
        """`[T]` ids, one per step; `config.unknown` for steps outside the vocabulary."""
        read = reading_form if self.config.unit == "characters" else str
        ids = [self.index.get(read(token), self.config.unknown) for token in self.tokens(text)]
        return torch.tensor(ids, dtype=torch.long)

    @torch.inference_mode()
    def trace(self, text: str, intervention: Intervention | None = None) -> LanguageModelTrace:
        """Every gate, c and h `[layers, 1, 1, T, units]` (trace_gates), and `probs` `[T, V]` (softmax of
        the decoder on the top layer's h) when the folder has a decoder, else None.
        Raises `InputError` for an empty text, or an intervention on a model without a decoder."""
        if not self.tokens(text):
            raise InputError("The text is empty: type at least one character." if self.config.unit == "characters"
                             else "The text has no words: type at least one word.")  # fmt: skip
        x = self.model.inputs(self.encode(text).unsqueeze(0))  # [1, T, input]
        gates = trace_gates(self.model.lstm, x)
        decoder = self.model.decoder
        trace = LanguageModelTrace(
            **{k: gates.get(k) for k in "ifgoch"},
            tokens=self.tokens(text),
            gate_source=gates.gate_source,
            c_initial=gates.c_initial,
            probs=None if decoder is None else decode(decoder, np.ascontiguousarray(gates.h[-1, 0, 0])),
        )
        if intervention is None:
            return trace
        if decoder is None:
            raise InputError(_("Switching units off compares predictions, and this LSTM has no decoder."))
        return intervene(self.model.lstm, decoder, x[0], trace, intervention)


def load(folder: str | Path) -> UserLstm:
    """The LSTM in `folder`, checked (`check_folder`) before any module is built. Weights are read as
    float32. Raises `InputError` naming the problem."""
    from safetensors.torch import load_file

    config, weights = check_folder(folder)
    state = {k: v.float() for k, v in load_file(str(weights)).items()}
    module = UserLstmModule(config, "embedding.weight" in state, "decoder.weight" in state)
    module.load_state_dict(state)
    return UserLstm(module, config, name=f"your LSTM ({weights.parent.name})")


def save(folder: str | Path, lstm: nn.LSTM, vocabulary: list[str], unit: str = "characters",
         embedding: nn.Embedding | None = None, decoder: nn.Linear | None = None) -> Path:  # fmt: skip
    """Write `lstm` (+ `embedding`, `decoder`) as a folder `load` reads: config.json + model.safetensors."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = {"lstm": lstm, "embedding": embedding, "decoder": decoder}
    state = {
        f"{name}.{k}": v.detach().contiguous() for name, m in parts.items() if m for k, v in m.state_dict().items()
    }
    save_file(state, str(folder / "model.safetensors"))
    config = {"input_size": lstm.input_size, "hidden_size": lstm.hidden_size, "num_layers": lstm.num_layers,
              "proj_size": lstm.proj_size, "vocabulary": list(vocabulary), "unit": unit}  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder
