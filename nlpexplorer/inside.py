"""The "Inside attention" view: `inside` (one MiniLM layer computed step by step for one query token)."""

from __future__ import annotations

from nlpexplorer import models
from nlpexplorer.view import View

STAGE_ARRAYS = ("x", "q", "k", "v", "scores", "scaled", "weights", "head_output", "all_heads", "projected",
                "attention_residual", "attention_norm", "ffn_hidden", "ffn_activation", "ffn_output",
                "ffn_residual", "layer_output")  # fmt: skip


def inside(text: str, layer: int = 1, head: int = 1, query: int | None = None, *, stage: int | None = None) -> View:
    """Layer `layer`, head `head` (both from 1) of all-MiniLM-L6-v2 opened up on `text`, as the Inside attention
    page computes it (engine.analysis.inside.open_layer): Q, K, V, the scaled dot products, softmax, the
    weighted sum of values, the residual and LayerNorm, the feed-forward block (Vaswani et al. 2017, eq. 1-2;
    Devlin et al. 2019 for BERT's post-LN order). `query` (from 0; None: the first "bank", else the first
    token after [CLS]) is the token whose row the figures follow; `stage` (0..7, None: all) picks the stages
    drawn (figures.inside.STAGES).

    Arrays (T tokens, d = 384 width, d_head = 32, d_ff = 1536): "x", "all_heads", "projected",
    "attention_residual", "attention_norm", "ffn_output", "ffn_residual", "layer_output" float32 `[T, d]`;
    "q", "k", "v", "head_output" `[T, d_head]`; "scores" (Q Kᵀ), "scaled" (/ √d_head), "weights" (softmax;
    equal to transformers' attentions) `[T, T]`; "ffn_hidden", "ffn_activation" `[T, d_ff]`.
    Labels: "tokens", "shown_tokens". Raises `InputError` for an empty or too long text, a layer or head out
    of range, or a query outside 0..T-1.
    """
    from engine.analysis import inside as I
    from engine.validation import InputError
    from figures import inside as FI

    if not (text or "").strip():
        raise InputError("The text is empty: type a sentence.")
    opened = I.open_layer(models.transformer(""), text, layer, head)
    count = len(opened.tokens)
    query = I.default_query(opened) if query is None else query
    if not 0 <= query < count:
        raise InputError(f"Query token {query} does not exist: the text has tokens 0 to {count - 1}.")
    if stage is not None and not 0 <= stage < len(FI.STAGES):
        raise InputError(f"Stage {stage} does not exist: choose 0 to {len(FI.STAGES) - 1}.")
    arrays = {name: getattr(opened, name) for name in STAGE_ARRAYS}

    def draw() -> list:
        stages = FI.STAGES if stage is None else [FI.STAGES[stage]]
        return [FI.stage_figure(opened, query, name, play=True) for name in stages]

    about = f"layer {layer}, head {head} of MiniLM computed step by step for query token {query}."
    labels = {"tokens": list(opened.tokens), "shown_tokens": list(opened.shown_tokens)}
    return View("Inside attention", about, arrays, labels, opened, draw)
