"""The results of the "Inside attention" page's engine calls, in a module without torch.

`inside.open_layer` (OpenedLayer), `positions.position_maps` / `order_swap` (PositionMaps, OrderSwap) and
`ablation.switch_off` (HeadsOffResult) return these; a stored default view (ui/viewcache.py) is rebuilt from
them with numpy only, so the page draws it before torch is imported (issue 24, kind 8). The modules that
compute them re-export them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_MAP_POSITIONS = 128  # rows and columns of the cosine maps (a 512 × 512 map is unreadable)
MAX_HEADS_OFF = 12  # per request: the page offers one layer's heads at a time


@dataclass
class HeadsOffResult:
    """What switching `heads_off` off did to one text and to the bank score.

    words:           W words of the text (typed text, whole)
    word_distance:   `[W]` cosine distance 1 − cos of each word's final vector, before vs after (0 = unmoved)
    tokens:          T tokens made readable;  token_distance: `[T]` the same per token (specials included)
    bank_before/after: leave-one-out 1-NN accuracy (0..1) of "bank" at the last layer, preset sentences
    bank_sentences:  how many preset sentences the bank score uses
    """

    heads_off: HeadsOff
    words: list[str]
    word_distance: np.ndarray
    tokens: list[str]
    token_distance: np.ndarray
    bank_before: float
    bank_after: float
    bank_sentences: int


HeadsOff = dict[int, frozenset[int]]  # layer (from 1) -> heads (from 1) whose outputs are zeroed


@dataclass
class Embeddings:
    """Layer 1's input, piece by piece (`[T, d]` each). GPT-2 has no token types and no LayerNorm here."""

    token: np.ndarray
    position: np.ndarray
    token_type: np.ndarray | None
    total: np.ndarray  # token + position (+ token_type)
    normed: np.ndarray | None  # LayerNorm(total): BERT's layer-1 input


@dataclass
class OpenedLayer:
    """One layer (`layer`, from 1) and one head (`head`, from 1) of one text, every step kept.

    x:             `[T, d]` the layer's input (hidden_states[layer - 1])
    attention_input: `[T, d]` what Q, K, V are computed from: x (BERT), LayerNorm ln_1(x) (GPT-2)
    q, k, v:       `[T, d_head]` this head's queries, keys and values
    scores:        `[T, T]` raw Q Kᵀ (row: query token, column: key token)
    scaled:        `[T, T]` scores / √d_head (GPT-2: also / layer when its config scales by layer)
    mask:          `[T, T]` bool, True where a query may look at a key; None when nothing is masked
    weights:       `[T, T]` softmax of the scaled scores over allowed keys; equals transformers' attentions
    head_output:   `[T, d_head]` weights · V
    all_heads:     `[T, d]` every head's output side by side (heads switched off are zeros)
    projected:     `[T, d]` all_heads · W_O + b_O
    attention_residual: `[T, d]` the residual sum x + projected
    attention_norm: `[T, d]` LayerNorm of the residual sum (BERT) / ln_2 of it (GPT-2): the FFN's input
    ffn_hidden:    `[T, d_ff]` x W_1 + b_1;  ffn_activation: act(ffn_hidden);  ffn_output: `[T, d]` · W_2 + b_2
    ffn_residual:  `[T, d]` ffn_output + attention_norm (BERT) / + attention_residual (GPT-2)
    layer_output:  `[T, d]` LayerNorm(ffn_residual) (BERT) / ffn_residual (GPT-2; after ln_f at the last
                   layer, as hidden_states[layer] reports it: `final_norm` True)
    embeddings:    layer 1 only: the embedding pieces
    """

    model_name: str
    tokens: list[str]
    shown_tokens: list[str]
    special_mask: np.ndarray
    layer: int
    head: int
    num_layers: int
    num_heads: int
    d_head: int
    scale: float  # what the raw scores are divided by
    norm_order: str  # "post-LN" (BERT) or "pre-LN" (GPT-2)
    activation: str
    x: np.ndarray
    attention_input: np.ndarray
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    scores: np.ndarray
    scaled: np.ndarray
    mask: np.ndarray | None
    weights: np.ndarray
    head_output: np.ndarray
    all_heads: np.ndarray
    projected: np.ndarray
    attention_residual: np.ndarray
    attention_norm: np.ndarray
    ffn_hidden: np.ndarray
    ffn_activation: np.ndarray
    ffn_output: np.ndarray
    ffn_residual: np.ndarray
    layer_output: np.ndarray
    embeddings: Embeddings | None = None
    final_norm: bool = False


def default_query(opened: OpenedLayer) -> int:
    """The query token a view starts on (from 0): the first token spelled "bank", else the first after [CLS]."""
    plain = [t.lower() for t in opened.shown_tokens]
    return plain.index("bank") if "bank" in plain else min(1, len(plain) - 1)


@dataclass
class PositionMaps:
    """learned: `[n, n]` cosine similarity of the model's position embeddings 0..n-1;
    sinusoidal: `[n, n]` the same for Vaswani et al.'s encoding with the model's d."""

    learned: np.ndarray
    sinusoidal: np.ndarray
    d: int
    model_positions: int  # how many position embeddings the model has


@dataclass
class OrderSwap:
    """A text and the same text with two words swapped, run with and without position embeddings.

    words:            W words of the original text
    swapped_text:     the text with words `first` and `second` (from 1) exchanged
    moved_with:       `[W]` cosine distance 1 − cos of each word's final vector, original vs swapped order,
                      with the position embeddings (the model as trained)
    moved_without:    `[W]` the same with the position embeddings left out
    causal:           True for decoders: their mask sees order even without position embeddings
    """

    words: list[str]
    first: int
    second: int
    swapped_text: str
    moved_with: np.ndarray
    moved_without: np.ndarray
    causal: bool
