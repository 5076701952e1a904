"""The Transformer view: `attention` (the Transformer attention page)."""

from __future__ import annotations

from nlpexplorer import models
from nlpexplorer.view import View


def attention(text: str, model=None, *, layer: int = 1, head: int = 1, statistic: str | None = None) -> View:
    """Every head's attention over `text`, as the Transformer attention page shows it.

    `model`: None (all-MiniLM-L6-v2, built in), a local Hugging Face folder (safetensors), a loaded
    `engine.models.transformer.TransformerModel`, or a `(transformers model, tokenizer)` pair.
    `layer`, `head` (from 1) pick the head drawn; `statistic` the heads grid's colour (default: the first
    of `engine.analysis.attention.STATISTICS`).

    Arrays (L layers, H heads, T tokens, D width): "attentions" float32 `[L, H, T, T]` (row i: token i's
    distribution over the tokens; rows sum to 1), "hidden_states" float32 `[L + 1, T, D]` (embeddings,
    then each layer's output), "special_mask" bool `[T]`. Labels: "tokens" (as the tokenizer spells them).
    Raises `InputError` for an empty text or one over the model's token limit.
    """
    from engine.analysis import attention as A
    from engine.validation import InputError

    loaded = models.transformer_model(model)
    problems = [p.message for p in loaded.check(text) if p.level == "error"]
    if problems:
        raise InputError(" ".join(problems))
    result = loaded.run(text)
    arrays = {"attentions": result.attentions, "hidden_states": result.hidden_states,
              "special_mask": result.special_mask}  # fmt: skip
    statistic = statistic or next(iter(A.STATISTICS))

    def draw() -> list:
        from figures.attention import attention_heatmap, heads_grid
        from figures.common import token_labels

        stats = A.head_statistics(result.attentions, result.special_mask)
        view = A.view_matrix(
            *(result.attentions, result.display_tokens, result.word_ids, result.words, result.special_mask),
            mode="head",
            layer=layer,
            head=head,
            causal=result.is_causal,
        )
        labels = token_labels(view.labels)
        return [
            heads_grid(stats.get(statistic), A.STATISTICS[statistic].split(":")[0], (layer, head)),
            attention_heatmap(view.matrix, labels, labels, title=view.title, causal=view.causal),
        ]

    about = "each head's attention: for every token, a probability distribution over the tokens it looks at."
    return View("Transformer attention", about, arrays, {"tokens": list(result.tokens)}, result, draw)
