"""One Transformer layer opened up: every intermediate array of one layer and one head, for one text.

Multi-head attention (Vaswani et al. 2017, §3.2.1–3.2.2), for head h with d_head = d / heads:

    Q = x W_Q,  K = x W_K,  V = x W_V                      [T, d_head] each
    scores  = Q Kᵀ                                         [T, T]  (raw dot products)
    scaled  = scores / √d_head  (+ the causal mask, decoders only)
    weights = softmax(scaled) row by row                   [T, T]  (rows sum to 1)
    head_output = weights V                                [T, d_head]
    MultiHead(x) = Concat(head_1 … head_H) W_O             [T, d]

then the residual connection and layer normalisation around it (Ba et al. 2016), and the position-wise
feed-forward block FFN(x) = act(x W_1 + b_1) W_2 + b_2 (§3.3; GELU in BERT and GPT-2). BERT (Devlin et al.
2019) normalises after each residual sum ("post-LN"); GPT-2 (Radford et al. 2019) before each block
("pre-LN"). Everything is computed here, inside the call, from the module's own weights: no hooks, nothing
shared between sessions. `forward` runs every layer the same way and can switch heads off (their outputs
zeroed before W_O, so the next layers see the change): `engine.analysis.ablation` builds on it.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.analysis.inside_results import Embeddings, HeadsOff, OpenedLayer, default_query  # noqa: F401  (torch-free; re-exported)
from engine.models.transformer import TransformerModel
from engine.models.words import display_token
from engine.text import has_words
from engine.validation import InputError
from i18n import _

BERT_FAMILY = frozenset({"bert"})  # word + position + token-type embeddings, post-LN blocks
GPT2_FAMILY = frozenset({"gpt2"})  # wte + wpe, causal mask, pre-LN blocks, a final ln_f


def family(model: TransformerModel) -> str:
    """ "bert" or "gpt2"; raises `InputError` naming the architecture for any other."""
    kind = model.model.config.model_type
    if kind in BERT_FAMILY:
        return "bert"
    if kind in GPT2_FAMILY:
        return "gpt2"
    raise InputError(
        _(
            "Opening a layer is not supported for this architecture ({kind}, {name}): it works for "
            "BERT-family encoders (MiniLM, BERT) and GPT-2 decoders. The attention page still shows its"
            " heads."
        ).format(kind=kind, name=model.name)
    )


def encode_ids(model: TransformerModel, text: str) -> tuple[torch.Tensor, np.ndarray]:
    """`[T]` token ids and the `[T]` special-token mask; `InputError` for empty or too long text."""
    if not has_words(text):
        raise InputError(
            _("The text is empty: type at least one word (spaces, invisible and control characters are not words).")
        )
    encoding = model.encode(text)
    count = encoding["input_ids"].shape[1]
    if count > model.max_tokens:
        raise InputError(
            _("The text is {count:,} subword tokens long; {name} reads at most {max_tokens:,}.").format(
                count=count, name=model.name, max_tokens=model.max_tokens
            )
        )
    return encoding["input_ids"][0], encoding["special_tokens_mask"][0].numpy().astype(bool)


def check_place(model: TransformerModel, layer: int, head: int) -> None:
    if not 1 <= layer <= model.num_layers:
        raise InputError(
            _("Layer {layer} does not exist: {name} has layers 1 to {num_layers}.").format(
                layer=layer, name=model.name, num_layers=model.num_layers
            )
        )
    if not 1 <= head <= model.num_heads:
        raise InputError(
            _("Head {head} does not exist: {name} has heads 1 to {num_heads} in each layer.").format(
                head=head, name=model.name, num_heads=model.num_heads
            )
        )


def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().float().numpy().copy()


def _row(t: torch.Tensor | None) -> np.ndarray | None:
    """`[1, T, d]` or `[T, d]` -> `[T, d]` (None stays None)."""
    return None if t is None else _np(t.reshape(t.shape[-2:]))


# ---------------------------------------------------------------------------------------------
# embeddings
# ---------------------------------------------------------------------------------------------
def embed(model: TransformerModel, ids: torch.Tensor, *, positions: bool = True) -> tuple[torch.Tensor, dict]:
    """Layer 1's input `[B, T, d]` for ids `[B, T]`, and its pieces. `positions=False` leaves the position
    embedding out (the order-blind encoder of `engine.analysis.positions`)."""
    net = model.model
    size = ids.shape[-1]
    place = torch.arange(size)
    if family(model) == "bert":
        emb = net.embeddings
        token = emb.word_embeddings(ids)
        position = emb.position_embeddings(place)
        token_type = emb.token_type_embeddings(torch.zeros_like(ids))
        total = token + token_type + position if positions else token + token_type  # the library's order of sums
        normed = emb.LayerNorm(total)
        pieces = {"token": token, "position": position, "token_type": token_type, "total": total, "normed": normed}
        return normed, pieces
    token = net.wte(ids)
    position = net.wpe(place)
    total = token + position if positions else token
    return total, {"token": token, "position": position, "token_type": None, "total": total, "normed": None}


# ---------------------------------------------------------------------------------------------
# one block
# ---------------------------------------------------------------------------------------------
def _attention(q, k, v, scaling: float, causal: bool, keys: torch.Tensor | None) -> dict:
    """q, k, v `[B, H, T, d_head]`, `keys` `[B, T]` bool (False: padding) or None -> scores, scaled,
    weights `[B, H, T, T]`, mask (`[T, T]` or `[B, 1, T, T]`, None when nothing is masked), output
    `[B, H, T, d_head]`."""
    size = q.shape[-2]
    scores = q @ k.transpose(-1, -2)  # Q Kᵀ
    scaled = scores * scaling  # ÷ √d_head, multiplied as the library does (same rounding)
    mask = torch.tril(torch.ones(size, size, dtype=torch.bool)) if causal else None
    if keys is not None:
        mask = keys[:, None, None, :] if mask is None else mask & keys[:, None, None, :]
    logits = scaled.masked_fill(~mask, torch.finfo(scaled.dtype).min) if mask is not None else scaled
    weights = torch.softmax(logits, dim=-1)
    return {"scores": scores, "scaled": scaled, "mask": mask, "weights": weights, "output": weights @ v}


def _switch_off(heads: torch.Tensor, off: frozenset[int]) -> torch.Tensor:
    """`[B, H, T, d_head]` with the heads in `off` (from 1) set to zero."""
    if not off:
        return heads
    keep = torch.ones(heads.shape[1], 1, 1)
    keep[[h - 1 for h in off]] = 0.0
    return heads * keep


def _concat(heads: torch.Tensor) -> torch.Tensor:
    """`[B, H, T, d_head]` -> `[B, T, H * d_head]`: Concat(head_1 … head_H)."""
    return heads.transpose(1, 2).reshape(heads.shape[0], heads.shape[2], -1)


def bert_block(block, x: torch.Tensor, num_heads: int, off: frozenset[int], keys: torch.Tensor | None) -> dict:
    """A post-LN BERT layer on x `[B, T, d]`; every intermediate tensor by name."""
    attn = block.attention.self
    batch, size, d = x.shape
    split = (batch, size, num_heads, d // num_heads)
    q = attn.query(x).view(split).transpose(1, 2)  # [B, H, T, d_head]
    k = attn.key(x).view(split).transpose(1, 2)
    v = attn.value(x).view(split).transpose(1, 2)
    parts = _attention(q, k, v, attn.scaling, causal=False, keys=keys)
    heads = _switch_off(parts["output"], off)
    all_heads = _concat(heads)  # [T, d]
    projected = block.attention.output.dense(all_heads)
    attention_residual = projected + x
    attention_norm = block.attention.output.LayerNorm(attention_residual)
    ffn_hidden = block.intermediate.dense(attention_norm)  # [T, d_ff]
    ffn_activation = block.intermediate.intermediate_act_fn(ffn_hidden)
    ffn_output = block.output.dense(ffn_activation)
    ffn_residual = ffn_output + attention_norm
    out = block.output.LayerNorm(ffn_residual)
    return {
        **parts, "q": q, "k": k, "v": v, "attention_input": x, "all_heads": all_heads, "projected": projected,
        "attention_residual": attention_residual, "attention_norm": attention_norm, "ffn_hidden": ffn_hidden,
        "ffn_activation": ffn_activation, "ffn_output": ffn_output, "ffn_residual": ffn_residual, "out": out,
        "scale": 1.0 / attn.scaling,
    }  # fmt: skip


def gpt2_block(block, x: torch.Tensor, num_heads: int, off: frozenset[int], keys: torch.Tensor | None) -> dict:
    """A pre-LN GPT-2 block on x `[B, T, d]` (causal); every intermediate tensor by name."""
    attn = block.attn
    batch, size, d = x.shape
    split = (batch, size, num_heads, d // num_heads)
    attention_input = block.ln_1(x)
    q, k, v = (t.reshape(split).transpose(1, 2) for t in attn.c_attn(attention_input).split(d, dim=-1))
    parts = _attention(q, k, v, attn.scaling, causal=True, keys=keys)
    heads = _switch_off(parts["output"], off)
    all_heads = _concat(heads)
    projected = attn.c_proj(all_heads)
    attention_residual = projected + x
    attention_norm = block.ln_2(attention_residual)
    ffn_hidden = block.mlp.c_fc(attention_norm)
    ffn_activation = block.mlp.act(ffn_hidden)
    ffn_output = block.mlp.c_proj(ffn_activation)
    out = attention_residual + ffn_output
    return {
        **parts, "q": q, "k": k, "v": v, "attention_input": attention_input, "all_heads": all_heads,
        "projected": projected, "attention_residual": attention_residual, "attention_norm": attention_norm,
        "ffn_hidden": ffn_hidden, "ffn_activation": ffn_activation, "ffn_output": ffn_output, "ffn_residual": out,
        "out": out, "scale": 1.0 / attn.scaling,
    }  # fmt: skip


def blocks(model: TransformerModel) -> list:
    net = model.model
    return list(net.encoder.layer) if family(model) == "bert" else list(net.h)


@torch.inference_mode()
def forward(
    model: TransformerModel,
    ids: torch.Tensor,
    *,
    heads_off: HeadsOff | None = None,
    positions: bool = True,
    stop_at: int | None = None,
    keys: torch.Tensor | None = None,
) -> tuple[list[torch.Tensor], dict | None]:
    """Every layer from the module's weights, for ids `[B, T]` (`keys` `[B, T]` bool: False for padding;
    None: no padding): hidden states `[layers + 1]` of `[B, T, d]` (as `output_hidden_states` reports
    them: GPT-2's last one after ln_f) and, when `stop_at` is a layer (from 1), that layer's
    intermediate tensors (the run stops there)."""
    step = bert_block if family(model) == "bert" else gpt2_block
    x, _ignored = embed(model, ids, positions=positions)
    hidden = [x]
    layers = blocks(model)
    for number, block in enumerate(layers, start=1):
        parts = step(block, x, model.num_heads, (heads_off or {}).get(number, frozenset()), keys)
        x = parts["out"]
        if family(model) == "gpt2" and number == len(layers):
            x = model.model.ln_f(x)
            parts["out"] = x
        hidden.append(x)
        if number == stop_at:
            return hidden, parts
    return hidden, None


@torch.inference_mode()
def open_layer(model: TransformerModel, text: str, layer: int, head: int) -> OpenedLayer:
    """Layer `layer` and head `head` (both from 1, as the pages count them) of `text`, opened up.

    Raises `InputError` for empty or too long text, a layer or head out of range, or an architecture
    other than BERT-family and GPT-2 (named in the message)."""
    check_place(model, layer, head)
    ids, special = encode_ids(model, text)
    kind = family(model)
    ids = ids[None]  # [1, T]: a batch of one
    pieces = embed(model, ids)[1] if layer == 1 else None
    hidden, parts = forward(model, ids, stop_at=layer)
    assert parts is not None
    h = head - 1
    tokens = model.tokenizer.convert_ids_to_tokens(ids[0].tolist())
    act = model.model.config.hidden_act if kind == "bert" else model.model.config.activation_function
    return OpenedLayer(
        model_name=model.name,
        tokens=tokens,
        shown_tokens=[display_token(t, model.byte_decoder) for t in tokens],
        special_mask=special,
        layer=layer,
        head=head,
        num_layers=model.num_layers,
        num_heads=model.num_heads,
        d_head=int(parts["q"].shape[-1]),
        scale=float(parts["scale"]),
        norm_order="post-LN" if kind == "bert" else "pre-LN",
        activation=str(act),
        x=_np(hidden[layer - 1][0]),
        attention_input=_np(parts["attention_input"][0]),
        q=_np(parts["q"][0, h]),
        k=_np(parts["k"][0, h]),
        v=_np(parts["v"][0, h]),
        scores=_np(parts["scores"][0, h]),
        scaled=_np(parts["scaled"][0, h]),
        mask=None if parts["mask"] is None else parts["mask"].reshape(parts["mask"].shape[-2:]).numpy().copy(),
        weights=_np(parts["weights"][0, h]),
        head_output=_np(parts["output"][0, h]),
        all_heads=_np(parts["all_heads"][0]),
        projected=_np(parts["projected"][0]),
        attention_residual=_np(parts["attention_residual"][0]),
        attention_norm=_np(parts["attention_norm"][0]),
        ffn_hidden=_np(parts["ffn_hidden"][0]),
        ffn_activation=_np(parts["ffn_activation"][0]),
        ffn_output=_np(parts["ffn_output"][0]),
        ffn_residual=_np(parts["ffn_residual"][0]),
        layer_output=_np(hidden[layer][0]),
        embeddings=None if pieces is None else Embeddings(**{k: _row(t) for k, t in pieces.items()}),
        final_norm=kind == "gpt2" and layer == model.num_layers,
    )
